package clv

import (
	"errors"
	"fmt"
	"math"
)

// Group is a distinct BG/NBD summary and the number of customers that have it. In days,
// (frequency, recency, T) takes a few hundred thousand distinct values however many millions of
// buyers share them, so a fit over groups costs what the distinct values cost, not the customers.
type Group struct {
	// Frequency, Recency and T are as in Summary, in the same time unit.
	Frequency, Recency, T float64
	// Count is the number of customers with this summary (positive).
	Count float64
}

// SpendGroup is a distinct Gamma-Gamma input and the number of repeat customers that have it.
type SpendGroup struct {
	// Frequency and MonetaryValue are as in Summary.
	Frequency, MonetaryValue float64
	// Count is the number of customers with this pair (positive).
	Count float64
}

// FitBGNBDGrouped fits the BG/NBD model to grouped summaries with FitBGNBD's objective and
// settings: the parameters FitBGNBD gives on the expanded customers.
func FitBGNBDGrouped(groups []Group, penalizer float64) (BGNBD, error) {
	n, err := checkGroups(groups)
	if err != nil {
		return BGNBD{}, err
	}
	return fitBGNBD(groups, n, penalizer)
}

// FitGammaGammaGrouped fits the Gamma-Gamma model to grouped repeat customers with
// FitGammaGamma's objective and settings. Groups with frequency 0 or a monetary value that is not
// a positive finite number are skipped, as FitGammaGamma skips such customers.
func FitGammaGammaGrouped(groups []SpendGroup, penalizer float64) (GammaGamma, error) {
	var rep []SpendGroup
	var n float64
	for _, g := range groups {
		if !(g.Count > 0) || math.IsInf(g.Count, 0) {
			return GammaGamma{}, fmt.Errorf(
				"clv: group (frequency %v, monetary value %v) has count %v, want a positive number",
				g.Frequency,
				g.MonetaryValue,
				g.Count,
			)
		}
		if g.Frequency > 0 && g.MonetaryValue > 0 && !math.IsInf(g.MonetaryValue, 0) {
			rep = append(rep, g)
			n += g.Count
		}
	}
	if len(rep) == 0 {
		return GammaGamma{}, errNoRepeat
	}
	return fitGammaGamma(rep, n, penalizer)
}

// errNoRepeat is the error of a Gamma-Gamma fit without a customer to fit on.
var errNoRepeat = errors.New(
	"clv: no repeat customers with a positive monetary value to fit Gamma-Gamma on",
)

// fitBGNBD minimises the mean negative log-likelihood of n customers in groups plus penalizer
// times the sum of the squared parameters, over the logarithms of R, Alpha, A and B from 0.1.
func fitBGNBD(groups []Group, n, penalizer float64) (BGNBD, error) {
	f := func(x, grad []float64) float64 {
		r, alpha, a, b := math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2]), math.Exp(x[3])
		if grad != nil {
			clear(grad)
		}
		var ll float64
		for _, g := range groups {
			ll += g.Count * bgnbdTerm(r, alpha, a, b, g.Frequency, g.Recency, g.T, -g.Count/n, grad)
		}
		return -ll/n + penalty(penalizer, []float64{r, alpha, a, b}, grad)
	}
	p, err := minimizeLog("BG/NBD", []float64{0.1, 0.1, 0.1, 0.1}, f)
	if err != nil {
		return BGNBD{}, err
	}
	return BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}, nil
}

// fitGammaGamma minimises the mean negative log-likelihood of n repeat customers in groups plus
// penalizer times the sum of the squared parameters, over the logarithms of P, Q and V from 0.1.
func fitGammaGamma(rep []SpendGroup, n, penalizer float64) (GammaGamma, error) {
	f := func(x, grad []float64) float64 {
		p, q, v := math.Exp(x[0]), math.Exp(x[1]), math.Exp(x[2])
		if grad != nil {
			clear(grad)
		}
		var ll float64
		for _, g := range rep {
			ll += g.Count * gammaGammaTerm(p, q, v, g.Frequency, g.MonetaryValue, -g.Count/n, grad)
		}
		return -ll/n + penalty(penalizer, []float64{p, q, v}, grad)
	}
	par, err := minimizeLog("Gamma-Gamma", []float64{0.1, 0.1, 0.1}, f)
	if err != nil {
		return GammaGamma{}, err
	}
	return GammaGamma{P: par[0], Q: par[1], V: par[2]}, nil
}

// penalty is penalizer times the sum of squared parameters; it adds its gradient with respect to
// the log-parameters to grad when grad is non-nil.
func penalty(penalizer float64, params, grad []float64) float64 {
	var pen float64
	for i, v := range params {
		pen += penalizer * v * v
		if grad != nil {
			grad[i] += 2 * penalizer * v * v
		}
	}
	return pen
}

// checkGroups reports the first group that cannot come from Summarize, and returns the total count.
func checkGroups(groups []Group) (float64, error) {
	if len(groups) == 0 {
		return 0, errors.New("clv: no customers to fit")
	}
	var n float64
	for _, g := range groups {
		ok := g.Frequency >= 0 && g.Frequency == math.Trunc(g.Frequency) &&
			g.Recency >= 0 && g.T >= g.Recency && !math.IsInf(g.T, 0) &&
			(g.Frequency > 0 || g.Recency == 0) && g.Count > 0 && !math.IsInf(g.Count, 0)
		if !ok {
			return 0, fmt.Errorf(
				"clv: invalid group (frequency %v, recency %v, T %v, count %v)",
				g.Frequency,
				g.Recency,
				g.T,
				g.Count,
			)
		}
		n += g.Count
	}
	return n, nil
}
