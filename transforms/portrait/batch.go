package portrait

import (
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fanin"
)

// mergePartials merges partial accumulators, KV<string, days>, per key: what a CombinePerKey
// merging them day by day gives, with the partials crossing the shuffle in byte batches per bundle
// and hash bucket (package batch: Prism's state per key and element of an aggregation outweighs a
// partial per person and bundle). The upstream DoFns merge per bundle already, so the batches only
// encode. Each collection is batched before the collections meet (package fanin).
func mergePartials(s beam.Scope, partials ...beam.PCollection) beam.PCollection {
	s = s.Scope("mergePartials")
	return beam.ParDo(s, mergeBatches, beam.GroupByKey(s, fanin.ParDo(s, &batchPartialsFn{}, partials...)))
}

// batchPartialsFn appends each partial, with its key, to its bucket's batch.
type batchPartialsFn struct {
	batches batch.Batches
}

func (f *batchPartialsFn) ProcessElement(key string, d days, emit func(int, []byte)) {
	f.batches.Add(batch.Bucket(key), func(b []byte) []byte { return appendPartial(b, key, d) }, emit)
}

func (f *batchPartialsFn) FinishBundle(emit func(int, []byte)) { f.batches.Flush(emit) }

// mergeBatches merges the partials of one bucket's batches and emits one per key.
func mergeBatches(_ int, batches func(*[]byte) bool, emit func(string, days)) error {
	merged := map[string]days{}
	var b []byte
	for batches(&b) {
		err := readPartials(b, func(key string, d days) {
			if cur, ok := merged[key]; ok {
				cur.merge(d)
			} else {
				merged[key] = d
			}
		})
		if err != nil {
			return err
		}
	}
	for key, d := range merged {
		emit(key, d)
	}
	return nil
}

// appendPartial encodes a key and its partial.
func appendPartial(b []byte, key string, d days) []byte {
	b = batch.AppendString(b, key)
	return batch.AppendBytes(b, encodeDays(d))
}

// readPartials decodes a batch made by appendPartial.
func readPartials(b []byte, each func(key string, d days)) error {
	r := batch.NewReader(b)
	for r.More() {
		key, enc := r.String(), r.Bytes()
		if r.Bad() {
			return errBadPartials
		}
		d, err := decodeDays(enc)
		if err != nil {
			return fmt.Errorf("portrait: partial of %q: %w", key, err)
		}
		each(key, d)
	}
	return nil
}

var errBadPartials = errors.New("portrait: corrupt batch of partial accumulators")

func init() {
	register.DoFn3x0[string, days, func(int, []byte)](&batchPartialsFn{})
	register.Function3x1(mergeBatches)
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}
