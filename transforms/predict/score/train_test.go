package score

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

var testConfig = Config{Date: "2026-11-21"}

// heldOut returns the rows of the test part Train holds out for a target.
func heldOut(t *testing.T, rows []Row, target func(Row) bool, cfg Config) []Row {
	t.Helper()
	labels := make([]bool, len(rows))
	for i, r := range rows {
		labels[i] = target(r)
	}
	parts, err := propensity.Parts(labels, cfg.withDefaults().options())
	if err != nil {
		t.Fatal(err)
	}
	var out []Row
	for i, p := range parts {
		if p == propensity.PartTest {
			out = append(out, rows[i])
		}
	}
	return out
}

// checkCalibrated fails when a decile's observed rate is more than 4 binomial standard errors
// from its mean prediction.
func checkCalibrated(t *testing.T, name string, table []propensity.Bin) {
	t.Helper()
	if len(table) != 10 {
		t.Errorf("%s: %d calibration bins, want deciles", name, len(table))
	}
	for i, b := range table {
		se := math.Sqrt(b.MeanPredicted * (1 - b.MeanPredicted) / float64(b.Count))
		if gap := math.Abs(b.ObservedRate - b.MeanPredicted); gap > 4*se {
			t.Errorf(
				"%s bin %d: mean predicted %.4f, observed %.4f over %d rows (%.1f standard errors)",
				name,
				i,
				b.MeanPredicted,
				b.ObservedRate,
				b.Count,
				gap/se,
			)
		}
	}
}

