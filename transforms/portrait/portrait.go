// Package portrait builds one row per resolved person (schemas.Portrait) from every fact about
// them: accounts, orders and their lines, clickstream events, marketing touches, vendor rows,
// reviews, tickets and review-site posts.
//
// Each fact finds its person through the identity map, a side input built once per worker process
// into a Go map, and is added to a partial accumulator (Acc) per person held for the bundle; the
// partials are merged per person by a CombinePerKey, so the shuffle carries one element per person
// and bundle, never one per fact. A small global combine of per-buyer figures gives the RFM
// quintile cut points and the distinct (frequency, recency, T) triples the BG/NBD model is fitted
// on; the night's text model is trained in one step on the rated reviews and reaches the scoring
// as a side input; the model card (ModelCard) gathers all of that. The accumulators are then
// joined to the person spine, so every person gets exactly one portrait.
//
// The pure logic (Add per kind of fact, Merge, Finish, the precedence rules, the lifecycle and
// the tags) is plain Go in this package; the Beam wiring is in this file, attribute.go and
// orders.go.
package portrait

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
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
	Users, Orders, OrderItems, Products, Events, Touches, Vendor, Reviews, Tickets, Posts beam.PCollection
}

// Build computes the portraits. It returns the portraits (schemas.Portrait, one per person of the
// spine), the model card (exactly one ModelCard), and quality counts (KV<string, int64>, keys as
// quality.Key.String, stage "portrait"): per source, facts in = out (used) + rejected with reason
// unattributed, after_as_of, no_order or duplicate_order; and for source "persons", persons in =
// portraits out + rejected not_in_spine (facts whose person is missing from the spine) and
// duplicate_person. The counts also go to Beam counters named portrait/<source>.<measure>[.<reason>].
//
// cfg is checked when the DoFns start: a bad config fails the run with a clear error (call
// cfg.Validate first to fail before).
func Build(s beam.Scope, in Inputs, cfg Config) (portraits, model, counts beam.PCollection) {
	s = s.Scope("portrait.Build")
	cfg = cfg.withDefaults()
	token := rand.Text() // names this pipeline's shared side-input values (shared.go)

	products := orEmpty[schemas.Product](s, in.Products)
	reviews := orEmpty[schemas.Review](s, in.Reviews)
	rated := beam.ParDo(s, ratedReview, reviews)
	text := beam.ParDo(s, &trainFn{Rules: cfg.Rules.Sentiment}, beam.Impulse(s), beam.SideInput{Input: rated})
	noText := beam.CreateList(s, []trained{})

	facts := []struct {
		kind string
		rows beam.PCollection
	}{
		{"users", orEmpty[schemas.User](s, in.Users)},
		{"orders", joinOrders(s, orEmpty[schemas.Order](s, in.Orders), orEmpty[schemas.OrderItem](s, in.OrderItems))},
		{"events", orEmpty[schemas.Event](s, in.Events)},
		{"touches", orEmpty[schemas.Touch](s, in.Touches)},
		{"vendor", orEmpty[schemas.VendorProfile](s, in.Vendor)},
		{"reviews", reviews},
		{"tickets", orEmpty[schemas.Ticket](s, in.Tickets)},
		{"site_posts", orEmpty[schemas.SitePost](s, in.Posts)},
	}
	var partials, tallies []beam.PCollection
	for _, f := range facts {
		side := noText
		if isText[f.kind] {
			side = text
		}
		p, c := beam.ParDo2(s.Scope(f.kind), &attributeFn{Kind: f.kind, Cfg: cfg, Token: token}, f.rows,
			beam.SideInput{Input: in.Identity}, beam.SideInput{Input: products}, beam.SideInput{Input: side})
		partials, tallies = append(partials, p), append(tallies, c)
	}
	merged := beam.CombinePerKey(s, &mergeFn{}, beam.Flatten(s, partials...))

	global := beam.Combine(s, &statsFn{}, beam.ParDo(s, &statFn{Cfg: cfg}, merged))
	model = beam.ParDo(s, &cardFn{Cfg: cfg}, beam.Impulse(s),
		beam.SideInput{Input: global}, beam.SideInput{Input: products}, beam.SideInput{Input: text})

	persons := beam.ParDo(s, personByID, in.Persons)
	portraits, pc := beam.ParDo2(s, &finishFn{Cfg: cfg}, beam.CoGroupByKey(s, persons, merged), beam.SideInput{Input: model})
	counts = stats.SumPerKey(s, beam.Flatten(s, append(tallies, pc)...))
	return portraits, model, counts
}

