package sentiment

import (
	"fmt"
	"math"
)

// Defaults of Options, chosen on the two-halves evaluation of the labelled
// shopping reviews (see the package doc).
const (
	DefaultMaxOrder     = 3
	DefaultHashBits     = 22
	DefaultSmoothing    = 0.5
	DefaultEpochs       = 2
	DefaultLearningRate = 0.05
)

// Limits of Options.
const (
	maxMaxOrder = 5
	minHashBits = 8
	maxHashBits = 24 // training holds up to 28 bytes per bucket: 470 MB at 24 bits
	maxEpochs   = 100
)

// Options tunes Train. The zero value gives the defaults above; a field left
// at zero takes its default.
type Options struct {
	// MaxOrder is the longest character n-gram used: features are the
	// n-grams of order 1 to MaxOrder (1 to 5).
	MaxOrder int
	// HashBits sets the number of feature buckets to 2^HashBits (8 to 24).
	// N-grams are hashed into buckets, which bounds memory whatever the
	// vocabulary; the model file holds at most one weight per bucket.
	HashBits int
	// Smoothing is the additive (Laplace) smoothing of the naive Bayes
	// counts that scale the features.
	Smoothing float64
	// Epochs is the number of passes of stochastic gradient descent.
	Epochs int
	// LearningRate is the initial step of gradient descent; it decays as
	// rate/(1+t/n) after t of n examples.
	LearningRate float64
}

// withDefaults returns o with zero fields set to their defaults, or an error
// naming the first field out of range.
func (o Options) withDefaults() (Options, error) {
	if o.MaxOrder == 0 {
		o.MaxOrder = DefaultMaxOrder
	}
	if o.HashBits == 0 {
		o.HashBits = DefaultHashBits
	}
	if o.Smoothing == 0 {
		o.Smoothing = DefaultSmoothing
	}
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultLearningRate
	}
	switch {
	case o.MaxOrder < 1 || o.MaxOrder > maxMaxOrder:
		return o, fmt.Errorf("MaxOrder %d: want 1 to %d", o.MaxOrder, maxMaxOrder)
	case o.HashBits < minHashBits || o.HashBits > maxHashBits:
		return o, fmt.Errorf("HashBits %d: want %d to %d", o.HashBits, minHashBits, maxHashBits)
	case !(o.Smoothing > 0) || math.IsInf(o.Smoothing, 0):
		return o, fmt.Errorf("Smoothing %v: want a positive number", o.Smoothing)
	case o.Epochs < 1 || o.Epochs > maxEpochs:
		return o, fmt.Errorf("Epochs %d: want 1 to %d", o.Epochs, maxEpochs)
	case !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 0):
		return o, fmt.Errorf("LearningRate %v: want a positive number", o.LearningRate)
	}
	return o, nil
}
