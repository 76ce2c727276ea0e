package clv

import (
	"fmt"
	"math"
	"sort"
)

// Purchases is a purchase model as lifetime value uses one: BG/NBD, or the Recency fallback.
type Purchases interface {
	// ProbAlive is the probability that a customer with this frequency, recency and T is still
	// an active buyer.
	ProbAlive(frequency, recency, T float64) float64
	// ExpectedPurchases is the customer's expected purchases in the next t time units.
	ExpectedPurchases(t, frequency, recency, T float64) float64
}

// FitBGNBDScaleFree fits BG/NBD as FitBGNBDGrouped does, with the penalty on scale-free
// parameters: time is measured in units of the customers' mean T while fitting, so that the
// penalizer weighs r, a, b and alpha over the mean T alike whatever the time unit (lifetimes'
// penalty on alpha in days is 7 times its penalty in weeks). Alpha is given back in the groups'
// unit. Without a penalty the fit is FitBGNBDGrouped's: the likelihood does not depend on the unit.
func FitBGNBDScaleFree(groups []Group, penalizer float64) (BGNBD, error) {
	n, err := checkGroups(groups)
	if err != nil {
		return BGNBD{}, err
	}
	scale := timeScale(groups, n)
	scaled := make([]Group, len(groups))
	for i, g := range groups {
		scaled[i] = g
		scaled[i].Recency, scaled[i].T = g.Recency/scale, g.T/scale
	}
	m, err := fitBGNBD(scaled, n, penalizer)
	if err != nil {
		return BGNBD{}, err
	}
	m.Alpha *= scale
	return m, nil
}

// timeScale is the customers' mean T, or 1 when every T is 0.
func timeScale(groups []Group, n float64) float64 {
	var sum float64
	for _, g := range groups {
		sum += g.Count * g.T
	}
	if !(sum > 0) {
		return 1
	}
	return sum / n
}

// FitGammaGammaScaleFree fits Gamma-Gamma as FitGammaGammaGrouped does, with money measured in
// units of the repeat customers' mean monetary value while fitting, so that the penalizer weighs
// p, q and v over that mean alike in fen, cents or yuan. V is given back in the groups' unit.
func FitGammaGammaScaleFree(groups []SpendGroup, penalizer float64) (GammaGamma, error) {
	var sum, n float64
	for _, g := range groups {
		if g.Frequency > 0 && g.MonetaryValue > 0 && !math.IsInf(g.MonetaryValue, 0) &&
			g.Count > 0 {
			sum += g.Count * g.MonetaryValue
			n += g.Count
		}
	}
	scale := 1.0
	if n > 0 && sum > 0 {
		scale = sum / n
	}
	scaled := make([]SpendGroup, len(groups))
	for i, g := range groups {
		scaled[i] = g
		scaled[i].MonetaryValue = g.MonetaryValue / scale
	}
	m, err := FitGammaGammaGrouped(scaled, penalizer)
	if err != nil {
		return GammaGamma{}, err
	}
	m.V *= scale
	return m, nil
}

// GroupedLogLikelihood is the BG/NBD log-likelihood of the grouped customers under m.
func (m BGNBD) GroupedLogLikelihood(groups []Group) float64 {
	var ll float64
	for _, g := range groups {
		ll += g.Count * bgnbdTerm(m.R, m.Alpha, m.A, m.B, g.Frequency, g.Recency, g.T, 0, nil)
	}
	return ll
}

// PoissonFit is the one-parameter model BG/NBD is judged against: every customer alive, buying
// again at one rate (repeat purchases per time unit, the pooled maximum-likelihood estimate), and
// the log-likelihood of the grouped customers under it, on BG/NBD's footing (the density of the
// repeat purchases' times, which BG/NBD reaches with no dropout and r going to infinity).
func PoissonFit(groups []Group) (rate, logLikelihood float64) {
	var x, t float64
	for _, g := range groups {
		x += g.Count * g.Frequency
		t += g.Count * g.T
	}
	if !(x > 0 && t > 0) {
		return 0, 0
	}
	rate = x / t
	return rate, x*math.Log(rate) - rate*t
}