// orEmpty is col, or an empty collection of T when col is unset.
func orEmpty[T any](s beam.Scope, col beam.PCollection) beam.PCollection {
	if col.IsValid() {
		return col
	}
	return beam.CreateList(s, []T{})
}

func personByID(p schemas.Person) (string, schemas.Person) { return p.PersonID, p }

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

func (f *cardFn) ProcessElement(_ []byte, global func(**modelStats) bool, products func(*schemas.Product) bool, text func(*trained) bool,
	emit func(ModelCard)) {
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

// finishFn joins a person's merged accumulator to the spine and finishes the portrait. It has no
// bundle methods: with a CoGroupByKey input, Beam cannot tell its side input from its grouped
// inputs there. Its counts go out per person and are summed by Build.
type finishFn struct {
	Cfg  Config
	env  *env
	card *ModelCard
}

func (f *finishFn) Setup() (err error) {
	f.env, err = newEnv(f.Cfg, nil)
	return err
}

func (f *finishFn) ProcessElement(ctx context.Context, id string, persons func(*schemas.Person) bool, accs func(**Acc) bool,
	card func(*ModelCard) bool, emit func(schemas.Portrait), count func(string, int64)) error {
	if f.card == nil {
		f.card = &ModelCard{}
		if !card(f.card) {
			return fmt.Errorf("portrait: no model card")
		}
	}
	total := &Acc{}
	var a *Acc
	for accs(&a) {
		total.Merge(a)
	}
	var rows []schemas.Person
	var p schemas.Person
	for persons(&p) {
		rows = append(rows, p)
	}
	counts := quality.Counts{}
	key := quality.Key{Source: "persons", Stage: Stage, Measure: quality.In}
	if len(rows) == 0 {
		counts.Add(ctx, key, 1)
		key.Measure, key.Reason = quality.Rejected, "not_in_spine"
		counts.Add(ctx, key, 1)
		counts.Emit(count)
		return nil
	}
	counts.Add(ctx, key, int64(len(rows)))
	best := rows[0]
	for _, r := range rows[1:] {
		if r.FirstSeenDate < best.FirstSeenDate || r.FirstSeenDate == best.FirstSeenDate && r.Identifiers > best.Identifiers {
			best = r
		}
	}
	if len(rows) > 1 {
		counts.Add(ctx, quality.Key{Source: "persons", Stage: Stage, Measure: quality.Rejected, Reason: "duplicate_person"}, int64(len(rows)-1))
	}
	emit(total.Finish(best, f.card, f.env))
	key.Measure = quality.Out
	counts.Add(ctx, key, 1)
	counts.Emit(count)
	return nil
}

func init() {
	register.Function1x2(personByID)
	register.DoFn3x0[[]byte, func(*ratedText) bool, func(trained)](&trainFn{})
	register.Function2x0(ratedReview)
	register.DoFn2x1[string, *Acc, personStat](&statFn{})
	register.Combiner3[*modelStats, personStat, *modelStats](&statsFn{})
	register.DoFn5x0[[]byte, func(**modelStats) bool, func(*schemas.Product) bool, func(*trained) bool, func(ModelCard)](&cardFn{})
	register.DoFn7x1[context.Context, string, func(*schemas.Person) bool, func(**Acc) bool, func(*ModelCard) bool,
		func(schemas.Portrait), func(string, int64), error](&finishFn{})
	register.Emitter1[ratedText]()
	register.Emitter1[trained]()
	register.Emitter1[ModelCard]()
	register.Emitter1[schemas.Portrait]()
	register.Iter1[ratedText]()
	register.Iter1[*modelStats]()
	register.Iter1[*Acc]()
	register.Iter1[ModelCard]()
	register.Iter1[schemas.Person]()
}
