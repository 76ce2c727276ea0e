package portrait

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/portrait/sentiment"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// Stage names the portrait stage in quality counts and Beam counters.
const Stage = "portrait"

// Reasons a fact is not used, in the quality counts (measure rejected).
const (
	// Unattributed: the fact's identifier is not in the identity map (a bug upstream), or it
	// carries none.
	Unattributed = "unattributed"
	// AfterAsOf: the fact is dated after the as-of day.
	AfterAsOf = "after_as_of"
	// NoOrder: an order line whose order is not among the orders.
	NoOrder = "no_order"
	// DuplicateOrder: a second row of an order id (the latest row is used).
	DuplicateOrder = "duplicate_order"
)

// maxGathered bounds the identifiers whose partial accumulators gatherFn holds before it sends them
// on: an Acc takes about 1 KB before its lists grow, so at most some 200 MB per DoFn instance and
// as-of day. The clickstream is in time order, not by person: a bundle of events meets every
// visitor again and again, and with a bound below the visitors of a bundle the partials approach
// one per event.
const maxGathered = 200_000

// maxPersons bounds the persons whose partials attributeFn and placeFn hold. Their facts come about
// one per person (an account, a vendor row, a review; a gathered identifier, a person having a
// few), so holding more merges next to nothing: at a million persons over 90 days, with
// maxGathered as their bound too, their partials held 1.2 GB of the 11.5 GB in use, which the
// collector marked again at every cycle.
const maxPersons = 20_000

// bundle is what a DoFn of this stage holds for one bundle: partial accumulators by key (a person,
// or a source and an identifier), one per as-of day, up to limit keys, and the quality tallies per
// source. name renders a key as the string the partial is sent on with.
type bundle[K comparable] struct {
	kind    string
	days    int
	limit   int
	name    func(K) string
	partial map[K]days
	tally   quality.Tally
}

func newBundle[K comparable](kind string, n, limit int, name func(K) string) bundle[K] {
	return bundle[K]{
		kind:    kind,
		days:    n,
		limit:   limit,
		name:    name,
		partial: map[K]days{},
		tally:   quality.Tally{},
	}
}

// byPerson makes the bundle of a DoFn whose partials are keyed by person id.
func byPerson(kind string, n int) bundle[string] {
	return newBundle(kind, n, maxPersons, func(person string) string { return person })
}

// of returns the partial accumulators of key, making them when missing.
func (b *bundle[K]) of(key K) days {
	d, ok := b.partial[key]
	if !ok {
		d = newDays(b.days)
		b.partial[key] = d
	}
	return d
}

// count tallies n facts of a source; a fact without a source counts under the kind.
func (b *bundle[K]) count(source, measure, reason string, n int64) {
	if source == "" {
		source = b.kind
	}
	b.tally[quality.Key{Source: source, Stage: Stage, Measure: measure, Reason: reason}] += n
}

// used counts a fact out, or rejected when it was after the as-of day.
func (b *bundle[K]) used(source string, ok bool) {
	if ok {
		b.count(source, quality.Out, "", 1)
	} else {
		b.count(source, quality.Rejected, AfterAsOf, 1)
	}
}

// flushIfFull sends the partials on once the bundle holds its limit of them.
func (b *bundle[K]) flushIfFull(emit func(string, days)) {
	if len(b.partial) >= b.limit {
		b.flush(emit)
	}
}

func (b *bundle[K]) flush(emit func(string, days)) {
	for key, d := range b.partial {
		emit(b.name(key), d)
	}
	b.partial = map[K]days{}
}

// finish sends the partials and the tallies on: one Beam counter update per key and bundle, not
// per fact.
func (b *bundle[K]) finish(
	ctx context.Context,
	emit func(string, days),
	count func(string, int64),
) {
	b.flush(emit)
	b.tally.Emit(ctx, count)
}

// attributeFn finds each fact's person through the identity map and adds the fact to a partial
// accumulator per person, sent on when the bundle finishes: one element per person and bundle
// through the shuffle, never one per fact. Every fact is counted per source: in, then out (used)
// or rejected with a reason, as of the first day. It takes the kinds of fact that are few
// (accounts, orders, vendor rows, feedback); events and touches are gathered per identifier first
// (gatherFn).
type attributeFn struct {
	Kind  string
	Cfgs  []Config // one per as-of day
	Token string

	shared []*sharedEntry // identity, products, model
	envs   []*env
	ids    *identityMap
	model  *sentiment.Model
	b      bundle[string]
}

