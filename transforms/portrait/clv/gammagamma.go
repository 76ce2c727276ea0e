package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is a fitted Gamma-Gamma spend model (Fader, Hardie and Lee 2005,
// "RFM and CLV"): a customer's spend per transaction is Gamma(P, nu) around
// their own mean, and nu is Gamma(Q, V) across customers.
type GammaGamma struct {
	// P is the shape of the per-transaction spend distribution.
	P float64
	// Q is the shape of the Gamma distribution of nu across customers.
	Q float64
	// V is the rate (in money units) of the Gamma distribution of nu.
	V float64
}

// gammaGammaTerm returns one customer's log-likelihood and, when grad is
// non-nil, adds weight times its gradient with respect to the log-parameters.
// It follows lifetimes' GammaGammaFitter._negative_log_likelihood.
func gammaGammaTerm(p, q, v, x, m, weight float64, grad []float64) float64 {
	lgamma := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	px := p * x
	ll := lgamma(px+q) - lgamma(px) - lgamma(q) + q*math.Log(v) +
		(px-1)*math.Log(m) + px*math.Log(x) - (px+q)*math.Log(x*m+v)
	if grad != nil {
		dp := x * (mathext.Digamma(px+q) - mathext.Digamma(px) + math.Log(m) +
			math.Log(x) - math.Log(x*m+v))
		dq := mathext.Digamma(px+q) - mathext.Digamma(q) + math.Log(v) - math.Log(x*m+v)
		dv := q/v - (px+q)/(x*m+v)
		grad[0] += weight * p * dp
		grad[1] += weight * q * dq
		grad[2] += weight * v * dv
	}
	return ll
}

// repeatCustomers returns the summaries the Gamma-Gamma model is fitted on:
// frequency > 0 and a positive monetary value (a log-likelihood needs both).
func repeatCustomers(data []Summary) []Summary {
	var out []Summary
	for _, s := range data {
		if s.Frequency > 0 && s.MonetaryValue > 0 {
			out = append(out, s)
		}
	}
	return out
}

// LogLikelihood returns the total Gamma-Gamma log-likelihood under g of the
// customers in data with frequency > 0 and a positive monetary value.
func (g GammaGamma) LogLikelihood(data []Summary) float64 {
	var ll float64
	for _, s := range repeatCustomers(data) {
		ll += gammaGammaTerm(g.P, g.Q, g.V, s.Frequency, s.MonetaryValue, 0, nil)
	}
	return ll
}

// FitGammaGamma fits a Gamma-Gamma model by maximum likelihood on the
// customers in data with frequency > 0 and a positive monetary value (the
// others are skipped), as lifetimes' GammaGammaFitter.fit does: it minimises
// the mean negative log-likelihood plus penalizer times the sum of the
// squared parameters over the logarithms of P, Q and V, starting from 0.1 for
// each logarithm. The model assumes spend is independent of frequency.
func FitGammaGamma(data []Summary, penalizer float64) (GammaGamma, error) {
	rep := repeatCustomers(data)
	if len(rep) == 0 {
		return GammaGamma{}, errNoRepeat
	}
	groups := make([]SpendGroup, len(rep))
	for i, s := range rep {
		groups[i] = SpendGroup{Frequency: s.Frequency, MonetaryValue: s.MonetaryValue, Count: 1}
	}
	return fitGammaGamma(groups, float64(len(rep)), penalizer)
}

// ExpectedAverageProfit returns a customer's expected spend per transaction
// given their frequency and monetary value, as lifetimes'
// conditional_expected_average_profit: a weighted mean of the population mean
// V*P/(Q-1) and the customer's own mean (the population mean when frequency
// is 0). It needs Q > 1.
func (g GammaGamma) ExpectedAverageProfit(frequency, monetaryValue float64) float64 {
	w := g.P * frequency / (g.P*frequency + g.Q - 1)
	mean := g.V * g.P / (g.Q - 1)
	return (1-w)*mean + w*monetaryValue
}
