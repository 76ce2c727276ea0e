package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is a fitted BG/NBD model (Fader, Hardie and Lee 2005): purchases of
// a live customer follow a Poisson process whose rate is Gamma(R, Alpha)
// across customers, and after each purchase the customer drops out with a
// probability that is Beta(A, B) across customers. Times are in the units of
// the Summary it was fitted on.
type BGNBD struct {
	// R is the shape of the Gamma distribution of purchase rates.
	R float64
	// Alpha is the scale (in time units) of the Gamma distribution of
	// purchase rates.
	Alpha float64
	// A is the first shape parameter of the Beta distribution of dropout
	// probabilities.
	A float64
	// B is the second shape parameter of the Beta distribution of dropout
	// probabilities.
	B float64
}

// bgnbdTerm returns one customer's log-likelihood and, when grad is
// non-nil, adds weight times its gradient with respect to the log-parameters.
// It follows lifetimes' BetaGeoFitter._negative_log_likelihood.
func bgnbdTerm(r, alpha, a, b, x, tx, T, weight float64, grad []float64) float64 {
	lgamma := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	a1 := lgamma(r+x) - lgamma(r) + r*math.Log(alpha)
	a2 := lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
	a3 := -(r + x) * math.Log(alpha+T)
	ll := a1 + a2
	w3, w4 := 1.0, 0.0
	if x > 0 {
		a4 := math.Log(a) - math.Log(b+x-1) - (r+x)*math.Log(alpha+tx)
		m := math.Max(a3, a4)
		e3, e4 := math.Exp(a3-m), math.Exp(a4-m)
		ll += m + math.Log(e3+e4)
		w3, w4 = e3/(e3+e4), e4/(e3+e4)
	} else {
		ll += a3
	}
	if grad != nil {
		dr := mathext.Digamma(r+x) - mathext.Digamma(r) + math.Log(alpha) - w3*math.Log(alpha+T)
		dalpha := r/alpha - w3*(r+x)/(alpha+T)
		da := mathext.Digamma(a+b) - mathext.Digamma(a+b+x)
		db := mathext.Digamma(
			a+b,
		) + mathext.Digamma(
			b+x,
		) - mathext.Digamma(
			b,
		) - mathext.Digamma(
			a+b+x,
		)
		if x > 0 {
			dr -= w4 * math.Log(alpha+tx)
			dalpha -= w4 * (r + x) / (alpha + tx)
			da += w4 / a
			db -= w4 / (b + x - 1)
		}
		grad[0] += weight * r * dr
		grad[1] += weight * alpha * dalpha
		grad[2] += weight * a * da
		grad[3] += weight * b * db
	}
	return ll
}

// LogLikelihood returns the total BG/NBD log-likelihood of data under m (the
// sum over customers, without any penalizer).
func (m BGNBD) LogLikelihood(data []Summary) float64 {
	var ll float64
	for _, s := range data {
		ll += bgnbdTerm(m.R, m.Alpha, m.A, m.B, s.Frequency, s.Recency, s.T, 0, nil)
	}
	return ll
}

// FitBGNBD fits a BG/NBD model to data by maximum likelihood, as lifetimes'
// BetaGeoFitter.fit does: it minimises the mean negative log-likelihood plus
// penalizer times the sum of the squared parameters (penalizer 0 is
// lifetimes' default), over the logarithms of R, Alpha, A and B, starting
// from 0.1 for each logarithm.
func FitBGNBD(data []Summary, penalizer float64) (BGNBD, error) {
	if err := checkSummaries(data); err != nil {
		return BGNBD{}, err
	}
	groups := make([]Group, len(data))
	for i, s := range data {
		groups[i] = Group{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Count: 1}
	}
	return fitBGNBD(groups, float64(len(data)), penalizer)
}

// ProbAlive returns the probability that a customer with this frequency,
// recency and T (in the model's units) is still alive, as lifetimes'
// conditional_probability_alive; 1 when frequency is 0.
func (m BGNBD) ProbAlive(frequency, recency, T float64) float64 {
	if frequency == 0 {
		return 1
	}
	logDiv := (m.R+frequency)*math.Log((m.Alpha+T)/(m.Alpha+recency)) +
		math.Log(m.A/(m.B+math.Max(frequency, 1)-1))
	return 1 / (1 + math.Exp(logDiv))
}

// ExpectedPurchases returns the expected number of purchases in the next t
// units of a customer with this frequency, recency and T, as lifetimes'
// conditional_expected_number_of_purchases_up_to_time. It needs A > 1 for a
// finite answer, as the formula does.
func (m BGNBD) ExpectedPurchases(t, frequency, recency, T float64) float64 {
	if t == 0 {
		return 0
	}
	x := frequency
	ha, hb, hc := m.R+x, m.B+x, m.A+m.B+x-1
	z := t / (m.Alpha + T + t)
	lnHyp := math.Log(mathext.Hypergeo(ha, hb, hc, z))
	if math.IsInf(lnHyp, 0) || math.IsNaN(lnHyp) {
		// The Euler transformation, as lifetimes falls back to.
		lnHyp = math.Log(mathext.Hypergeo(hc-ha, hc-hb, hc, z)) + (hc-ha-hb)*math.Log(1-z)
	}
	first := (m.A + m.B + x - 1) / (m.A - 1)
	second := 1 - math.Exp(lnHyp+(m.R+x)*math.Log((m.Alpha+T)/(m.Alpha+t+T)))
	den := 1.0
	if x > 0 {
		den += m.A / (m.B + x - 1) * math.Pow((m.Alpha+T)/(m.Alpha+recency), m.R+x)
	}
	return first * second / den
}
