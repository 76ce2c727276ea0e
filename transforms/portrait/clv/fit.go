package clv

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// minimizeLog minimises f (value and gradient at log-parameters x, written
// to grad when grad is non-nil) with BFGS from x0 and returns the
// exponentiated parameters.
func minimizeLog(name string, x0 []float64, f func(x, grad []float64) float64) ([]float64, error) {
	p := optimize.Problem{
		Func: func(x []float64) float64 { return f(x, nil) },
		Grad: func(grad, x []float64) { f(x, grad) },
	}
	settings := &optimize.Settings{
		GradientThreshold: 1e-10,
		Converger: &optimize.FunctionConverge{
			Absolute:   1e-13,
			Relative:   1e-13,
			Iterations: 20,
		},
		MajorIterations: 2000,
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.BFGS{})
	if res == nil {
		return nil, fmt.Errorf("clv: fitting %s: %v", name, err)
	}
	if err != nil || res.Status == optimize.IterationLimit {
		// A line search can fail at the optimum when the objective no longer
		// changes in floating point; accept the point if it is stationary.
		grad := make([]float64, len(x0))
		f(res.X, grad)
		if g := floats.Norm(grad, math.Inf(1)); !(g < 1e-6) {
			return nil, fmt.Errorf(
				"clv: fitting %s did not converge (status %v, gradient %.3g: %v); the data may not identify "+
					"the model, a small penalizer may help",
				name,
				res.Status,
				g,
				err,
			)
		}
	}
	out := make([]float64, len(res.X))
	for i, v := range res.X {
		out[i] = math.Exp(v)
		if out[i] == 0 || math.IsInf(out[i], 0) || math.IsNaN(out[i]) {
			return nil, fmt.Errorf("clv: fitting %s gave invalid parameters %v", name, out)
		}
	}
	return out, nil
}

// checkSummaries reports the first summary that cannot come from Summarize.
func checkSummaries(data []Summary) error {
	if len(data) == 0 {
		return errors.New("clv: no customers to fit")
	}
	for _, s := range data {
		ok := s.Frequency >= 0 && s.Frequency == math.Trunc(s.Frequency) &&
			s.Recency >= 0 && s.T >= s.Recency && !math.IsInf(s.T, 0) &&
			(s.Frequency > 0 || s.Recency == 0)
		if !ok {
			return fmt.Errorf(
				"clv: customer %q has an invalid summary (frequency %v, recency %v, T %v)",
				s.Customer,
				s.Frequency,
				s.Recency,
				s.T,
			)
		}
	}
	return nil
}
