package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/predict/propensity"
	"github.com/shopportraits/portraits/transforms/sink"
)

func TestGainsOfDeciles(t *testing.T) {
	// Deciles as the calibration table gives them: lowest scores first.
	steps, persons, positives := gainsOf([]propensity.Bin{
		{MeanPredicted: 0.1, ObservedRate: 0, Count: 10},
		{MeanPredicted: 0.5, ObservedRate: 0.5, Count: 10},
		{MeanPredicted: 0.9, ObservedRate: 0.9, Count: 10},
	})
	if persons != 30 || positives != 14 {
		t.Fatalf("persons %d, positives %d, want 30 and 14", persons, positives)
	}
	want := []struct{ positives, cumPersons, cumPositives int64 }{{9, 10, 9}, {5, 20, 14}, {0, 30, 14}}
	for i, w := range want {
		g := steps[i]
		if g.positives != w.positives || g.cumPersons != w.cumPersons ||
			g.cumPositives != w.cumPositives {
			t.Errorf("step %d: %+v, want %+v", i, g, w)
		}
	}
}

// predictionFixtureCard has a trained propensity model with three held-out deciles and an
// untrained churn model.
const predictionFixtureCard = `{"date":"2026-11-21","cutoff":"2026-10-22","horizon_days":30,
"propensity":{"column":"propensity_30d","target":"buys within 30 days","trained":true,
"labelled":400,"positives":120,"rows":400,
"metrics":{"auc":0.787,"n_test":30,"calibration":[
{"lo":0.05,"hi":0.2,"mean_predicted":0.1,"observed_rate":0,"count":10},
{"lo":0.3,"hi":0.6,"mean_predicted":0.5,"observed_rate":0.5,"count":10},
{"lo":0.7,"hi":0.95,"mean_predicted":0.9,"observed_rate":0.9,"count":10}]}},
"churn":{"column":"churn_risk","trained":false,"reason":"too few labelled persons: 12"}}`

func TestPredictionSection(t *testing.T) {
	tables := fixtureTables(40)
	scored := map[string]int64{}
	for i, row := range tables["portraits"] {
		p := row.(schemas.Portrait)
		if i%4 != 3 { // one person in four outside the model's population
			p.Propensity30d = float64(i%10)/10 + 0.05
			scored[bandLabel(i%10)]++
		}
		tables["portraits"][i] = p
	}
	out := writeFixture(t, tables, true)
	card := filepath.Join(sink.RunDir(out, fixtureDate), "prediction_card.json")
	if err := os.WriteFile(card, []byte(predictionFixtureCard), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Build(context.Background(), out, fixtureDate, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := section(t, r, "predictions")
	for band, n := range scored {
		if got := cell(t, s, "Persons per propensity_30d band", band, "persons"); got != count(n) {
			t.Errorf("band %s: %s persons, want %d", band, got, n)
		}
	}
	if got := cell(t, s, "Persons per propensity_30d band", "no score", "persons"); got != "10" {
		t.Errorf("no score: %s, want 10", got)
	}
	gains := "propensity_30d: gains on the held-out persons, highest scores first"
	if got := cell(t, s, gains, "1", "share of positives found"); got != "64.3%" {
		t.Errorf("top decile finds %s of the positives, want 9 of 14 (64.3%%)", got)
	}
	if got := cell(t, s, gains, "1", "lift"); got != "1.93" {
		t.Errorf("top decile's lift %s, want 0.9 / (14/30) = 1.93", got)
	}
	if got := cell(t, s, "The models", "churn_risk", "status"); !strings.Contains(got,
		"not trained: too few labelled persons") {
		t.Errorf("churn status %q does not say why it was not trained", got)
	}
	var charts []string
	for _, b := range s.Blocks {
		if b.Chart != nil {
			charts = append(charts, b.Chart.ID)
		}
	}
	// Nobody has a churn score: its model was not trained, so it has no chart.
	want := "chart-propensity-scores chart-propensity-gains chart-propensity-calibration"
	if strings.Join(charts, " ") != want {
		t.Errorf("charts %v, want %s", charts, want)
	}
}

func bandLabel(i int) string {
	return strings.Join([]string{itoa(i * 10), "–", itoa((i + 1) * 10), "%"}, "")
}

func itoa(i int) string { return count(int64(i)) }