// Thresholds of Untrusted.
const (
	// MaxDropout is the largest mean probability of dropping out after a purchase, a/(a+b), a
	// fit may give: above it every repeat buyer looks gone the moment they buy.
	MaxDropout = 0.99
	// LikelihoodRatio95 is the chi-squared quantile (3 degrees of freedom, 95%) that twice the
	// log-likelihood gained over PoissonFit must exceed: BG/NBD has three parameters more.
	LikelihoodRatio95 = 7.815
	// boundLow and boundHigh bound a scale-free parameter of a fit that has not run off.
	boundLow, boundHigh = 1e-3, 1e5
)

// Untrusted says why a BG/NBD fit on groups cannot be trusted, or "" when it can: a mean dropout
// after a purchase above MaxDropout; r, a, b or alpha over the customers' mean T at a bound of
// the parameter space (below 0.001 or above 100,000, where the likelihood is flat); or a
// likelihood no better than PoissonFit's by the likelihood-ratio test at 95%. Such fits happen on
// sparse data (a marketplace where one buyer in two hundred comes back): b runs to 0 and every
// repeat buyer gets a P(alive) near 0.
func Untrusted(m BGNBD, groups []Group) string {
	if drop := m.A / (m.A + m.B); !(drop <= MaxDropout) {
		return fmt.Sprintf(
			"mean dropout after a purchase a/(a+b) = %.4g exceeds %g",
			drop,
			MaxDropout,
		)
	}
	n, err := checkGroups(groups)
	if err != nil {
		return err.Error()
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"r", m.R}, {"alpha over the mean T", m.Alpha / timeScale(groups, n)}, {"a", m.A}, {"b", m.B}} {
		if !(p.v >= boundLow && p.v <= boundHigh) {
			return fmt.Sprintf("%s = %.4g is at a bound of the parameter space (%g to %g)",
				p.name, p.v, boundLow, boundHigh)
		}
	}
	_, base := PoissonFit(groups)
	if gain := 2 * (m.GroupedLogLikelihood(groups) - base); !(gain > LikelihoodRatio95) {
		return fmt.Sprintf("the likelihood is no better than one purchase rate for everyone "+
			"(twice the log-likelihood gained %.3g, at most %.3f at 95%%)", gain, LikelihoodRatio95)
	}
	return ""
}

// Recency is the purchase model of a night whose BG/NBD fit cannot be trusted: P(alive) is the
// share of the repeat gaps seen (days between consecutive purchase days, over every buyer) that
// are longer than the customer's silence since their last purchase, so a buyer silent longer than
// almost every buyer who came back ever was is nearly gone, and one who just bought is alive;
// expected purchases are P(alive) times the pooled repeat rate (PoissonFit) times the horizon.
// Times are in the units of the gaps.
type Recency struct {
	// GapDays are the distinct repeat gaps, ascending, and GapCounts how often each was seen.
	GapDays   []int32 `json:"gap_days"`
	GapCounts []int64 `json:"gap_counts"`
	// Rate is the repeat purchases per time unit of a live customer.
	Rate float64 `json:"rate"`
	// Gaps is the number of gaps seen.
	Gaps int64 `json:"gaps"`
}

// NewRecency builds the model from gap counts (gap → count) and the pooled repeat rate.
func NewRecency(gaps map[int32]int64, rate float64) Recency {
	m := Recency{Rate: rate}
	for d := range gaps {
		m.GapDays = append(m.GapDays, d)
	}
	sort.Slice(m.GapDays, func(i, j int) bool { return m.GapDays[i] < m.GapDays[j] })
	for _, d := range m.GapDays {
		m.GapCounts = append(m.GapCounts, gaps[d])
		m.Gaps += gaps[d]
	}
	return m
}

// ProbAlive is the share of the gaps seen that are longer than T - recency; 1 without gaps.
func (m Recency) ProbAlive(_, recency, T float64) float64 {
	if m.Gaps == 0 {
		return 1
	}
	silence := T - recency
	i := sort.Search(len(m.GapDays), func(i int) bool { return float64(m.GapDays[i]) > silence })
	var longer int64
	for _, c := range m.GapCounts[i:] {
		longer += c
	}
	return float64(longer) / float64(m.Gaps)
}

// ExpectedPurchases is P(alive) times the rate times t.
func (m Recency) ExpectedPurchases(t, frequency, recency, T float64) float64 {
	return m.ProbAlive(frequency, recency, T) * m.Rate * t
}
