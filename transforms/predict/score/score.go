package score

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/quality"
)

// Stage names the stage in quality counts.
const Stage = "predict"

// Sources of the quality counts: cutoff portraits become training rows (in = out + rejected, with
// the Reason constants), today's portraits are scored (in = out).
const (
	SourceCutoff = "cutoff_portraits"
	SourceToday  = "portraits"
)

// Inputs are the scoring stage's inputs.
type Inputs struct {
	// Days are portrait.PersonDays, one per person: today's portrait first (as of the run day),
	// then the cutoff's (AsOf set to CutoffDate), as portrait.Build gives them with the cutoff as
	// its one other day. Today's are scored; the cutoff's are the training rows, labelled from
	// today's.
	Days beam.PCollection
	// CutoffModel is the cutoff build's model card (portrait.ModelCard), a side input whose BG/NBD
	// fit gives the baseline; unset for no baseline.
	CutoffModel beam.PCollection
	// Today gives today's portraits again once the models are fitted (portrait.Output.Today), so
	// that no runner holds them meanwhile; nil takes them from Days, held by the runner while the
	// models are fitted (small inputs only).
	Today portrait.Again
}

// Output is what Build gives.
type Output struct {
	// Scored are today's portraits (schemas.Portrait) with their predictions.
	Scored beam.PCollection
	// Card is the models' card: exactly one Card.
	Card beam.PCollection
	// Counts are the quality counts (see Build).
	Counts beam.PCollection
	// Again gives the scored portraits once more as soon as some collections are complete (see
	// portrait.Again), for a step that waits for a model fitted on them; not counted again.
	Again portrait.Again
}

// Build trains the night's propensity and churn models on the cutoff portraits labelled from
// today's, and scores today's portraits with them. Its Output holds today's portraits with
// Propensity30d (everyone) and ChurnRisk (buyers) set, or left null when their model could not be
// fitted; the card (exactly one Card); and quality counts (KV<string, int64>, keys as
// quality.Key.String, stage "predict"): cutoff_portraits in = out (training rows) + rejected with
// the Reason constants, portraits in = out. The counts also go to Beam counters.
//
// A person's two portraits arrive in one element, so labelling needs no join; at most 2·MaxTrain
// rows per bundle go into the global sample; the models are fitted on one worker, which holds the
// sample, and reach the scoring as a side input of one element. cfg is checked when the DoFns
// start (call cfg.Validate to fail before).
func Build(s beam.Scope, in Inputs, cfg Config) Output {
	s = s.Scope("score.Build")
	cfg = cfg.withDefaults()
	today := in.Today
	if today == nil {
		today = func(s beam.Scope, _ ...beam.PCollection) beam.PCollection {
			return portrait.Day(s, in.Days, 0)
		}
	}
	rows, labelled := beam.ParDo2(s, &labelFn{Cfg: cfg}, in.Days)
	sample := beam.Combine(s, &sampleFn{Max: cfg.MaxTrain}, rows)
	models := in.CutoffModel
	if !models.IsValid() {
		models = beam.CreateList(s, []portrait.ModelCard{})
	}
	card := beam.ParDo(
		s,
		&trainFn{Cfg: cfg},
		beam.Impulse(s),
		beam.SideInput{Input: sample},
		beam.SideInput{Input: models},
	)
	score := func(s beam.Scope, after ...beam.PCollection) (scored, tallied beam.PCollection) {
		return beam.ParDo2(
			s,
			&scoreFn{Cfg: cfg},
			today(s, append(after[:len(after):len(after)], card)...),
			beam.SideInput{Input: card},
		)
	}
	scored, tallied := score(s)
	return Output{
		Scored: scored, Card: card, Counts: stats.SumPerKey(s, beam.Flatten(s, labelled, tallied)),
		Again: func(s beam.Scope, after ...beam.PCollection) beam.PCollection {
			scored, _ := score(s.Scope("score.Again"), after...)
			return scored
		},
	}
}

// labelFn turns each joined person into a training row, counting the cutoff portraits.
type labelFn struct {
	Cfg   Config
	tally quality.Tally
}

func (f *labelFn) Setup() error { return f.Cfg.Validate() }

func (f *labelFn) StartBundle(_ func(Row), _ func(string, int64)) { f.tally = quality.Tally{} }

