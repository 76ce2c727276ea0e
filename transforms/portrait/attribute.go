package portrait

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/sentiment"
	"github.com/shopportraits/portraits/transforms/quality"
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

// maxPartials bounds the partial accumulators a bundle holds before it sends them on: an Acc takes
// about 1 KB before its lists grow, so some 20 MB per DoFn instance.
const maxPartials = 20_000

// attributeFn finds each fact's person through the identity map and adds the fact to a partial
// accumulator per person, sent on when the bundle finishes: one element per person and bundle
// through the shuffle, never one per fact. Every fact is counted per source: in, then out (used)
// or rejected with a reason.
type attributeFn struct {
	Kind  string
	Cfg   Config
	Token string

	shared  []*sharedEntry // identity, products, model
	env     *env
	ids     *identityMap
	model   *sentiment.Model
	partial map[string]*Acc
	tally   map[quality.Key]int64
}

func (f *attributeFn) keys() []string {
	return []string{f.Token + "/identity", f.Token + "/products", f.Token + "/model"}
}

func (f *attributeFn) Setup() error {
	if _, err := newEnv(f.Cfg, nil); err != nil {
		return err
	}
	f.shared = nil
	for _, k := range f.keys() {
		f.shared = append(f.shared, acquireShared(k))
	}
	return nil
}

func (f *attributeFn) Teardown() {
	for _, k := range f.keys() {
		releaseShared(k)
	}
}

func (f *attributeFn) StartBundle(_ context.Context, _ func(*string, *string) bool, _ func(*schemas.Product) bool, _ func(*trained) bool,
	_ func(string, *Acc), _ func(string, int64)) {
	f.partial = map[string]*Acc{}
	f.tally = map[quality.Key]int64{}
}

// load builds the shared side-input values on the first element.
func (f *attributeFn) load(ids func(*string, *string) bool, products func(*schemas.Product) bool, model func(*trained) bool) error {
	if f.env != nil {
		return nil
	}
	m, _ := f.shared[0].get(func() (any, error) { return buildIdentity(ids), nil })
	p, _ := f.shared[1].get(func() (any, error) { return catalog(products), nil })
	if isText[f.Kind] {
		tm, err := f.shared[2].get(func() (any, error) { return textModel(model) })
		if err != nil {
			return err
		}
		f.model = tm.(*sentiment.Model)
	}
	e, err := newEnv(f.Cfg, p.(map[string]product))
	if err != nil {
		return err
	}
	f.ids, f.env = m.(*identityMap), e
	return nil
}

// isText marks the kinds whose texts the sentiment model scores.
var isText = map[string]bool{"reviews": true, "tickets": true, "site_posts": true}

func (f *attributeFn) ProcessElement(ctx context.Context, row beam.X, ids func(*string, *string) bool, products func(*schemas.Product) bool,
	model func(*trained) bool, emit func(string, *Acc), _ func(string, int64)) error {
	if err := f.load(ids, products, model); err != nil {
		return err
	}
	e := f.env
	switch r := row.(type) {
	case schemas.User:
		if a := f.acc(r.Source, accountKey(r.UserID)); a != nil {
			f.used(r.Source, a.AddUser(r, e))
		}
	case orderFact:
		f.order(r)
	case schemas.Event:
		if a := f.acc(r.Source, eventKey(r)); a != nil {
			f.used(r.Source, a.AddEvent(r, e))
		}
	case schemas.Touch:
		if a := f.acc(r.Source, accountKey(r.UserID)); a != nil {
			f.used(r.Source, a.AddTouch(r, e))
		}
	case schemas.VendorProfile:
		if a := f.acc(r.Source, vendorKey(r)); a != nil {
			f.used(r.Source, a.AddVendor(r, e))
		}
	case schemas.Review:
		if a := f.acc(r.Source, accountKey(r.UserID)); a != nil {
			f.used(r.Source, a.AddReview(r, score(f.model, r.Text), e))
		}
	case schemas.Ticket:
		if a := f.acc(r.Source, ticketKey(r)); a != nil {
			f.used(r.Source, a.AddTicket(r, score(f.model, r.Text), e))
		}
	case schemas.SitePost:
		if a := f.acc(r.Source, postKey(r)); a != nil {
			f.used(r.Source, a.AddPost(r, score(f.model, r.Text), e))
		}
	default:
		return fmt.Errorf("portrait: %s input holds a %T, not a fact the portraits know", f.Kind, row)
	}
	if len(f.partial) >= maxPartials {
		f.flush(emit)
	}
	return nil
}