func (f *attributeFn) keys() []string {
	return []string{f.Token + "/identity", f.Token + "/products", f.Token + "/model"}
}

func (f *attributeFn) Setup() error {
	if err := checkConfigs(f.Cfgs); err != nil {
		return err
	}
	f.shared = acquireAll(f.keys())
	return nil
}

func (f *attributeFn) Teardown() { releaseAll(f.keys()) }

func (f *attributeFn) StartBundle(
	_ context.Context,
	_ func() func(*string, *string) bool,
	_ func() func(*schemas.Product) bool,
	_ func() func(*trained) bool,
	_ func(string, days),
	_ func(string, int64),
) {
	f.b = byPerson(f.Kind, len(f.Cfgs))
}

// load builds the shared side-input values on the first element.
func (f *attributeFn) load(
	ids func() func(*string, *string) bool,
	products func() func(*schemas.Product) bool,
	model func() func(*trained) bool,
) error {
	if f.envs != nil {
		return nil
	}
	m, _ := f.shared[0].get(func() (any, error) { return buildIdentity(ids()), nil })
	if isText[f.Kind] {
		tm, err := f.shared[2].get(func() (any, error) { return textModel(model()) })
		if err != nil {
			return err
		}
		f.model = tm.(*sentiment.Model)
	}
	envs, err := sharedEnvs(f.Cfgs, f.shared[1], products)
	if err != nil {
		return err
	}
	f.ids, f.envs = m.(*identityMap), envs
	return nil
}

// isText marks the kinds whose texts the sentiment model scores.
var isText = map[string]bool{"reviews": true, "tickets": true, "site_posts": true}

func (f *attributeFn) ProcessElement(
	ctx context.Context,
	row beam.X,
	ids func() func(*string, *string) bool,
	products func() func(*schemas.Product) bool,
	model func() func(*trained) bool,
	emit func(string, days),
	_ func(string, int64),
) error {
	if err := f.load(ids, products, model); err != nil {
		return err
	}
	envs := f.envs
	switch r := row.(type) {
	case schemas.User:
		if d, ok := f.acc(r.Source, accountKey(r.UserID)); ok {
			f.b.used(r.Source, d.add(envs, func(a *Acc, e *env) bool { return a.AddUser(r, e) }))
		}
	case orderFact:
		f.order(r)
	case schemas.VendorProfile:
		if d, ok := f.acc(r.Source, vendorKey(r)); ok {
			f.b.used(r.Source, d.add(envs, func(a *Acc, e *env) bool { return a.AddVendor(r, e) }))
		}
	case schemas.Review:
		if d, ok := f.acc(r.Source, accountKey(r.UserID)); ok {
			t := score(f.model, r.Text)
			f.b.used(r.Source, d.add(envs, func(a *Acc, e *env) bool { return a.AddReview(r, t, e) }))
		}
	case schemas.Ticket:
		if d, ok := f.acc(r.Source, ticketKey(r)); ok {
			t := score(f.model, r.Text)
			f.b.used(r.Source, d.add(envs, func(a *Acc, e *env) bool { return a.AddTicket(r, t, e) }))
		}
	case schemas.SitePost:
		if d, ok := f.acc(r.Source, postKey(r)); ok {
			t := score(f.model, r.Text)
			f.b.used(r.Source, d.add(envs, func(a *Acc, e *env) bool { return a.AddPost(r, t, e) }))
		}
	default:
		return fmt.Errorf("portrait: %s input holds a %T, not a fact the portraits know", f.Kind, row)
	}
	f.b.flushIfFull(emit)
	return nil
}

// order adds an order and its lines, counting the order under its source and each line under its
// own.
func (f *attributeFn) order(o orderFact) {
	count := func(measure, reason string) {
		if o.HasOrder {
			f.b.count(o.Order.Source, measure, reason, 1)
		}
		for _, l := range o.Lines {
			f.b.count(l.Source, measure, reason, 1)
		}
	}
	count(quality.In, "")
	switch {
	case !o.HasOrder:
		count(quality.Rejected, NoOrder)
		return
	case o.Duplicate:
		count(quality.Rejected, DuplicateOrder)
		return
	}
	person, ok := f.ids.person(accountKey(o.Order.UserID))
	if !ok {
		count(quality.Rejected, Unattributed)
		return
	}
	if !f.b.of(person).
		add(f.envs, func(a *Acc, e *env) bool { return a.AddOrder(o.Order, o.Lines, e) }) {
		count(quality.Rejected, AfterAsOf)
		return
	}
	count(quality.Out, "")
}

