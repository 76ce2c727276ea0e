package propensity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// sigmoid is the logistic function 1/(1+e^{-z}).
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+e^z) without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// fitLogistic fits a logistic regression of targets (probabilities in
// [0, 1]: labels, or Platt's smoothed labels) on the rows of x by minimising
//
//	(Σ_i [log(1+e^{η_i}) - target_i η_i] + l2/2 Σ_j coef_j²) / n,  η_i = intercept + coef·x_i,
//
// the mean cross-entropy plus an L2 penalty on the coefficients (not on the
// intercept), with gonum's BFGS on the analytic gradient, starting from
// zero coefficients and the intercept of the mean target.
func fitLogistic(
	x [][]float64,
	targets []float64,
	l2 float64,
) (coef []float64, intercept float64, err error) {
	n, d := len(x), len(x[0])
	f := func(theta, grad []float64) float64 {
		w, b := theta[:d], theta[d]
		if grad != nil {
			clear(grad)
		}
		var loss float64
		for i, row := range x {
			eta := b + floats.Dot(w, row)
			loss += softplus(eta) - targets[i]*eta
			if grad != nil {
				r := sigmoid(eta) - targets[i]
				floats.AddScaled(grad[:d], r, row)
				grad[d] += r
			}
		}
		loss += l2 / 2 * floats.Dot(w, w)
		if grad != nil {
			floats.AddScaled(grad[:d], l2, w)
			floats.Scale(1/float64(n), grad)
		}
		return loss / float64(n)
	}
	theta0 := make([]float64, d+1)
	mean := floats.Sum(targets) / float64(n)
	theta0[d] = math.Log(mean / (1 - mean))
	p := optimize.Problem{
		Func: func(theta []float64) float64 { return f(theta, nil) },
		Grad: func(grad, theta []float64) { f(theta, grad) },
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-9,
		Converger: &optimize.FunctionConverge{
			Absolute:   1e-14,
			Relative:   1e-14,
			Iterations: 50,
		},
		MajorIterations: 10000,
	}
	res, err := optimize.Minimize(p, theta0, settings, &optimize.BFGS{})
	if res == nil {
		return nil, 0, fmt.Errorf("logistic regression: %w", err)
	}
	// A line search can fail at the optimum when the objective no longer
	// changes in floating point; accept the point if it is stationary.
	grad := make([]float64, d+1)
	f(res.X, grad)
	if g := floats.Norm(grad, math.Inf(1)); !(g < 1e-5) || floats.HasNaN(res.X) {
		return nil, 0, fmt.Errorf(
			"logistic regression did not converge (status %v, gradient %.3g, %v): "+
				"the classes may be separable; a larger L2 penalty helps",
			res.Status,
			g,
			err,
		)
	}
	return res.X[:d], res.X[d], nil
}
