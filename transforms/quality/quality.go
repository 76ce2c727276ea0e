// Package quality counts what every stage does to every source's records and checks that the counts
// add up: for each source and stage, records in = out + rejected + deduplicated.
//
// Stages tally into a per-bundle Counts map and emit it in FinishBundle as (key, count) pairs, so
// the shuffle carries a handful of elements per bundle, never one per record. Summarise sums them
// per key into `quality` rows; the same figures go to Beam counters for the runner's monitoring.
package quality

import (
	"context"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fanin"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// Measures of a stage.
const (
	In           = "in"
	Out          = "out"
	Rejected     = "rejected"
	Deduplicated = "deduplicated"
	// Carried counts the rows a stage takes from the previous night's state besides its input:
	// in + carried = out + rejected + deduplicated.
	Carried = "carried"
	// Nulled counts field values that were invalid and dropped from an otherwise good record.
	Nulled = "nulled"
	// Guard counts identifiers that a guard of the resolve stage stopped from linking.
	Guard = "guard"
	// Linked counts what the resolve stage joined: probabilistic matches, persons, merges.
	Linked = "linked"
)

const sep = "\x1f"

// Key names one counter: the source, the stage, the measure and, for rejects and nulled fields,
// why.
type Key struct {
	Source, Stage, Measure, Reason string
}

// String encodes the key for the (key, count) pairs a stage emits.
func (k Key) String() string {
	return k.Source + sep + k.Stage + sep + k.Measure + sep + k.Reason
}

// ParseKey decodes a key made by String.
func ParseKey(s string) Key {
	p := strings.SplitN(s, sep, 4)
	for len(p) < 4 {
		p = append(p, "")
	}
	return Key{Source: p[0], Stage: p[1], Measure: p[2], Reason: p[3]}
}

// Mirror adds n to the key's Beam counter only: for DoFns that emit their (key, count) pairs per
// element because side inputs rule out bundle methods.
func Mirror(ctx context.Context, k Key, n int64) {
	c, ok := counters.Load(k)
	if !ok {
		name := k.Source + "." + k.Measure
		if k.Reason != "" {
			name += "." + k.Reason
		}
		c, _ = counters.LoadOrStore(k, beam.NewCounter(k.Stage, name))
	}
	c.(beam.Counter).Inc(ctx, n)
}

// counters holds the Beam counter of every key met in this process (a few hundred), so a count
// names its counter once rather than once per record.
var counters sync.Map

// Tally accumulates counts inside one bundle of a DoFn (or one element, for a DoFn whose side
// inputs rule out bundle methods); its Emit sends them on and mirrors each key to its Beam counter
// once, not once per record (an update per record was 2% of the nightly's CPU). A nil Tally counts
// nothing: a DoFn that reads rows a second time leaves it nil in the pass that is not counted.
type Tally map[Key]int64

// Add counts n records under the key.
func (t Tally) Add(k Key, n int64) {
	if t != nil {
		t[k] += n
	}
}

// Emit sends every count as a (key, count) pair, mirrors it to its Beam counter and empties the
// map.
func (t Tally) Emit(ctx context.Context, emit func(string, int64)) {
	for k, n := range t {
		Mirror(ctx, k, n)
		emit(k.String(), n)
		delete(t, k)
	}
}

// Summarise sums the (key, count) pairs of all stages into `quality` rows (schemas.QualityCount).
func Summarise(s beam.Scope, tallies ...beam.PCollection) beam.PCollection {
	s = s.Scope("quality.Summarise")
	all := Flatten(s, tallies...)
	summed := stats.SumPerKey(s, all)
	return beam.ParDo(s, toRow, summed)
}

// Flatten flattens streams of (key, count) pairs, each summed per bundle first (package fanin): a
// DoFn whose side inputs rule out bundle methods emits a pair per element, and those are summed
// here, where the DoFn's stage still runs.
func Flatten(s beam.Scope, tallies ...beam.PCollection) beam.PCollection {
	return fanin.ParDo(s, &sumBundleFn{}, tallies...)
}

// sumBundleFn sums (key, count) pairs per bundle. The counters were updated where the pairs were
// counted: this only folds them.
type sumBundleFn struct {
	sums map[string]int64
}

func (f *sumBundleFn) ProcessElement(key string, n int64, _ func(string, int64)) {
	if f.sums == nil {
		f.sums = map[string]int64{}
	}
	f.sums[key] += n
}

func (f *sumBundleFn) FinishBundle(emit func(string, int64)) {
	for k, n := range f.sums {
		emit(k, n)
	}
	clear(f.sums)
}

// Recount turns quality rows back into (key, count) pairs: a job that runs as phases hands its
// earlier phases' counts over summed, and Summarise adds them to the last phase's.
func Recount(s beam.Scope, rows beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("quality.Recount"), fromRow, rows)
}

func fromRow(q schemas.QualityCount) (string, int64) {
	return Key{
		Source:  q.Source,
		Stage:   q.Stage,
		Measure: q.Measure,
		Reason:  q.Reason,
	}.String(), q.Count
}

func toRow(key string, n int64) schemas.QualityCount {
	k := ParseKey(key)
	return schemas.QualityCount{
		Source:  k.Source,
		Stage:   k.Stage,
		Measure: k.Measure,
		Reason:  k.Reason,
		Count:   n,
	}
}

func init() {
	register.Function2x1(toRow)
	fnreg.DoFn3x0[string, int64, func(string, int64)](&sumBundleFn{})
	register.Emitter2[string, int64]()
	register.Function1x2(fromRow)
}
