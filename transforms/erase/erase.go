package erase

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// Stage is the name of the erasure stage in quality counts: per source, records in = out + erased
// (measure rejected, reason erased; an erased record never reaches the rejects table).
const Stage = "erase"

// Reason is the quality reason of an erased record.
const Reason = "erased"

// Erased are the persons to forget tonight: their ids, and the raw node keys of all their
// identifiers (from the identity pairs, which stay inside the pipeline). Both are settled (package
// settle): the steps that drop rows read them as side inputs.
type Erased struct {
	Persons, Keys beam.PCollection
}

// Find returns the persons who own any of the requested identifier hashes, and all of their
// identifiers. links are the identity_map rows and identity the (node key, person id) pairs of the
// resolve stage. Both outputs are small: a handful of elements per erased person.
func Find(s beam.Scope, hashes []string, links, identity beam.PCollection) Erased {
	s = s.Scope("erase.Find")
	persons := filter.Distinct(s, beam.ParDo(s, &requestedFn{Hashes: hashes}, links))
	persons = settle.Whole(s, persons)
	keys := beam.ParDo(s, &keysOfFn{}, identity, beam.SideInput{Input: persons})
	return Erased{Persons: persons, Keys: settle.Whole(s, keys)}
}

// Count is the quality count of the persons erased tonight: how many, never who.
func Count(s beam.Scope, e Erased) beam.PCollection {
	return beam.ParDo(s, erasedPerson, e.Persons)
}

func erasedPerson(string) (string, int64) {
	return quality.Key{
		Source:  "identity",
		Stage:   Stage,
		Measure: quality.Linked,
		Reason:  "erased_persons",
	}.String(), 1
}

// requestedFn emits the person of each identity_map row whose hash was requested.
type requestedFn struct {
	Hashes []string

	set map[string]bool
}

func (f *requestedFn) ProcessElement(l schemas.IdentityLink, emit func(string)) {
	if f.set == nil {
		f.set = map[string]bool{}
		for _, h := range f.Hashes {
			f.set[h] = true
		}
	}
	if f.set[l.IDHash] {
		emit(l.PersonID)
	}
}

// keysOfFn emits the node keys of erased persons.
type keysOfFn struct {
	persons map[string]bool
}

func (f *keysOfFn) ProcessElement(
	key, person string,
	erased func(*string) bool,
	emit func(string),
) {
	if f.persons == nil {
		f.persons = sideinput.Set(erased)
	}
	if f.persons[person] {
		emit(key)
	}
}

// Rows drops the cleaned rows of one source that carry an identifier of an erased person, and
// counts them. Rows are schemas structs of any kind (resolve.Keys names their identifiers); order
// lines carry none and are dropped with their order: dropped lists the natural keys of the rows
// dropped (the order ids, for an orders source), for Lines.
func Rows(
	s beam.Scope,
	source string,
	rows beam.PCollection,
	e Erased,
) (kept, counts, dropped beam.PCollection) {
	s = s.Scope("erase.Rows." + source)
	return beam.ParDo3(s, &rowsFn{Source: source}, rows, beam.SideInput{Input: e.Keys})
}

// Lines drops the order lines of dropped orders (see Rows), and counts them.
func Lines(
	s beam.Scope,
	source string,
	items, droppedOrders beam.PCollection,
) (kept, counts beam.PCollection) {
	s = s.Scope("erase.Lines." + source)
	kept, counts, _ = beam.ParDo3(
		s,
		&rowsFn{Source: source, ByOrder: true},
		items,
		beam.SideInput{Input: settle.Whole(s, droppedOrders)},
	)
	return kept, counts
}

type rowsFn struct {
	Source string
	// ByOrder matches order lines by their order id instead of identifiers.
	ByOrder bool

	keys   map[string]bool
	counts quality.Tally
}

func (f *rowsFn) StartBundle(
	_ context.Context,
	_ func(*string) bool,
	_ func(beam.X),
	_ func(string, int64),
	_ func(string),
) {
	f.counts = quality.Tally{}
}

func (f *rowsFn) ProcessElement(
	_ context.Context,
	row beam.X,
	erased func(*string) bool,
	emit func(beam.X),
	_ func(string, int64),
	dropped func(string),
) {
	if f.keys == nil {
		f.keys = sideinput.Set(erased)
	}
	key := quality.Key{Source: f.Source, Stage: Stage, Measure: quality.In}
	f.counts.Add(key, 1)
	keys := resolve.Keys(row)
	if item, ok := row.(schemas.OrderItem); ok && f.ByOrder {
		keys = []string{item.OrderID}
	}
	for _, k := range keys {
		if f.keys[k] {
			key.Measure, key.Reason = quality.Rejected, Reason
			f.counts.Add(key, 1)
			if r, ok := row.(schemas.Keyed); ok {
				dropped(r.NaturalKey())
			}
			return
		}
	}
	key.Measure = quality.Out
	f.counts.Add(key, 1)
	emit(row)
}

func (f *rowsFn) FinishBundle(
	ctx context.Context,
	_ func(*string) bool,
	_ func(beam.X),
	count func(string, int64),
	_ func(string),
) {
	f.counts.Emit(ctx, count)
}

// ByPerson drops the rows of a person-keyed table that belong to an erased person: rows are
// schemas structs whose string field (PersonID, NewPersonID ...) names the person.
func ByPerson(s beam.Scope, table, field string, rows beam.PCollection, e Erased) beam.PCollection {
	s = s.Scope("erase.ByPerson." + table)
	return beam.ParDo(s, &byPersonFn{Field: field}, rows, beam.SideInput{Input: e.Persons})
}

type byPersonFn struct {
	Field string

	persons map[string]bool
}

func (f *byPersonFn) ProcessElement(row beam.X, erased func(*string) bool, emit func(beam.X)) {
	if f.persons == nil {
		f.persons = sideinput.Set(erased)
	}
	if id := reflect.ValueOf(row).FieldByName(f.Field); id.IsValid() && f.persons[id.String()] {
		return
	}
	emit(row)
}

func init() {
	fnreg.DoFn2x0[schemas.IdentityLink, func(string)](&requestedFn{})
	register.Function1x2(erasedPerson)
	fnreg.DoFn4x0[string, string, func(*string) bool, func(string)](&keysOfFn{})
	fnreg.DoFn6x0[context.Context, beam.X, func(*string) bool, func(beam.X),
		func(string, int64), func(string)](
		&rowsFn{},
	)
	fnreg.DoFn3x0[beam.X, func(*string) bool, func(beam.X)](&byPersonFn{})
	register.Emitter1[string]()
	register.Emitter1[beam.X]()
	register.Iter1[string]()
}
