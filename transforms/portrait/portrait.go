// Package portrait builds one row per resolved person (schemas.Portrait) from every fact about
// them: accounts, orders and their lines, clickstream events, marketing touches, vendor rows,
// reviews, tickets and review-site posts.
//
// Each fact finds its person through the identity map (a side input, one Go map per worker) and
// is added to a partial accumulator (Acc) of that person held for the bundle; the partials are
// merged per person, so a shuffle carries one partial per person, kind of fact and bundle, never
// one per fact. Events and touches are first gathered per identifier where they are read, before
// the identity map exists, so that no runner holds the night's clickstream until the persons are
// known. The person spine enters the same merge as one more kind of fact: every person gets
// exactly one portrait.
//
// Small global combines of the accumulators give the RFM cut points, the BG/NBD and Gamma-Gamma
// fits and the text model: the night's model card (ModelCard). Several as-of days (tonight's and
// the models' training cutoff) share the one pass over the facts: each partial holds an
// accumulator per day, and one step finishes every day's portrait of a person with its day's
// card, so the days of a person leave together (PersonDays).
//
// The pure logic (Add per kind of fact, Merge, Finish, the precedence rules, the lifecycle and
// the tags) is plain Go in this package; the Beam wiring is in this file, attribute.go and
// orders.go. The merged accumulators wait in files of the run's temporary folder (Inputs.TempDir)
// for the model cards, a workaround for Prism's in-memory shuffles (package spill); what each
// costs is in the benchmark journal.
package portrait

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Inputs are the portrait stage's inputs. Every collection may be empty; a zero (unset) one is
// treated as empty.
type Inputs struct {
	// Identity is KV<string, string>: identity node key (identity.Key(type, value)) → person id,
	// for every identifier the resolve stage saw. It is a side input: see identityMap for its size.
	Identity beam.PCollection
	// Persons is the person spine (schemas.Person): every person gets exactly one portrait.
	Persons beam.PCollection
	// Cleaned rows: schemas.User, Order, OrderItem, Product, Event, Touch, VendorProfile, Review,
	// Ticket and SitePost. Products are a side input (SKU → category, brand, list price).
	Users, Orders, OrderItems, Products, Events beam.PCollection
	Touches, Vendor, Reviews, Tickets, Posts    beam.PCollection
	// TempDir is a folder of the run's temporary files (a local path or gs://), where the partial
	// accumulators cross the shuffles and the merged ones wait in files for the model cards (see
	// Output.Today); required. The files hold no phones, e-mails or names (the gathered partials are
	// keyed by account, device and anonymous ids) and are the run's own: the sink removes the folder
	// with the run's.
	TempDir string
}

// Output is what Build gives.
type Output struct {
	// Portraits are PersonDays, one per person of the spine: every day's portrait of the person
	// in one element, cfg's day first, so a stage that compares a person's days needs no join
	// (Day gives one day's portraits).
	Portraits beam.PCollection
	// Models are the days' model cards, in the same order: exactly one ModelCard each.
	Models []beam.PCollection
	// Counts are the quality counts of cfg's day (see Build).
	Counts beam.PCollection

	cfgs        []Config
	held, cards beam.PCollection
}

// Again gives a collection once more as soon as every collection of after is complete, made
// again from files rather than held by the runner meanwhile: a runner holds a step's whole input
// until the step's side inputs are complete, and Prism sends it to the step as one message, which
// a million persons' portraits outgrow. Each collection of after holds single values, not KVs.
type Again func(s beam.Scope, after ...beam.PCollection) beam.PCollection