// TestFitRecoversAKnownRule trains both models on a world whose labels follow a known logistic
// rule of the features: each model's held-out AUC is the true rule's, and its calibration deciles
// match the observed rates.
func TestFitRecoversAKnownRule(t *testing.T) {
	w := synthWorld(30000, 1)
	s, reasons := sampleOf(w, testConfig)
	card, err := Fit(s, cutoffCard(testConfig), testConfig)
	if err != nil {
		t.Fatal(err)
	}
	if reasons[ReasonAbsent] == 0 || len(reasons) != 1 {
		t.Errorf("rejections %v, want only absent persons", reasons)
	}
	if card.Cutoff != "2026-10-22" || card.HorizonDays != 30 {
		t.Errorf("cutoff %s, horizon %d", card.Cutoff, card.HorizonDays)
	}
	all, buyers := s.Rows()
	for _, c := range []struct {
		name   string
		f      Fitted
		rows   []Row
		target func(Row) bool
		truth  func(Row) float64
	}{
		{"propensity", card.Propensity, all, func(r Row) bool { return r.Bought }, func(r Row) float64 {
			return w.truth[r.PersonID]
		}},
		{"churn", card.Churn, buyers, func(r Row) bool { return !r.Bought }, func(r Row) float64 {
			return 1 - w.truth[r.PersonID]
		}},
	} {
		if !c.f.Trained {
			t.Fatalf("%s not trained: %s", c.name, c.f.Reason)
		}
		met := c.f.Metrics
		if met.NTrain+met.NCalibration+met.NTest != len(c.rows) || c.f.Rows != len(c.rows) ||
			c.f.Labelled != int64(len(c.rows)) {
			t.Errorf(
				"%s: parts %d/%d/%d, rows %d, labelled %d, of %d rows",
				c.name,
				met.NTrain,
				met.NCalibration,
				met.NTest,
				c.f.Rows,
				c.f.Labelled,
				len(c.rows),
			)
		}
		// The true rule's AUC on the same held-out persons.
		var truth []float64
		var labels []bool
		for _, r := range heldOut(t, c.rows, c.target, testConfig) {
			truth, labels = append(truth, c.truth(r)), append(labels, c.target(r))
		}
		trueAUC := propensity.AUC(truth, labels)
		t.Logf(
			"%s: AUC %.4f (true rule %.4f), log-loss %.4f (true rule %.4f), baseline AUC %v on %d rows",
			c.name,
			met.AUC,
			trueAUC,
			met.LogLoss,
			propensity.LogLoss(truth, labels),
			deref(c.f.Baseline.AUC),
			c.f.Baseline.Rows,
		)
		if math.Abs(met.AUC-trueAUC) > 0.01 || met.AUC < 0.7 {
			t.Errorf("%s: AUC %.4f, the true rule's %.4f", c.name, met.AUC, trueAUC)
		}
		checkCalibrated(t, c.name, met.Calibration)
		if c.f.Baseline == nil || c.f.Baseline.AUC == nil || c.f.Baseline.ModelAUC == nil {
			t.Fatalf("%s: no baseline: %+v", c.name, c.f.Baseline)
		}
	}
	// The churn model's held-out persons are all buyers: the baseline is measured on all of them.
	if b := card.Churn.Baseline; b.Rows != card.Churn.Metrics.NTest ||
		*b.ModelAUC != card.Churn.Metrics.AUC ||
		card.Churn.Metrics.BaselineAUC != *b.AUC {
		t.Errorf(
			"churn baseline on %d of %d held-out rows, model AUC %v vs %v",
			b.Rows,
			card.Churn.Metrics.NTest,
			*b.ModelAUC,
			card.Churn.Metrics.AUC,
		)
	}
	// The propensity baseline is defined for the held-out buyers only.
	nb := 0
	for _, r := range heldOut(t, all, func(r Row) bool { return r.Bought }, testConfig) {
		if r.Buyer {
			nb++
		}
	}
	if b := card.Propensity.Baseline; b.Rows != nb || nb == 0 ||
		nb == card.Propensity.Metrics.NTest ||
		card.Propensity.Metrics.BaselineAUC != 0 {
		t.Errorf(
			"propensity baseline on %d rows, held-out buyers %d of %d",
			b.Rows,
			nb,
			card.Propensity.Metrics.NTest,
		)
	}
	// The card is JSON as written, with no NaN.
	if _, err := json.Marshal(card); err != nil {
		t.Errorf("card does not marshal: %v", err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestFitIsDeterministic(t *testing.T) {
	w := synthWorld(3000, 2)
	s1, _ := sampleOf(w, testConfig)
	s2, _ := sampleOf(w, testConfig)
	c1, err1 := Fit(s1, cutoffCard(testConfig), testConfig)
	c2, err2 := Fit(s2, cutoffCard(testConfig), testConfig)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !reflect.DeepEqual(c1, c2) {
		t.Error("two fits of the same world differ")
	}
	if !c1.Propensity.Trained || !c1.Churn.Trained {
		t.Fatalf("not trained: %q %q", c1.Propensity.Reason, c1.Churn.Reason)
	}
}

// TestFitSamplesBeyondMaxTrain: with more labelled persons than max_train, each model is fitted
// on a seeded sample of that size and the card says so.
func TestFitSamplesBeyondMaxTrain(t *testing.T) {
	cfg := testConfig
	cfg.MaxTrain = 1000
	w := synthWorld(5000, 3)
	s, _ := sampleOf(w, cfg)
	card, err := Fit(s, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := card.Propensity
	if !p.Trained || p.Rows != 1000 || p.Labelled <= 1000 ||
		!strings.Contains(p.Sample, "seeded sample of 1000") {
		t.Errorf(
			"propensity: trained %v, rows %d of %d, sample %q",
			p.Trained,
			p.Rows,
			p.Labelled,
			p.Sample,
		)
	}
	if c := card.Churn; c.Rows != min(1000, int(c.Labelled)) {
		t.Errorf("churn: rows %d of %d", c.Rows, c.Labelled)
	}
	if card.BGNBD != nil || card.BGNBDError == "" || p.Baseline.AUC != nil ||
		p.Baseline.Reason == "" {
		t.Errorf("no cutoff model card, yet a baseline: %+v %q", p.Baseline, card.BGNBDError)
	}
}

// TestFitLeavesModelsOutWithAReason: too few persons, or a single label, trains nothing and says
// why; a cutoff model card of another day is a wiring error.
func TestFitLeavesModelsOutWithAReason(t *testing.T) {
	small, _ := sampleOf(synthWorld(120, 4), testConfig)
	card, err := Fit(small, cutoffCard(testConfig), testConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Fitted{card.Propensity, card.Churn} {
		if f.Trained || f.Model != nil || f.Metrics != nil ||
			!strings.Contains(f.Reason, "too few labelled persons") {
			t.Errorf("%s: trained %v, reason %q", f.Column, f.Trained, f.Reason)
		}
	}

	w := synthWorld(2000, 5)
	w.today = w.cutoff // nobody bought
	one, _ := sampleOf(w, testConfig)
	card, err = Fit(one, cutoffCard(testConfig), testConfig)
	if err != nil {
		t.Fatal(err)
	}
	if card.Propensity.Trained || !strings.Contains(card.Propensity.Reason, "0 with the target") {
		t.Errorf(
			"propensity with one label: trained %v, reason %q",
			card.Propensity.Trained,
			card.Propensity.Reason,
		)
	}
	if card.Churn.Trained || !strings.Contains(card.Churn.Reason, "0 without") {
		t.Errorf(
			"churn with one label: trained %v, reason %q",
			card.Churn.Trained,
			card.Churn.Reason,
		)
	}
	if _, err := json.Marshal(card); err != nil {
		t.Errorf("card does not marshal: %v", err)
	}

	if card, err := Fit(nil, nil, testConfig); err != nil || card.Propensity.Trained ||
		card.Propensity.Labelled != 0 {
		t.Errorf("no rows: %v, %+v", err, card.Propensity)
	}
	wrong := cutoffCard(testConfig)
	wrong.AsOf = "2026-11-21"
	if _, err := Fit(small, wrong, testConfig); err == nil ||
		!strings.Contains(
			err.Error(),
			`as of "2026-11-21", the cutoff of 30 days before 2026-11-21 is 2026-10-22`,
		) {
		t.Errorf("cutoff card of the run day: %v", err)
	}
}