// acc counts a fact in and returns its person's partial accumulators, or counts it unattributed
// and returns false.
func (f *attributeFn) acc(source, key string) (days, bool) {
	f.b.count(source, quality.In, "", 1)
	person, ok := f.ids.person(key)
	if !ok {
		f.b.count(source, quality.Rejected, Unattributed, 1)
		return days{}, false
	}
	return f.b.of(person), true
}

func (f *attributeFn) FinishBundle(
	ctx context.Context,
	_ func() func(*string, *string) bool,
	_ func() func(*schemas.Product) bool,
	_ func() func(*trained) bool,
	emit func(string, days),
	count func(string, int64),
) {
	f.b.finish(ctx, emit, count)
}

// gatherFn adds the plentiful facts (events and touches) to a partial accumulator per source and
// identifier, before the persons are known: it needs no identity map, so a runner runs it in the
// step that reads the facts, and only the partials (about one per identifier and bundle) wait for
// the resolve stage, never the facts themselves. Facts are counted in, and rejected when after the
// as-of day or without an identifier; placeFn counts the rest once it finds their person.
//
// The DoFns here take their side inputs re-iterable (func() func(*T) bool) and build them once per
// worker: the Go SDK opens a plain iterator side input before every element, a re-iterable one only
// when it is read.
type gatherFn struct {
	Kind  string
	Cfgs  []Config // one per as-of day
	Token string

	shared *sharedEntry // products
	envs   []*env
	b      bundle[gatherKey]
}

// gatherKey names a partial of gatherFn: a source and an identifier's type and value, joined into
// one string only when the partial is sent on, so that no fact pays for a concatenation.
type gatherKey struct{ source, typ, value string }

func (k gatherKey) String() string { return k.source + gatherSep + identity.Key(k.typ, k.value) }

func (f *gatherFn) key() string { return f.Token + "/products" }

func (f *gatherFn) Setup() error {
	if err := checkConfigs(f.Cfgs); err != nil {
		return err
	}
	f.shared = acquireShared(f.key())
	return nil
}

func (f *gatherFn) Teardown() { releaseShared(f.key()) }

func (f *gatherFn) StartBundle(
	_ context.Context,
	_ func() func(*schemas.Product) bool,
	_ func(string, days),
	_ func(string, int64),
) {
	f.b = newBundle(f.Kind, len(f.Cfgs), maxGathered, gatherKey.String)
}

func (f *gatherFn) ProcessElement(
	_ context.Context,
	row beam.X,
	products func() func(*schemas.Product) bool,
	emit func(string, days),
	_ func(string, int64),
) error {
	if f.envs == nil {
		envs, err := sharedEnvs(f.Cfgs, f.shared, products)
		if err != nil {
			return err
		}
		f.envs = envs
	}
	switch r := row.(type) {
	case schemas.Event:
		typ, value := eventIdentifier(r)
		if d, ok := f.acc(gatherKey{r.Source, typ, value}); ok {
			f.used(r.Source, d.add(f.envs, func(a *Acc, e *env) bool { return a.AddEvent(r, e) }))
		}
	case schemas.Touch:
		if d, ok := f.acc(gatherKey{r.Source, identity.Account, r.UserID}); ok {
			f.used(r.Source, d.add(f.envs, func(a *Acc, e *env) bool { return a.AddTouch(r, e) }))
		}
	default:
		return fmt.Errorf("portrait: %s input holds a %T, not an event or a touch", f.Kind, row)
	}
	f.b.flushIfFull(emit)
	return nil
}

// acc counts a fact in and returns the partials of its source and identifier, or counts it
// unattributed and returns false when it carries no identifier.
func (f *gatherFn) acc(k gatherKey) (days, bool) {
	f.b.count(k.source, quality.In, "", 1)
	if k.value == "" {
		f.b.count(k.source, quality.Rejected, Unattributed, 1)
		return days{}, false
	}
	return f.b.of(k), true
}

