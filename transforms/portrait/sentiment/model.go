package sentiment

import "math"

// Model scores how positive a text is. It is read-only after Train or
// UnmarshalBinary, so one Model may serve many goroutines.
type Model struct {
	maxOrder, bits int
	bias           float64
	weights        []float32 // one per bucket: the regression weight times the log-count ratio
}

// Positive returns the probability in [0, 1] that the text is positive:
// the logistic function of the bias plus the weights of the text's distinct
// n-gram buckets. A text that folds to nothing (empty, blanks, control
// characters) gives 0.5, as does a zero Model.
func (m *Model) Positive(text string) float64 {
	if m == nil || len(m.weights) == 0 {
		return 0.5
	}
	e := extractor{maxOrder: m.maxOrder, bits: m.bits}
	fs := e.features(text)
	if len(fs) == 0 {
		return 0.5
	}
	s := m.bias
	for _, f := range fs {
		s += float64(m.weights[f])
	}
	return sigmoid(s)
}

// Accuracy returns the share of texts whose prediction (Positive above
// 0.5) matches their label; NaN when there is no text or the lengths
// differ.
func Accuracy(m *Model, texts []string, positive []bool) float64 {
	if len(texts) == 0 || len(texts) != len(positive) {
		return math.NaN()
	}
	right := 0
	for i, t := range texts {
		if (m.Positive(t) > 0.5) == positive[i] {
			right++
		}
	}
	return float64(right) / float64(len(texts))
}