// Today is today's portraits (schemas.Portrait, cfg's day of Build) once more, finished again from
// the accumulators held in files (Inputs.TempDir) once every collection of after is complete: a
// step that waits for a model fitted on the portraits takes them from here, and the runner holds
// the files' names, not the portraits, while the model is fitted. It is an Again. The portraits
// are those of Output.Portraits, not counted again.
func (o Output) Today(s beam.Scope, after ...beam.PCollection) beam.PCollection {
	s = s.Scope("portrait.Today")
	gates := []beam.PCollection{beam.CreateList(s, []int{})}
	for _, c := range after {
		gates = append(gates, beam.ParDo(s, nothing, c))
	}
	return beam.ParDo(
		s,
		&todayFn{Cfgs: o.cfgs},
		o.held,
		beam.SideInput{Input: o.cards},
		beam.SideInput{Input: settle.Whole(s, beam.Flatten(s, gates...))},
	)
}

// nothing turns a collection into an empty one that is complete when the collection is: a gate.
func nothing(beam.X, func(int)) {}

// PersonDays are one person's portraits as of every day of a Build, cfg's day first.
type PersonDays struct {
	Portraits []schemas.Portrait
	// Pending are, per day, the paid orders the person placed by that day and paid after it:
	// no purchase of that day's portrait, and none after it either, so that a label counting
	// the purchases made after a day counts only orders placed after it.
	Pending []int32
}

// Build computes the portraits as of cfg's day (its AsOf, or its Date) and as of each day of
// alsoAsOf (cfg with AsOf set to that day, such as the models' training cutoff) in one pass over
// the facts: each fact is read, attributed and shuffled once and added to one accumulator per day,
// so another day costs its accumulators, not another pass, and one step finishes every day's
// portrait of a person, so the days come out side by side (Output.Portraits). Output.Counts are
// the quality counts of cfg's day (KV<string, int64>, keys as quality.Key.String, stage
// "portrait"): per source, facts in = out (used) + rejected with reason unattributed, after_as_of,
// no_order or duplicate_order; and for source "persons", persons in = portraits out + rejected
// not_in_spine (facts whose person is missing from the spine) and duplicate_person. The counts
// also go to Beam counters named portrait/<source>.<measure>[.<reason>].
//
// The configs are checked when the DoFns start: a bad one fails the run with a clear error (call
// cfg.Validate first to fail before).
func Build(s beam.Scope, in Inputs, cfg Config, alsoAsOf ...string) Output {
	s = s.Scope("portrait.Build")
	cfgs := []Config{cfg.withDefaults()}
	for _, day := range alsoAsOf {
		c := cfgs[0]
		c.AsOf = day
		cfgs = append(cfgs, c)
	}
	token := rand.Text() // names this pipeline's shared side-input values (shared.go)

	// Side inputs of steps whose main input comes from a shuffle are settled (package settle).
	products := settle.Whole(s, orEmpty[schemas.Product](s, in.Products))
	identity := settle.Whole(s, in.Identity)
	reviews := orEmpty[schemas.Review](s, in.Reviews)
	rated := beam.ParDo(s, ratedReview, reviews)
	text := beam.ParDo(
		s,
		&trainFn{Rules: cfgs[0].Rules.Sentiment},
		beam.Impulse(s),
		beam.SideInput{Input: rated},
	)
	noText := beam.CreateList(s, []trained{})

	facts := []struct {
		kind string
		rows beam.PCollection
	}{
		{"users", orEmpty[schemas.User](s, in.Users)},
		{
			"orders",
			joinOrders(
				s,
				orEmpty[schemas.Order](s, in.Orders),
				orEmpty[schemas.OrderItem](s, in.OrderItems),
			),
		},
		{"events", orEmpty[schemas.Event](s, in.Events)},
		{"touches", orEmpty[schemas.Touch](s, in.Touches)},
		{"vendor", orEmpty[schemas.VendorProfile](s, in.Vendor)},
		{"reviews", reviews},
		{"tickets", orEmpty[schemas.Ticket](s, in.Tickets)},
		{"site_posts", orEmpty[schemas.SitePost](s, in.Posts)},
	}
	var partials, tallies []beam.PCollection
	for _, f := range facts {
		var p, c beam.PCollection
		if gathered[f.kind] {
			p, c = gather(
				s.Scope(f.kind),
				f.kind,
				cfgs,
				token,
				sink.Join(in.TempDir, "gathered-"+f.kind),
				f.rows,
				identity,
				products,
			)
		} else {
			side := noText
			if isText[f.kind] {
				side = text
			}
			p, c = beam.ParDo2(s.Scope(f.kind), &attributeFn{Kind: f.kind, Cfgs: cfgs, Token: token}, f.rows,
				beam.SideInput{Input: identity}, beam.SideInput{Input: products}, beam.SideInput{Input: side})
		}
		partials, tallies = append(partials, p), append(tallies, c)
	}
	// The spine joins as one more kind of fact: one merge gives every person (of the spine or
	// named by a fact) one accumulator per day, with no second shuffle to join the spine.
	partials = append(partials, beam.ParDo(s, &spineFn{Days: len(cfgs)}, in.Persons))
	merged, held := mergeAndHold(s, in.TempDir, partials...)

	out := Output{cfgs: cfgs, held: held}
	var cards []beam.PCollection
	for i, c := range cfgs {
		ds := s
		if i > 0 {
			ds = s.Scope("asOf." + c.AsOf)
		}
		accs := beam.ParDo(ds, &dayFn{Day: i}, merged)
		global := beam.Combine(ds, &statsFn{}, beam.ParDo(ds, &statFn{Cfg: c}, accs))
		model := beam.ParDo(
			ds,
			&cardFn{Cfg: c},
			beam.Impulse(ds),
			beam.SideInput{
				Input: global,
			},
			beam.SideInput{Input: products},
			beam.SideInput{Input: text},
		)
		out.Models = append(out.Models, model)
		cards = append(cards, beam.ParDo(ds, &numberCardFn{Day: i}, model))
	}
	out.cards = beam.Flatten(s, cards...)
	var pc beam.PCollection
	out.Portraits, pc = beam.ParDo2(
		s,
		&finishFn{Cfgs: cfgs},
		held,
		beam.SideInput{Input: out.cards},
	)
	out.Counts = stats.SumPerKey(s, beam.Flatten(s, append(tallies, pc)...))
	return out
}