// used counts a late fact rejected; the used ones are counted by placeFn.
func (f *gatherFn) used(source string, ok bool) {
	if !ok {
		f.b.count(source, quality.Rejected, AfterAsOf, 1)
	}
}

func (f *gatherFn) FinishBundle(
	ctx context.Context,
	_ func() func(*schemas.Product) bool,
	emit func(string, days),
	count func(string, int64),
) {
	f.b.finish(ctx, emit, count)
}

// gatherSep separates the source from the identifier in gatherFn's keys (source names are
// printable).
const gatherSep = "\x00"

// placeFn finds the person of each gathered partial (source and identifier) through the identity
// map and merges it into the bundle's partial of that person. Its facts are counted out, or
// rejected as unattributed when the identifier is not in the map, as of the first day.
type placeFn struct {
	Kind  string
	Days  int
	Token string

	shared *sharedEntry // identity
	ids    *identityMap
	b      bundle[string]
}

func (f *placeFn) key() string { return f.Token + "/identity" }

func (f *placeFn) Setup() { f.shared = acquireShared(f.key()) }

func (f *placeFn) Teardown() { releaseShared(f.key()) }

func (f *placeFn) StartBundle(
	_ context.Context,
	_ func() func(*string, *string) bool,
	_ func(string, days),
	_ func(string, int64),
) {
	f.b = byPerson(f.Kind, f.Days)
}

func (f *placeFn) ProcessElement(
	_ context.Context,
	key string,
	d days,
	ids func() func(*string, *string) bool,
	emit func(string, days),
	_ func(string, int64),
) error {
	if f.ids == nil {
		m, _ := f.shared.get(func() (any, error) { return buildIdentity(ids()), nil })
		f.ids = m.(*identityMap)
	}
	source, id, ok := strings.Cut(key, gatherSep)
	if !ok {
		return fmt.Errorf("portrait: gathered key %q names no source", key)
	}
	if len(d.acc) != f.Days {
		return fmt.Errorf(
			"portrait: gathered partial %q has %d days, want %d",
			key,
			len(d.acc),
			f.Days,
		)
	}
	person, found := f.ids.person(id)
	if !found {
		f.b.count(source, quality.Rejected, Unattributed, int64(d.acc[0].facts))
		return nil
	}
	f.b.count(source, quality.Out, "", int64(d.acc[0].facts))
	f.b.of(person).merge(d)
	f.b.flushIfFull(emit)
	return nil
}

func (f *placeFn) FinishBundle(
	ctx context.Context,
	_ func() func(*string, *string) bool,
	emit func(string, days),
	count func(string, int64),
) {
	f.b.finish(ctx, emit, count)
}

// gather is the path of the plentiful facts: gathered per source and identifier, merged, then
// placed with their persons; the gathered partials are spilled under dir. It returns the partials
// per person and the quality tallies.
func gather(
	s beam.Scope,
	kind string,
	cfgs []Config,
	token, dir string,
	rows, identity, products beam.PCollection,
) (partials, tallies beam.PCollection) {
	g, gc := beam.ParDo2(
		s,
		&gatherFn{Kind: kind, Cfgs: cfgs, Token: token},
		rows,
		beam.SideInput{Input: products},
	)
	merged := mergePartials(s, dir, g)
	p, pc := beam.ParDo2(
		s,
		&placeFn{Kind: kind, Days: len(cfgs), Token: token},
		merged,
		beam.SideInput{Input: identity},
	)
	return p, beam.Flatten(s, gc, pc)
}

func init() {
	fnreg.DoFn7x1[context.Context, beam.X, func() func(*string, *string) bool,
		func() func(*schemas.Product) bool, func() func(*trained) bool,
		func(string, days), func(string, int64), error](
		&attributeFn{},
	)
	fnreg.DoFn5x1[context.Context, beam.X, func() func(*schemas.Product) bool, func(string, days),
		func(string, int64), error](
		&gatherFn{},
	)
	fnreg.DoFn6x1[context.Context, string, days, func() func(*string, *string) bool,
		func(string, days), func(string, int64), error](
		&placeFn{},
	)
	register.Emitter2[string, days]()
	register.Emitter2[string, *Acc]()
	register.Emitter2[string, int64]()
	register.Iter2[string, string]()
	register.Iter1[schemas.Product]()
	register.Iter1[trained]()
}
