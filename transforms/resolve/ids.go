package resolve

import (
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
)

// claim is a part's share of one of last night's persons.
type claim struct {
	Part  string
	Count int64
}

// claimsFn sends each of last night's person ids the parts that hold its identifiers tonight.
func claimsFn(p part, emit func(string, claim)) {
	for i, id := range p.Prev {
		emit(id, claim{Part: p.Key, Count: p.PrevCounts[i]})
	}
}

// ownerFn gives last night's person id to the part that holds most of its identifiers (ties: the
// smallest part key), so a person that split keeps its id in its largest piece.
func ownerFn(prev string, claims func(*claim) bool, emit func(string, string)) {
	var best, c claim
	for claims(&c) {
		if best.Part == "" || c.Count > best.Count ||
			(c.Count == best.Count && c.Part < best.Part) {
			best = c
		}
	}
	emit(best.Part, prev)
}

func keyPart(p part) (string, part) { return p.Key, p }

// assignFn names each part's person. A part that owns some of last night's ids keeps the oldest of
// them (earliest first_seen_date, then the smallest id) and records the others as merged into it; a
// part that owns none gets a new id, and records last night's ids it took identifiers from as
// split.
type assignFn struct {
	Date string
	Salt clean.Options

	salt      string
	firstSeen map[string]string
}

func (f *assignFn) Setup() error {
	var err error
	f.salt, err = f.Salt.Salt()
	return err
}

func (f *assignFn) ProcessElement(
	ctx context.Context,
	key string,
	parts func(*part) bool,
	owned func(*string) bool,
	previous func(*schemas.Person) bool,
	ids func(string, string),
	persons func(schemas.Person),
	history func(schemas.MergeHistory),
	count func(string, int64),
) {
	if f.firstSeen == nil {
		f.firstSeen = map[string]string{}
		var p schemas.Person
		for previous(&p) {
			f.firstSeen[p.PersonID] = p.FirstSeenDate
		}
	}
	var p part
	if !parts(&p) {
		return
	}
	var mine []string
	var id string
	for owned(&id) {
		mine = append(mine, id)
	}
	person, first := f.name(p, mine)
	ids(key, person)
	persons(
		schemas.Person{
			PersonID:        person,
			FirstSeenDate:   first,
			Accounts:        p.Accounts,
			Identifiers:     p.Members,
			Probabilistic:   p.Probabilistic,
			PrimaryAccount:  p.PrimaryAccount,
			IdentifierTypes: p.Types,
		},
	)
	// Side inputs rule out bundle methods here, so counts go out per person; the quality
	// summary's combiner folds them.
	linked := func(reason string) {
		k := quality.Key{Source: Source, Stage: Stage, Measure: quality.Linked, Reason: reason}
		quality.Mirror(ctx, k, 1)
		count(k.String(), 1)
	}
	linked("persons")
	if len(mine) == 0 {
		linked("new_persons")
	}
	for i, prev := range p.Prev {
		if prev == person {
			continue
		}
		reason := "split"
		if slices.Contains(mine, prev) {
			reason = "merge"
		}
		linked(reason)
		history(
			schemas.MergeHistory{
				Date:        f.Date,
				OldPersonID: prev,
				NewPersonID: person,
				Reason:      reason,
				Identifiers: p.PrevCounts[i],
			},
		)
	}
}

// name returns the part's person id and the day it was first assigned.
func (f *assignFn) name(p part, owned []string) (string, string) {
	if len(owned) == 0 {
		return NewPersonID(f.salt, f.Date, p.Key), f.Date
	}
	seen := func(id string) string {
		if d, ok := f.firstSeen[id]; ok {
			return d
		}
		return f.Date
	}
	best := slices.MinFunc(owned, func(a, b string) int {
		if da, db := seen(a), seen(b); da != db {
			if da < db {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	return best, seen(best)
}

// NewPersonID names a person born on date whose smallest identifier is key: a salted hash, so the
// id reveals nothing of the identifier, and dated, so a part that splits off a person never gets
// the id its old person was born with.
func NewPersonID(salt, date, key string) string {
	return "P" + normalize.Hash(salt, "person|"+date+"|"+key)[:20]
}

func init() {
	register.Function2x0(claimsFn)
	register.Function3x0(ownerFn)
	register.Function1x2(keyPart)
	fnreg.DoFn9x0[context.Context, string, func(*part) bool, func(*string) bool,
		func(*schemas.Person) bool,
		func(string, string), func(schemas.Person), func(schemas.MergeHistory), func(string, int64)](
		&assignFn{},
	)
	register.Emitter2[string, claim]()
	register.Emitter1[schemas.Person]()
	register.Emitter1[schemas.MergeHistory]()
	register.Iter1[claim]()
	register.Iter1[part]()
	register.Iter1[schemas.Person]()
}
