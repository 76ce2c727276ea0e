package linkage

// Pairwise holds pairwise precision, recall and F1 of a clustering against the truth.
type Pairwise struct {
	// Precision is Correct / Predicted (1 when nothing is predicted).
	Precision float64
	// Recall is Correct / True (1 when there are no true pairs).
	Recall float64
	// F1 is the harmonic mean of Precision and Recall.
	F1 float64
	// True, Predicted and Correct count the pairs together in the truth, in the prediction, and in
	// both.
	True, Predicted, Correct int64
}

// PairwiseScores compares predicted clusters with true ones over all record pairs: a pair is
// correct when both put its two records together. truth[i] and predicted[i] are the cluster
// labels of record i.
func PairwiseScores(truth, predicted []string) Pairwise {
	choose2 := func(n int64) int64 { return n * (n - 1) / 2 }
	type cell struct{ t, p string }
	tc, pc, both := map[string]int64{}, map[string]int64{}, map[cell]int64{}
	for i := range truth {
		tc[truth[i]]++
		pc[predicted[i]]++
		both[cell{truth[i], predicted[i]}]++
	}
	var s Pairwise
	for _, n := range tc {
		s.True += choose2(n)
	}
	for _, n := range pc {
		s.Predicted += choose2(n)
	}
	for _, n := range both {
		s.Correct += choose2(n)
	}
	s.Precision, s.Recall = 1, 1
	if s.Predicted > 0 {
		s.Precision = float64(s.Correct) / float64(s.Predicted)
	}
	if s.True > 0 {
		s.Recall = float64(s.Correct) / float64(s.True)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}