// order adds an order and its lines, counting the order under its source and each line under its own.
func (f *attributeFn) order(o orderFact) {
	reject := func(reason string) {
		if o.HasOrder {
			f.count(o.Order.Source, quality.Rejected, reason)
		}
		for _, l := range o.Lines {
			f.count(l.Source, quality.Rejected, reason)
		}
	}
	if o.HasOrder {
		f.count(o.Order.Source, quality.In, "")
	}
	for _, l := range o.Lines {
		f.count(l.Source, quality.In, "")
	}
	switch {
	case !o.HasOrder:
		reject(NoOrder)
		return
	case o.Duplicate:
		reject(DuplicateOrder)
		return
	}
	person, ok := f.ids.person(accountKey(o.Order.UserID))
	if !ok {
		reject(Unattributed)
		return
	}
	if !f.partialOf(person).AddOrder(o.Order, o.Lines, f.env) {
		reject(AfterAsOf)
		return
	}
	f.count(o.Order.Source, quality.Out, "")
	for _, l := range o.Lines {
		f.count(l.Source, quality.Out, "")
	}
}

// acc counts a fact in and returns its person's partial accumulator, or counts it unattributed and
// returns nil.
func (f *attributeFn) acc(source, key string) *Acc {
	f.count(source, quality.In, "")
	person, ok := f.ids.person(key)
	if !ok {
		f.count(source, quality.Rejected, Unattributed)
		return nil
	}
	return f.partialOf(person)
}

// used counts a fact out, or rejected when it was after the as-of day.
func (f *attributeFn) used(source string, ok bool) {
	if ok {
		f.count(source, quality.Out, "")
	} else {
		f.count(source, quality.Rejected, AfterAsOf)
	}
}

func (f *attributeFn) partialOf(person string) *Acc {
	a := f.partial[person]
	if a == nil {
		a = &Acc{}
		f.partial[person] = a
	}
	return a
}

func (f *attributeFn) count(source, measure, reason string) {
	if source == "" {
		source = f.Kind
	}
	f.tally[quality.Key{Source: source, Stage: Stage, Measure: measure, Reason: reason}]++
}

func (f *attributeFn) flush(emit func(string, *Acc)) {
	for person, a := range f.partial {
		emit(person, a)
	}
	f.partial = map[string]*Acc{}
}

func (f *attributeFn) FinishBundle(ctx context.Context, _ func(*string, *string) bool, _ func(*schemas.Product) bool, _ func(*trained) bool,
	emit func(string, *Acc), count func(string, int64)) {
	f.flush(emit)
	counts := quality.Counts{}
	for k, n := range f.tally {
		counts.Add(ctx, k, n) // one Beam counter update per key and bundle, not per fact
	}
	counts.Emit(count)
	f.tally = map[quality.Key]int64{}
}

// mergeFn merges partial accumulators per person.
type mergeFn struct{}

func (mergeFn) MergeAccumulators(a, b *Acc) *Acc {
	a.Merge(b)
	return a
}

func init() {
	register.DoFn7x1[context.Context, beam.X, func(*string, *string) bool, func(*schemas.Product) bool, func(*trained) bool,
		func(string, *Acc), func(string, int64), error](&attributeFn{})
	register.Combiner1[*Acc](&mergeFn{})
	register.Emitter2[string, *Acc]()
	register.Emitter2[string, int64]()
	register.Iter2[string, string]()
	register.Iter1[schemas.Product]()
	register.Iter1[trained]()
}
