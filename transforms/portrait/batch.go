package portrait

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/zeebo/xxh3"
)

// Partial accumulators reach their merge in batches. Prism keeps, for every key of an aggregation,
// a pending queue and trigger state (some 600 bytes), and for every element some 200 bytes more
// than its data, until the last input is in: with a partial per person (or identifier) and bundle,
// that is more than the partials. Sent as one byte batch per bundle and hash bucket, they cross the
// shuffle as a few thousand elements under partialBuckets keys, and each bucket is merged in a map
// of its own, as deduplication's claims and the resolve stage's facts are.

// partialBuckets is the number of hash buckets of the keys: the merge runs per bucket, so it bounds
// that step's parallelism and sets the keys one bucket holds (a million persons: 4 k a bucket).
const partialBuckets = 256

// maxBatchBytes is the encoded partials a bundle buffers before it sends its batches on.
const maxBatchBytes = 8 << 20

// mergePartials merges partial accumulators, KV<string, days>, per key: what a CombinePerKey
// merging them day by day gives, in batches (see above). The upstream DoFns merge per bundle
// already, so the batches only encode.
func mergePartials(s beam.Scope, partials beam.PCollection) beam.PCollection {
	s = s.Scope("mergePartials")
	batches := beam.ParDo(s, &batchPartialsFn{}, partials)
	return beam.ParDo(s, mergeBatches, beam.GroupByKey(s, batches))
}

// batchPartialsFn appends each partial, with its key, to its bucket's batch, and sends the batches
// on when they hold maxBatchBytes and when the bundle finishes.
type batchPartialsFn struct {
	batches [partialBuckets][]byte
	size    int
}

func (f *batchPartialsFn) ProcessElement(key string, d days, emit func(int, []byte)) {
	b := xxh3.HashString(key) % partialBuckets
	n := len(f.batches[b])
	f.batches[b] = appendPartial(f.batches[b], key, d)
	f.size += len(f.batches[b]) - n
	if f.size >= maxBatchBytes {
		f.flush(emit)
	}
}

func (f *batchPartialsFn) flush(emit func(int, []byte)) {
	for b, batch := range f.batches {
		if len(batch) > 0 {
			emit(b, batch)
			f.batches[b] = nil
		}
	}
	f.size = 0
}

func (f *batchPartialsFn) FinishBundle(emit func(int, []byte)) { f.flush(emit) }

// mergeBatches merges the partials of one bucket's batches and emits one per key.
func mergeBatches(_ int, batches func(*[]byte) bool, emit func(string, days)) error {
	merged := map[string]days{}
	var batch []byte
	for batches(&batch) {
		err := readPartials(batch, func(key string, d days) {
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

// appendPartial encodes a key and its partial, each prefixed by its length.
func appendPartial(b []byte, key string, d days) []byte {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	enc := encodeDays(d)
	b = binary.AppendUvarint(b, uint64(len(enc)))
	return append(b, enc...)
}

// readPartials decodes a batch made by appendPartial.
func readPartials(b []byte, each func(key string, d days)) error {
	for len(b) > 0 {
		key, rest, ok := cutLength(b)
		if !ok {
			return errBadPartials
		}
		enc, rest, ok := cutLength(rest)
		if !ok {
			return errBadPartials
		}
		d, err := decodeDays(enc)
		if err != nil {
			return fmt.Errorf("portrait: partial of %q: %w", key, err)
		}
		each(string(key), d)
		b = rest
	}
	return nil
}

var errBadPartials = errors.New("portrait: corrupt batch of partial accumulators")

// cutLength splits a length-prefixed value off b.
func cutLength(b []byte) (value, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, false
	}
	return b[k : k+int(n)], b[k+int(n):], true
}

func init() {
	register.DoFn3x0[string, days, func(int, []byte)](&batchPartialsFn{})
	register.Function3x1(mergeBatches)
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}
