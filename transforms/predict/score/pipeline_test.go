package score

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/quality"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func scoredText(p schemas.Portrait) string {
	return fmt.Sprintf(
		"%s orders=%d propensity=%.12f churn=%.12f",
		p.PersonID,
		p.Orders,
		p.Propensity30d,
		p.ChurnRisk,
	)
}

func cardText(c Card) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cutoff=%s horizon=%d", c.Cutoff, c.HorizonDays)
	for _, f := range []Fitted{c.Propensity, c.Churn} {
		fmt.Fprintf(
			&b,
			" %s trained=%v labelled=%d positives=%d rows=%d reason=%q",
			f.Column,
			f.Trained,
			f.Labelled,
			f.Positives,
			f.Rows,
			f.Reason,
		)
		if f.Metrics != nil {
			fmt.Fprintf(&b, " auc=%.12f test=%d", f.Metrics.AUC, f.Metrics.NTest)
		}
		if f.Baseline != nil {
			fmt.Fprintf(&b, " baseline_rows=%d", f.Baseline.Rows)
		}
	}
	return b.String()
}

func countText(key string, n int64) string {
	return fmt.Sprintf("%s=%d", strings.ReplaceAll(key, "\x1f", "/"), n)
}

func init() {
	register.Function1x1(scoredText)
	register.Function1x1(cardText)
	register.Function2x1(countText)
}

// TestBuild runs the composite on Prism over a synthetic night and an empty one: the scored
// portraits, the card and the counts are those of the pure functions on the same persons.
func TestBuild(t *testing.T) {
	w := synthWorld(1500, 6)
	cfg := testConfig
	sample, reasons := sampleOf(w, cfg)
	want, err := Fit(sample, cutoffCard(cfg), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !want.Propensity.Trained || !want.Churn.Trained {
		t.Fatalf("the test world trains no model: %q %q", want.Propensity.Reason, want.Churn.Reason)
	}
	var scored []string
	for _, p := range w.today {
		want.Apply(&p)
		scored = append(scored, scoredText(p))
	}
	key := func(source, measure, reason string) string {
		return quality.Key{Source: source, Stage: Stage, Measure: measure, Reason: reason}.String()
	}
	counts := []string{
		countText(key(SourceCutoff, quality.In, ""), int64(len(w.cutoff))),
		countText(key(SourceCutoff, quality.Out, ""), sample.Labelled),
		countText(key(SourceToday, quality.In, ""), int64(len(w.today))),
		countText(key(SourceToday, quality.Out, ""), int64(len(w.today))),
	}
	for reason, n := range reasons {
		counts = append(counts, countText(key(SourceCutoff, quality.Rejected, reason), int64(n)))
	}

	p, s := beam.NewPipelineWithRoot()
	out := Build(
		s,
		Inputs{Days: beam.CreateList(s, w.days()), CutoffModel: beam.Create(s, *cutoffCard(cfg))},
		cfg,
	)
	passert.EqualsList(s, beam.ParDo(s, scoredText, out.Scored), scored)
	passert.Equals(s, beam.ParDo(s, cardText, out.Card), cardText(want))
	passert.EqualsList(s, beam.ParDo(s, countText, out.Counts), counts)
	// Again scores the same portraits once more, counting nothing.
	passert.EqualsList(s, beam.ParDo(s, scoredText, out.Again(s, out.Card)), scored)

	// An empty night: one card, untrained, saying why; nothing to score.
	none := Build(s.Scope("empty"), Inputs{Days: beam.CreateList(s, []portrait.PersonDays{})}, cfg)
	empty, err := Fit(nil, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	passert.Empty(s, none.Scored)
	passert.Equals(s, beam.ParDo(s, cardText, none.Card), cardText(empty))
	passert.Empty(s, none.Counts)
	ptest.RunAndValidate(t, p)
}
