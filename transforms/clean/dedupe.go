package clean

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
)

// DedupeStage is the name of the deduplication stage in quality counts.
const DedupeStage = "dedupe"

// Dedupe keeps one row per natural key: the latest version, then the latest origin (schemas.Later),
// so the result does not depend on processing order. Rows are KV<natural key, row>; the output is the
// rows alone, plus quality counts.
//
// It shuffles one element per record, and must: a replay may sit in another file. A GroupByKey is
// used rather than a combiner because keys are nearly all unique, so lifting would not reduce anything.
func Dedupe(s beam.Scope, source string, rows beam.PCollection) (kept, counts beam.PCollection) {
	s = s.Scope("clean.Dedupe." + source)
	grouped := beam.GroupByKey(s, rows)
	return beam.ParDo2(s, &pickLatestFn{Source: source}, grouped)
}

type pickLatestFn struct {
	Source string
	counts quality.Counts
}

func (f *pickLatestFn) StartBundle(_ context.Context, _ func(beam.X), _ func(string, int64)) {
	f.counts = quality.Counts{}
}

func (f *pickLatestFn) ProcessElement(ctx context.Context, _ string, rows func(*beam.X) bool, emit func(beam.X), _ func(string, int64)) {
	var best schemas.Keyed
	var row beam.X
	n := int64(0)
	for rows(&row) {
		n++
		k := row.(schemas.Keyed)
		if best == nil || schemas.Later(k, best) {
			best = k
		}
	}
	key := quality.Key{Source: f.Source, Stage: DedupeStage}
	key.Measure = quality.In
	f.counts.Add(ctx, key, n)
	key.Measure = quality.Out
	f.counts.Add(ctx, key, 1)
	if n > 1 {
		key.Measure = quality.Deduplicated
		f.counts.Add(ctx, key, n-1)
	}
	emit(best)
}

func (f *pickLatestFn) FinishBundle(_ context.Context, _ func(beam.X), count func(string, int64)) {
	f.counts.Emit(count)
}

func init() {
	register.DoFn5x0[context.Context, string, func(*beam.X) bool, func(beam.X), func(string, int64)](&pickLatestFn{})
	register.Iter1[beam.X]()
	register.Emitter1[beam.X]()
}
