// Package state carries what a night needs of the nights before it, so that an incremental night
// reads only the new daily partitions of its sources. A finished run keeps, under
// RUN/_state/, every append or changes source's cleaned and deduplicated rows (every field, the
// in-memory ones included, through package handover); the next night reads them back, merges its
// own rows into them (Merge: the latest version of each natural key wins, as deduplication picks
// it over a full read), and writes the result as its own state.
//
// The merge gives the rows a full read of every partition would give, so the derived tables do not
// depend on how the night was built. The state holds personal data in the clear, as the sources
// do: keep the output folder where the sources are kept.
package state

import (
	"context"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/zeebo/xxh3"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/handover"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Version is the format of the state; a night whose previous run wrote another is built in full.
// Bump it whenever what the state holds changes, a schemas struct of a carried table included.
const Version = 1

// Stage is the name of the merge in quality counts.
const Stage = "state"

// Dir is the state folder of a run folder.
func Dir(runDir string) string { return sink.Join(runDir, "_state") }

// Write keeps a collection (values of t) as state named name in the run folder runDir.
func Write(s beam.Scope, runDir, name string, t reflect.Type, rows beam.PCollection) {
	handover.Write(s.Scope("state.Write."+name), Dir(runDir), name, t, rows)
}

// Read reads the collection (values of t) kept as state named name by the finished run in runDir.
func Read(
	ctx context.Context,
	s beam.Scope,
	runDir, name string,
	t reflect.Type,
) (beam.PCollection, error) {
	rows, err := handover.Read(ctx, s.Scope("state.Read."+name), Dir(runDir), name, t)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("state %s in %s: %w", name, runDir, err)
	}
	return rows, nil
}

// Merge merges tonight's rows of a source into the rows carried from the previous night. Both are
// cleaned rows (schemas.Keyed values), each deduplicated already; a natural key in both keeps the
// later row (schemas.Later), tonight's on a tie (a file read again). Only the carried rows whose
// key tonight's rows share cross a shuffle, with tonight's rows; the others pass through.
//
// counts are the stage's quality counts: in (tonight's rows) + carried = out + deduplicated (a
// row dropped for a later version of its key, tonight's or carried).
func Merge(
	s beam.Scope,
	source string,
	carried, tonight beam.PCollection,
) (merged, counts beam.PCollection) {
	s = s.Scope("state.Merge." + source)
	keyed := beam.ParDo(s, keyRow, tonight)
	keys := settle.Whole(s, beam.DropValue(s, keyed))
	kept, contested, ccounts := beam.ParDo3(s, &splitFn{Source: source}, carried,
		beam.SideInput{Input: keys})
	winners, wcounts := beam.ParDo2(
		s,
		&pickFn{Source: source},
		beam.CoGroupByKey(s, keyed, contested),
	)
	return beam.Flatten(s, kept, winners), quality.Flatten(s, ccounts, wcounts)
}

// key is a natural key's 128-bit hash (zeebo/xxh3, as deduplication uses): a day's keys held as a
// set cost 16 bytes each.
type key struct{ Hi, Lo uint64 }

func hashOf(row beam.X) (key, error) {
	k, ok := row.(schemas.Keyed)
	if !ok {
		return key{}, fmt.Errorf("state: %T is not a cleaned row", row)
	}
	h := xxh3.HashString128(k.NaturalKey())
	return key{Hi: h.Hi, Lo: h.Lo}, nil
}

func keyRow(row beam.X) (key, beam.X, error) {
	k, err := hashOf(row)
	return k, row, err
}

// splitFn passes the carried rows whose key tonight's rows lack, and keys the others for the merge.
type splitFn struct {
	Source string

	keys   map[key]bool
	counts quality.Tally
}

func (f *splitFn) ProcessElement(row beam.X, tonight func(*key) bool, kept func(beam.X),
	contested func(key, beam.X), _ func(string, int64)) error {
	if f.counts == nil {
		f.counts = quality.Tally{}
	}
	if f.keys == nil {
		f.keys = map[key]bool{}
		var k key
		for tonight(&k) {
			f.keys[k] = true
		}
	}
	k, err := hashOf(row)
	if err != nil {
		return err
	}
	f.counts.Add(quality.Key{Source: f.Source, Stage: Stage, Measure: quality.Carried}, 1)
	if f.keys[k] {
		contested(k, row)
		return nil
	}
	f.counts.Add(quality.Key{Source: f.Source, Stage: Stage, Measure: quality.Out}, 1)
	kept(row)
	return nil
}

// FinishBundle takes the side input too, as Beam requires of a bundle method beside a
// ProcessElement that reads one.
func (f *splitFn) FinishBundle(ctx context.Context, _ func(*key) bool, _ func(beam.X),
	_ func(key, beam.X), count func(string, int64)) {
	f.counts.Emit(ctx, count)
}

// pickFn keeps the latest row of a key, tonight's on a tie, and counts tonight's rows and the rows
// dropped.
type pickFn struct {
	Source string

	counts quality.Tally
}

func (f *pickFn) StartBundle(_ context.Context, _ func(beam.X), _ func(string, int64)) {
	f.counts = quality.Tally{}
}

func (f *pickFn) ProcessElement(_ key, tonight, carried func(*beam.X) bool, emit func(beam.X),
	_ func(string, int64)) {
	var best, row beam.X
	var n, fresh int64
	for tonight(&row) {
		n, fresh = n+1, fresh+1
		if best == nil || schemas.Later(row.(schemas.Keyed), best.(schemas.Keyed)) {
			best = row
		}
	}
	for carried(&row) {
		n++
		// A carried row wins only when it is strictly later: a file read again gives tonight's.
		if best == nil || schemas.Later(row.(schemas.Keyed), best.(schemas.Keyed)) {
			best = row
		}
	}
	k := quality.Key{Source: f.Source, Stage: Stage, Measure: quality.In}
	f.counts.Add(k, fresh)
	k.Measure = quality.Out
	f.counts.Add(k, 1)
	if n > 1 {
		k.Measure = quality.Deduplicated
		f.counts.Add(k, n-1)
	}
	emit(best)
}

func (f *pickFn) FinishBundle(ctx context.Context, _ func(beam.X), count func(string, int64)) {
	f.counts.Emit(ctx, count)
}

func init() {
	register.Function1x3(keyRow)
	fnreg.DoFn5x1[beam.X, func(*key) bool, func(beam.X), func(key, beam.X),
		func(string, int64), error](&splitFn{})
	fnreg.DoFn5x0[key, func(*beam.X) bool, func(*beam.X) bool, func(beam.X), func(string, int64)](
		&pickFn{},
	)
	register.Emitter2[key, beam.X]()
	register.Emitter1[beam.X]()
	register.Iter1[key]()
	register.Iter1[beam.X]()
	beam.RegisterType(reflect.TypeOf(key{}))
}
