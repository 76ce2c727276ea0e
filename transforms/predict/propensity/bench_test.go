package propensity

import (
	"fmt"
	"testing"
)

// BenchmarkTrain fits and measures the model on 100,000 rows of 11
// features, the size of FeatureNames.
func BenchmarkTrain(b *testing.B) {
	w := []float64{1, -0.5, 0.3, 0, 0.2, -0.1, 0.4, 0, 0.1, -0.3, 0.6}
	x, labels, _ := logisticData(100000, w, -1, 21)
	names := make([]string, len(w))
	for j := range names {
		names[j] = fmt.Sprint("f", j)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Train(x, labels, names, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFeatures builds the point-in-time features, BG/NBD fit included,
// for 20,000 simulated customers.
func BenchmarkFeatures(b *testing.B) {
	tx := simulatedTransactions(20000, date("2024-01-01"), 22)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Features(tx, cutoff, 30, FeatureOptions{UnitDays: 7}); err != nil {
			b.Fatal(err)
		}
	}
}