// Day is the portraits (schemas.Portrait) as of the i-th day of Build's Output.Portraits.
func Day(s beam.Scope, portraits beam.PCollection, i int) beam.PCollection {
	return beam.ParDo(s.Scope(fmt.Sprintf("portrait.Day%d", i)), &pickDayFn{Day: i}, portraits)
}

// gathered are the kinds of fact gathered per identifier before they meet the identity map (see
// gatherFn): the plentiful ones, so that they never wait for the resolve stage themselves.
var gathered = map[string]bool{"events": true, "touches": true}

// orEmpty is col, or an empty collection of T when col is unset.
func orEmpty[T any](s beam.Scope, col beam.PCollection) beam.PCollection {
	if col.IsValid() {
		return col
	}
	return beam.CreateList(s, []T{})
}

// spineFn makes a row of the spine a partial accumulator of every day.
type spineFn struct {
	Days int
}

func (f *spineFn) ProcessElement(p schemas.Person) (string, days) {
	d := newDays(f.Days)
	for _, a := range d.acc {
		a.AddPerson(p)
	}
	return p.PersonID, d
}

// dayFn picks one day's accumulator of each person.
type dayFn struct {
	Day int
}

func (f *dayFn) ProcessElement(person string, d days) (string, *Acc) { return person, d.acc[f.Day] }

// statFn gives each person's figures for the model card.
type statFn struct {
	Cfg Config
	env *env
}

func (f *statFn) Setup() (err error) {
	f.env, err = newEnv(f.Cfg, nil)
	return err
}

func (f *statFn) ProcessElement(_ string, a *Acc) personStat { return a.stat(f.env) }

// statsFn combines the person figures on one worker.
type statsFn struct{}

func (statsFn) CreateAccumulator() *modelStats { return newModelStats() }

