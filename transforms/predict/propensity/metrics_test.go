package propensity

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAUCHandComputed(t *testing.T) {
	// scikit-learn's roc_auc_score example: 3 of the 4 pairs are ordered.
	if got := AUC([]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}); got != 0.75 {
		t.Errorf("AUC = %v, want 0.75", got)
	}
	// Pairs (0.5+, 0.5-) ×2 count one half each, (0.9+, ·) ×2 count one: 3/4.
	if got := AUC([]float64{0.5, 0.5, 0.5, 0.9}, []bool{false, true, false, true}); got != 0.75 {
		t.Errorf("AUC with ties = %v, want 0.75", got)
	}
	if got := AUC([]float64{0.3, 0.3}, []bool{true, false}); got != 0.5 {
		t.Errorf("AUC of one tie = %v, want 0.5", got)
	}
	if got := AUC([]float64{0.1, 0.2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("AUC without negatives = %v, want NaN", got)
	}
}

// TestAUCMatchesPairCounting checks the rank formula against counting every
// positive-negative pair, on scores with many ties.
func TestAUCMatchesPairCounting(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 50 {
		n := 2 + rng.IntN(60)
		scores, labels := make([]float64, n), make([]bool, n)
		for i := range scores {
			scores[i] = float64(rng.IntN(5))
			labels[i] = rng.Float64() < 0.4
		}
		var pairs, wins float64
		for i := range n {
			for j := range n {
				if labels[i] && !labels[j] {
					pairs++
					switch {
					case scores[i] > scores[j]:
						wins++
					case scores[i] == scores[j]:
						wins += 0.5
					}
				}
			}
		}
		got := AUC(scores, labels)
		if pairs == 0 {
			if !math.IsNaN(got) {
				t.Errorf("trial %d: AUC = %v with one class, want NaN", trial, got)
			}
			continue
		}
		if want := wins / pairs; math.Abs(got-want) > 1e-12 {
			t.Errorf("trial %d: AUC = %v, pair counting %v", trial, got, want)
		}
	}
}

func TestLogLossHandComputed(t *testing.T) {
	got := LogLoss([]float64{0.9, 0.2}, []bool{true, false})
	if want := -(math.Log(0.9) + math.Log(0.8)) / 2; math.Abs(got-want) > 1e-15 {
		t.Errorf("LogLoss = %v, want %v", got, want)
	}
	// A certain, wrong prediction is clipped at 1e-15, not infinite.
	if got, want := LogLoss([]float64{0, 1}, []bool{true, true}), -math.Log(1e-15)/2; math.Abs(
		got-want,
	) > 1e-9 {
		t.Errorf("clipped LogLoss = %v, want %v", got, want)
	}
}

func TestCalibrationTableHandComputed(t *testing.T) {
	probs := []float64{0.6, 0.1, 0.3, 0.1, 0.5, 0.2, 0.1, 0.4}
	labels := []bool{true, false, false, true, true, false, false, true}
	// Four bins of two, but the three 0.1s stay together.
	want := []Bin{
		{Lo: 0.1, Hi: 0.1, MeanPredicted: 0.1, ObservedRate: 1.0 / 3, Count: 3},
		{Lo: 0.2, Hi: 0.2, MeanPredicted: 0.2, ObservedRate: 0, Count: 1},
		{Lo: 0.3, Hi: 0.4, MeanPredicted: 0.35, ObservedRate: 0.5, Count: 2},
		{Lo: 0.5, Hi: 0.6, MeanPredicted: 0.55, ObservedRate: 1, Count: 2},
	}
	got := CalibrationTable(probs, labels, 4)
	if len(got) != len(want) {
		t.Fatalf("table %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Count != w.Count || g.Lo != w.Lo || g.Hi != w.Hi ||
			math.Abs(g.MeanPredicted-w.MeanPredicted) > 1e-12 ||
			math.Abs(g.ObservedRate-w.ObservedRate) > 1e-12 {
			t.Errorf("bin %d = %+v, want %+v", i, g, w)
		}
	}
	// All tied: one bin.
	if got := CalibrationTable([]float64{0.2, 0.2, 0.2}, []bool{true, false, false}, 10); len(
		got,
	) != 1 ||
		got[0].Count != 3 {
		t.Errorf("tied table = %+v, want one bin of 3", got)
	}
	// 100 distinct predictions make ten deciles of ten.
	probs, labels = make([]float64, 100), make([]bool, 100)
	for i := range probs {
		probs[i] = float64(99-i) / 100
	}
	got = CalibrationTable(probs, labels, 10)
	for i, b := range got {
		if b.Count != 10 || math.Abs(b.Lo-float64(10*i)/100) > 1e-12 {
			t.Errorf("decile %d = %+v", i, b)
		}
	}
	if len(got) != 10 {
		t.Errorf("%d deciles, want 10", len(got))
	}
}
