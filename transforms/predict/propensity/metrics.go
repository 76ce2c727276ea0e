package propensity

import (
	"math"
	"sort"
)

// Bin is one row of a calibration table: predictions in [Lo, Hi], their
// mean, and the observed rate of positive labels among them.
type Bin struct {
	// Lo and Hi are the smallest and largest predicted probability in the bin.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// MeanPredicted is the mean predicted probability of the bin's rows.
	MeanPredicted float64 `json:"mean_predicted"`
	// ObservedRate is the share of the bin's rows whose label is true.
	ObservedRate float64 `json:"observed_rate"`
	// Count is the number of rows in the bin.
	Count int `json:"count"`
}

// AUC returns the area under the ROC curve of scores against labels: the
// probability that a random positive scores above a random negative, ties
// counting one half (the Mann-Whitney U statistic divided by the number of
// positive-negative pairs). It is NaN when either class is absent.
func AUC(scores []float64, labels []bool) float64 {
	checkLengths("AUC", len(scores), len(labels))
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return scores[order[i]] < scores[order[j]] })
	var rankSum, pos float64
	for i := 0; i < len(order); {
		j := i
		for j < len(order) && scores[order[j]] == scores[order[i]] {
			j++
		}
		midRank := float64(i+j+1) / 2 // ranks i+1..j share their mean
		for _, k := range order[i:j] {
			if labels[k] {
				rankSum += midRank
				pos++
			}
		}
		i = j
	}
	neg := float64(len(scores)) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// LogLoss returns the mean negative log-likelihood of labels under probs,
// each probability clipped to [1e-15, 1-1e-15] as scikit-learn does. It is
// NaN for no rows.
func LogLoss(probs []float64, labels []bool) float64 {
	checkLengths("LogLoss", len(probs), len(labels))
	if len(probs) == 0 {
		return math.NaN()
	}
	const eps = 1e-15
	var sum float64
	for i, p := range probs {
		p = min(max(p, eps), 1-eps)
		if labels[i] {
			sum -= math.Log(p)
		} else {
			sum -= math.Log1p(-p)
		}
	}
	return sum / float64(len(probs))
}

// CalibrationTable sorts the rows by predicted probability and cuts them
// into bins of (near) equal count, deciles for bins = 10. Rows with the same
// probability always share a bin, so heavy ties can give fewer bins than
// asked for; no bin is empty.
func CalibrationTable(probs []float64, labels []bool, bins int) []Bin {
	checkLengths("CalibrationTable", len(probs), len(labels))
	if bins < 1 || len(probs) == 0 {
		return nil
	}
	order := make([]int, len(probs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return probs[order[i]] < probs[order[j]] })
	var out []Bin
	start := 0
	for b := 1; b <= bins && start < len(order); b++ {
		end := b * len(order) / bins
		if end <= start {
			continue
		}
		for end < len(order) && probs[order[end]] == probs[order[end-1]] {
			end++ // keep ties together
		}
		bin := Bin{Lo: probs[order[start]], Hi: probs[order[end-1]], Count: end - start}
		var pos float64
		for _, k := range order[start:end] {
			bin.MeanPredicted += probs[k]
			if labels[k] {
				pos++
			}
		}
		bin.MeanPredicted /= float64(bin.Count)
		bin.ObservedRate = pos / float64(bin.Count)
		out = append(out, bin)
		start = end
	}
	return out
}

// checkLengths panics when a metric gets predictions and labels of
// different lengths: a programming error, as an out-of-range index is.
func checkLengths(name string, n, m int) {
	if n != m {
		panic("propensity." + name + ": predictions and labels differ in length")
	}
}