func (statsFn) AddInput(m *modelStats, p personStat) *modelStats {
	m.add(p)
	return m
}

func (statsFn) MergeAccumulators(a, b *modelStats) *modelStats {
	a.merge(b)
	return a
}

func (statsFn) ExtractOutput(m *modelStats) *modelStats { return m }

// cardFn makes the night's model card: run once from an impulse, so there is exactly one card
// even when no person has a fact.
type cardFn struct {
	Cfg Config
}

func (f *cardFn) ProcessElement(
	_ []byte,
	global func(**modelStats) bool,
	products func(*schemas.Product) bool,
	text func(*trained) bool,
	emit func(ModelCard),
) {
	card := ModelCard{Date: f.Cfg.Date, AsOf: f.Cfg.AsOf}
	m := newModelStats()
	var part *modelStats
	for global(&part) {
		m.merge(part)
	}
	fitCard(&card, m, f.Cfg.Rules.Value)
	card.PriceCuts = priceCuts(catalog(products))
	var t trained
	if text(&t) {
		card.Sentiment = t.Card
	}
	emit(card)
}

// numberCardFn gives a day's model card its place among the days.
type numberCardFn struct {
	Day int
}

func (f *numberCardFn) ProcessElement(c ModelCard) (int, ModelCard) { return f.Day, c }

// finishFn finishes every day's portrait of each person of the spine in a file of held
// accumulators, each with its day's model card; a person only facts name (missing from the spine)
// gets none and is counted.
type finishFn struct {
	Cfgs  []Config
	envs  []*env
	cards []*ModelCard
	tally quality.Tally
}

func (f *finishFn) Setup() (err error) {
	f.envs, err = dayEnvs(f.Cfgs)
	return err
}

func (f *finishFn) StartBundle(
	_ context.Context,
	_ func(*int, *ModelCard) bool,
	_ func(PersonDays),
	_ func(string, int64),
) {
	f.tally = quality.Tally{}
}

func (f *finishFn) ProcessElement(
	ctx context.Context,
	path string,
	cards func(*int, *ModelCard) bool,
	emit func(PersonDays),
	_ func(string, int64),
) error {
	if f.cards == nil {
		var err error
		if f.cards, err = dayCards(cards, len(f.Cfgs)); err != nil {
			return err
		}
	}
	key := func(measure, reason string) quality.Key {
		return quality.Key{Source: "persons", Stage: Stage, Measure: measure, Reason: reason}
	}
	return eachHeld(ctx, path, func(id string, d days) error {
		spine, err := spineOf(id, d, len(f.Cfgs))
		if err != nil {
			return err
		}
		if spine == 0 {
			f.tally[key(quality.In, "")]++
			f.tally[key(quality.Rejected, "not_in_spine")]++
			return nil
		}
		f.tally[key(quality.In, "")] += int64(spine)
		if spine > 1 {
			f.tally[key(quality.Rejected, "duplicate_person")] += int64(spine - 1)
		}
		f.tally[key(quality.Out, "")]++
		out := PersonDays{
			Portraits: make([]schemas.Portrait, len(d.acc)),
			Pending:   make([]int32, len(d.acc)),
		}
		for i, a := range d.acc {
			out.Portraits[i] = a.Finish(id, f.cards[i], f.envs[i])
			out.Pending[i] = a.pending
		}
		emit(out)
		return nil
	})
}

func (f *finishFn) FinishBundle(
	ctx context.Context,
	_ func(*int, *ModelCard) bool,
	_ func(PersonDays),
	count func(string, int64),
) {
	f.tally.Emit(ctx, count)
}

// todayFn finishes the first day's portrait of each person of the spine in a file of held
// accumulators again, as finishFn does, once its gate is complete; it counts nothing.
type todayFn struct {
	Cfgs []Config
	env  *env
	card *ModelCard
}

