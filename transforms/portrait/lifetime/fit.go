package lifetime

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// Group is a distinct BG/NBD summary and the number of customers that have it.
type Group struct {
	// Frequency, Recency and T are as in clv.Summary, in the same time unit.
	Frequency, Recency, T float64
	// Count is the number of customers with this summary (positive).
	Count float64
}

// SpendGroup is a distinct Gamma-Gamma input and the number of repeat customers that have it.
type SpendGroup struct {
	// Frequency and MonetaryValue are as in clv.Summary.
	Frequency, MonetaryValue float64
	// Count is the number of customers with this pair (positive).
	Count float64
}

// FitBGNBD fits clv's BG/NBD model to grouped summaries by maximum likelihood with clv.FitBGNBD's
// objective and settings: the same parameters as clv.FitBGNBD on the expanded customers.
func FitBGNBD(groups []Group, penalizer float64) (clv.BGNBD, error) {
	n, err := checkGroups(groups)
	if err != nil {
		return clv.BGNBD{}, err
	}
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
		return clv.BGNBD{}, err
	}
	return clv.BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}, nil
}

// FitGammaGamma fits clv's Gamma-Gamma model to grouped repeat customers with clv.FitGammaGamma's
// objective and settings. Groups with frequency 0 or a monetary value that is not positive are
// skipped, as clv skips such customers.
func FitGammaGamma(groups []SpendGroup, penalizer float64) (clv.GammaGamma, error) {
	var rep []SpendGroup
	var n float64
	for _, g := range groups {
		if !(g.Count > 0) || math.IsInf(g.Count, 0) {
			return clv.GammaGamma{}, fmt.Errorf("lifetime: group (frequency %v, monetary value %v) has count %v, want a positive number", g.Frequency, g.MonetaryValue, g.Count)
		}
		if g.Frequency > 0 && g.MonetaryValue > 0 && !math.IsInf(g.MonetaryValue, 0) {
			rep = append(rep, g)
			n += g.Count
		}
	}
	if len(rep) == 0 {
		return clv.GammaGamma{}, errors.New("lifetime: no repeat customers with a positive monetary value to fit Gamma-Gamma on")
	}
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
		return clv.GammaGamma{}, err
	}
	return clv.GammaGamma{P: par[0], Q: par[1], V: par[2]}, nil
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

// checkGroups reports the first group that cannot come from clv.Summarize, and returns the total count.
func checkGroups(groups []Group) (float64, error) {
	if len(groups) == 0 {
		return 0, errors.New("lifetime: no customers to fit")
	}
	var n float64
	for _, g := range groups {
		ok := g.Frequency >= 0 && g.Frequency == math.Trunc(g.Frequency) &&
			g.Recency >= 0 && g.T >= g.Recency && !math.IsInf(g.T, 0) &&
			(g.Frequency > 0 || g.Recency == 0) && g.Count > 0 && !math.IsInf(g.Count, 0)
		if !ok {
			return 0, fmt.Errorf("lifetime: invalid group (frequency %v, recency %v, T %v, count %v)", g.Frequency, g.Recency, g.T, g.Count)
		}
		n += g.Count
	}
	return n, nil
}

// bgnbdTerm returns one customer's BG/NBD log-likelihood and, when grad is non-nil, adds weight
// times its gradient with respect to the log-parameters (lifetimes'
// BetaGeoFitter._negative_log_likelihood, as in clv).
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
		db := mathext.Digamma(a+b) + mathext.Digamma(b+x) - mathext.Digamma(b) - mathext.Digamma(a+b+x)
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

// gammaGammaTerm returns one customer's Gamma-Gamma log-likelihood and, when grad is non-nil,
// adds weight times its gradient with respect to the log-parameters (lifetimes'
// GammaGammaFitter._negative_log_likelihood, as in clv).
func gammaGammaTerm(p, q, v, x, m, weight float64, grad []float64) float64 {
	lgamma := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	px := p * x
	ll := lgamma(px+q) - lgamma(px) - lgamma(q) + q*math.Log(v) +
		(px-1)*math.Log(m) + px*math.Log(x) - (px+q)*math.Log(x*m+v)
	if grad != nil {
		dp := x * (mathext.Digamma(px+q) - mathext.Digamma(px) + math.Log(m) + math.Log(x) - math.Log(x*m+v))
		dq := mathext.Digamma(px+q) - mathext.Digamma(q) + math.Log(v) - math.Log(x*m+v)
		dv := q/v - (px+q)/(x*m+v)
		grad[0] += weight * p * dp
		grad[1] += weight * q * dq
		grad[2] += weight * v * dv
	}
	return ll
}

// minimizeLog minimises f (value and gradient at log-parameters x) with BFGS from x0, with clv's
// settings, and returns the exponentiated parameters.
func minimizeLog(name string, x0 []float64, f func(x, grad []float64) float64) ([]float64, error) {
	p := optimize.Problem{
		Func: func(x []float64) float64 { return f(x, nil) },
		Grad: func(grad, x []float64) { f(x, grad) },
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-10,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 20},
		MajorIterations:   2000,
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.BFGS{})
	if res == nil {
		return nil, fmt.Errorf("lifetime: fitting %s: %v", name, err)
	}
	if err != nil || res.Status == optimize.IterationLimit {
		// A line search can fail at the optimum when the objective no longer changes in floating
		// point; accept the point if it is stationary.
		grad := make([]float64, len(x0))
		f(res.X, grad)
		if g := floats.Norm(grad, math.Inf(1)); !(g < 1e-6) {
			return nil, fmt.Errorf("lifetime: fitting %s did not converge (status %v, gradient %.3g: %v); the data may not identify the model, a small penalizer may help", name, res.Status, g, err)
		}
	}
	out := make([]float64, len(res.X))
	for i, v := range res.X {
		out[i] = math.Exp(v)
		if out[i] == 0 || math.IsInf(out[i], 0) || math.IsNaN(out[i]) {
			return nil, fmt.Errorf("lifetime: fitting %s gave invalid parameters %v", name, out)
		}
	}
	return out, nil
}
