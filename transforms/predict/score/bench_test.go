package score

import "testing"

// BenchmarkFit fits both models on a full sample: 200,000 labelled persons (the default
// max_train), of whom about a third are buyers.
func BenchmarkFit(b *testing.B) {
	w := synthWorld(222_000, 8)
	s, _ := sampleOf(w, testConfig)
	cc := cutoffCard(testConfig)
	b.ResetTimer()
	for b.Loop() {
		card, err := Fit(s, cc, testConfig)
		if err != nil || !card.Propensity.Trained || !card.Churn.Trained {
			b.Fatal(err, card.Propensity.Reason, card.Churn.Reason)
		}
	}
}

// BenchmarkSample adds about 900,000 labelled rows (ten seeds over 90,000 persons) to a sample
// bounded at 200,000 per population.
func BenchmarkSample(b *testing.B) {
	w := synthWorld(100_000, 9)
	s, _ := sampleOf(w, testConfig)
	all, _ := s.Rows()
	b.ResetTimer()
	for b.Loop() {
		acc := NewSample(DefaultMaxTrain)
		for k := range 10 {
			for _, r := range all {
				r.Key = SampleKey(uint64(k), r.PersonID)
				acc.Add(r)
			}
		}
	}
}