func (f *todayFn) Setup() (err error) {
	f.env, err = newEnv(f.Cfgs[0], nil)
	return err
}

func (f *todayFn) ProcessElement(
	ctx context.Context,
	path string,
	cards func(*int, *ModelCard) bool,
	_ func(*int) bool,
	emit func(schemas.Portrait),
) error {
	if f.card == nil {
		all, err := dayCards(cards, len(f.Cfgs))
		if err != nil {
			return err
		}
		f.card = all[0]
	}
	return eachHeld(ctx, path, func(id string, d days) error {
		spine, err := spineOf(id, d, len(f.Cfgs))
		if err == nil && spine > 0 {
			emit(d.acc[0].Finish(id, f.card, f.env))
		}
		return err
	})
}

// dayEnvs are the environments of the days' configs.
func dayEnvs(cfgs []Config) ([]*env, error) {
	envs := make([]*env, len(cfgs))
	for i, c := range cfgs {
		var err error
		if envs[i], err = newEnv(c, nil); err != nil {
			return nil, err
		}
	}
	return envs, nil
}

// spineOf is how many rows of the spine a person's accumulators met (0: the person is missing
// from it); a person without one accumulator per day is an error.
func spineOf(id string, d days, n int) (int, error) {
	if len(d.acc) != n {
		return 0, fmt.Errorf("portrait: person %s has %d days, want %d", id, len(d.acc), n)
	}
	return int(d.acc[0].spine), nil
}

// dayCards reads the numbered model cards of n days: exactly one per day.
func dayCards(cards func(*int, *ModelCard) bool, n int) ([]*ModelCard, error) {
	out := make([]*ModelCard, n)
	var day int
	var c ModelCard
	for cards(&day, &c) {
		if day < 0 || day >= n || out[day] != nil {
			return nil, fmt.Errorf("portrait: unexpected model card of day %d (%d days)", day, n)
		}
		card := c
		out[day] = &card
	}
	for day, c := range out {
		if c == nil {
			return nil, fmt.Errorf("portrait: no model card of day %d", day)
		}
	}
	return out, nil
}

// pickDayFn picks one day's portrait of each person.
type pickDayFn struct {
	Day int
}

func (f *pickDayFn) ProcessElement(d PersonDays) schemas.Portrait { return d.Portraits[f.Day] }

func init() {
	fnreg.DoFn1x2[schemas.Person, string, days](&spineFn{})
	fnreg.DoFn2x2[string, days, string, *Acc](&dayFn{})
	fnreg.DoFn3x0[[]byte, func(*ratedText) bool, func(trained)](&trainFn{})
	register.Function2x0(ratedReview)
	fnreg.DoFn2x1[string, *Acc, personStat](&statFn{})
	register.Combiner3[*modelStats, personStat, *modelStats](&statsFn{})
	fnreg.DoFn5x0[[]byte, func(**modelStats) bool, func(*schemas.Product) bool, func(*trained) bool,
		func(ModelCard)](
		&cardFn{},
	)
	fnreg.DoFn1x2[ModelCard, int, ModelCard](&numberCardFn{})
	fnreg.DoFn5x1[context.Context, string, func(*int, *ModelCard) bool, func(PersonDays),
		func(string, int64), error](
		&finishFn{},
	)
	fnreg.DoFn5x1[context.Context, string, func(*int, *ModelCard) bool, func(*int) bool,
		func(schemas.Portrait), error](
		&todayFn{},
	)
	register.Function2x0(nothing)
	register.Emitter1[int]()
	register.Emitter1[schemas.Portrait]()
	register.Iter1[int]()
	fnreg.DoFn1x1[PersonDays, schemas.Portrait](&pickDayFn{})
	register.Emitter1[ratedText]()
	register.Emitter1[trained]()
	register.Emitter1[ModelCard]()
	register.Emitter1[PersonDays]()
	register.Iter1[ratedText]()
	register.Iter1[*modelStats]()
	register.Iter2[int, ModelCard]()
}