func (f *labelFn) ProcessElement(
	d portrait.PersonDays,
	emit func(Row),
	_ func(string, int64),
) error {
	if len(d.Portraits) != 2 {
		return fmt.Errorf(
			"score: %d portraits of one person, want today's and the cutoff's",
			len(d.Portraits),
		)
	}
	f.tally[quality.Key{Source: SourceCutoff, Stage: Stage, Measure: quality.In}]++
	var pending int32
	if len(d.Pending) == 2 {
		pending = d.Pending[1]
	}
	row, reason, ok := label(d.Portraits[0], d.Portraits[1], pending, f.Cfg.Seed)
	if !ok {
		f.tally[quality.Key{Source: SourceCutoff, Stage: Stage, Measure: quality.Rejected,
			Reason: reason}]++
		return nil
	}
	f.tally[quality.Key{Source: SourceCutoff, Stage: Stage, Measure: quality.Out}]++
	emit(row)
	return nil
}

func (f *labelFn) FinishBundle(ctx context.Context, _ func(Row), count func(string, int64)) {
	f.tally.Emit(ctx, count)
}

// sampleFn gathers the labelled rows into the bounded Sample.
type sampleFn struct {
	Max int
}

func (f *sampleFn) CreateAccumulator() *Sample { return NewSample(f.Max) }

func (f *sampleFn) AddInput(s *Sample, r Row) *Sample {
	s.Add(r)
	return s
}

func (f *sampleFn) MergeAccumulators(a, b *Sample) *Sample {
	a.Merge(b)
	return a
}

func (f *sampleFn) ExtractOutput(s *Sample) *Sample { return s }

// trainFn fits the card once, from an impulse, so there is exactly one card even without rows.
type trainFn struct {
	Cfg Config
}

func (f *trainFn) Setup() error { return f.Cfg.Validate() }

func (f *trainFn) ProcessElement(
	_ []byte,
	samples func(**Sample) bool,
	models func(*portrait.ModelCard) bool,
	emit func(Card),
) error {
	all := NewSample(f.Cfg.MaxTrain)
	var part *Sample
	for samples(&part) {
		all.Merge(part)
	}
	var model *portrait.ModelCard
	var m portrait.ModelCard
	for models(&m) {
		if model != nil {
			return fmt.Errorf("score: more than one model card of the cutoff portraits")
		}
		model = &m
	}
	card, err := Fit(all, model, f.Cfg)
	if err != nil {
		return err
	}
	emit(card)
	return nil
}

// scoreFn sets the predictions of today's portraits from the card side input.
type scoreFn struct {
	Cfg   Config
	card  *Card
	tally quality.Tally
}

func (f *scoreFn) Setup() error { return f.Cfg.Validate() }

func (f *scoreFn) StartBundle(_ func(*Card) bool, _ func(schemas.Portrait), _ func(string, int64)) {
	f.tally = quality.Tally{}
}

func (f *scoreFn) ProcessElement(
	p schemas.Portrait,
	cards func(*Card) bool,
	emit func(schemas.Portrait),
	_ func(string, int64),
) error {
	if f.card == nil {
		c := &Card{}
		if !cards(c) {
			return fmt.Errorf("score: no card")
		}
		if err := c.check(); err != nil {
			return err
		}
		f.card = c
	}
	f.tally[quality.Key{Source: SourceToday, Stage: Stage, Measure: quality.In}]++
	f.card.Apply(&p)
	f.tally[quality.Key{Source: SourceToday, Stage: Stage, Measure: quality.Out}]++
	emit(p)
	return nil
}

func (f *scoreFn) FinishBundle(
	ctx context.Context,
	_ func(*Card) bool,
	_ func(schemas.Portrait),
	count func(string, int64),
) {
	f.tally.Emit(ctx, count)
}

func init() {
	fnreg.DoFn3x1[portrait.PersonDays, func(Row), func(string, int64), error](&labelFn{})
	register.Combiner3[*Sample, Row, *Sample](&sampleFn{})
	fnreg.DoFn4x1[[]byte, func(**Sample) bool, func(*portrait.ModelCard) bool, func(Card), error](
		&trainFn{},
	)
	fnreg.DoFn4x1[schemas.Portrait, func(*Card) bool, func(schemas.Portrait),
		func(string, int64), error](
		&scoreFn{},
	)
	register.Emitter1[Row]()
	register.Emitter1[Card]()
	register.Emitter1[schemas.Portrait]()
	register.Emitter2[string, int64]()
	register.Iter1[*Sample]()
	register.Iter1[portrait.ModelCard]()
	register.Iter1[Card]()
}
