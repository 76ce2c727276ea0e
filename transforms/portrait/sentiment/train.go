package sentiment

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Train fits a model to texts labelled positive or not. It errors when the
// lengths differ, when either class has no example or when an option is out
// of range. The model depends only on the multiset of (text, label) pairs
// and the options: the same pairs in any order give the same model bytes on
// the same platform.
//
// Training makes one pass to count, per bucket, the positive and the
// negative texts holding it, then opt.Epochs passes of logistic regression
// by stochastic gradient descent on the features scaled by their smoothed
// naive Bayes log-count ratios. Memory is about 28 bytes per bucket (112 MB
// at the default 2^22) whatever the number of texts.
func Train(texts []string, positive []bool, opt Options) (*Model, error) {
	if len(texts) != len(positive) {
		return nil, fmt.Errorf("sentiment: %d texts but %d labels", len(texts), len(positive))
	}
	o, err := opt.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("sentiment options: %w", err)
	}
	npos := 0
	for _, p := range positive {
		if p {
			npos++
		}
	}
	switch {
	case npos == 0:
		return nil, errors.New("sentiment: no positive example to train on")
	case npos == len(positive):
		return nil, errors.New("sentiment: no negative example to train on")
	}
	e := &extractor{maxOrder: o.MaxOrder, bits: o.HashBits}
	ratio := logCountRatios(e, texts, positive, o.Smoothing)
	w, bias := descend(
		e,
		texts,
		positive,
		ratio,
		o,
		math.Log(float64(npos)/float64(len(positive)-npos)),
	)
	weights := make([]float32, len(w))
	for j := range w {
		weights[j] = float32(w[j] * ratio[j])
	}
	return &Model{maxOrder: o.MaxOrder, bits: o.HashBits, bias: bias, weights: weights}, nil
}

// logCountRatios returns, per bucket, log(p/|p|) - log(q/|q|) where p and q
// count the positive and the negative texts holding the bucket, plus
// alpha, and |.| sums over the buckets seen in training (Wang and Manning
// 2012, "Baselines and Bigrams", NBSVM with binarised features).
func logCountRatios(e *extractor, texts []string, positive []bool, alpha float64) []float64 {
	pos := make([]uint32, 1<<e.bits)
	neg := make([]uint32, 1<<e.bits)
	for i, t := range texts {
		counts := neg
		if positive[i] {
			counts = pos
		}
		for _, f := range e.features(t) {
			counts[f]++
		}
	}
	var sumPos, sumNeg, seen float64
	for j := range pos {
		sumPos += float64(pos[j])
		sumNeg += float64(neg[j])
		if pos[j]+neg[j] > 0 {
			seen++
		}
	}
	normPos := math.Log(sumPos + alpha*seen)
	normNeg := math.Log(sumNeg + alpha*seen)
	ratio := make([]float64, len(pos))
	for j := range ratio {
		if pos[j]+neg[j] > 0 { // no training text reaches the others
			ratio[j] = math.Log(
				float64(pos[j])+alpha,
			) - normPos - math.Log(
				float64(neg[j])+alpha,
			) + normNeg
		}
	}
	return ratio
}

// descend runs o.Epochs passes of stochastic gradient descent on the
// logistic loss, starting from zero weights and the given bias, and returns
// the weights (per bucket, to be multiplied by ratio) and the bias. The
// examples are visited in trainingOrder.
func descend(
	e *extractor,
	texts []string,
	positive []bool,
	ratio []float64,
	o Options,
	bias float64,
) ([]float64, float64) {
	order := trainingOrder(texts, positive)
	w := make([]float64, len(ratio))
	n := float64(len(texts))
	t := 0.0
	for range o.Epochs {
		for _, i := range order {
			fs := e.features(texts[i])
			s := bias
			for _, f := range fs {
				s += w[f] * ratio[f]
			}
			g := sigmoid(s)
			if positive[i] {
				g--
			}
			step := o.LearningRate / (1 + t/n) * g
			t++
			for _, f := range fs {
				w[f] -= step * ratio[f]
			}
			bias -= step
		}
	}
	return w, bias
}

// trainingOrder returns the indexes of the examples sorted by a hash of
// their text and label (ties by text, then label): an order that looks
// random, so gradient descent does not see all of one class first, yet
// depends only on the examples and not on how they were listed.
func trainingOrder(texts []string, positive []bool) []int32 {
	keys := make([]uint64, len(texts))
	for i, t := range texts {
		h := uint64(0xcbf29ce484222325)
		for j := 0; j < len(t); j++ {
			h = (h ^ uint64(t[j])) * 0x100000001b3
		}
		if positive[i] {
			h ^= 1
		}
		keys[i] = fmix64(h)
	}
	order := make([]int32, len(texts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		if c := cmp.Compare(texts[a], texts[b]); c != 0 {
			return c
		}
		return cmp.Compare(b2i(positive[a]), b2i(positive[b]))
	})
	return order
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sigmoid is the logistic function 1/(1+e^-s).
func sigmoid(s float64) float64 {
	return 1 / (1 + math.Exp(-s))
}
