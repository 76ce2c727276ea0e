package resolve

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Node facts reach the identifier merge in batches. Prism keeps, for every key of an aggregation,
// a pending queue and trigger state (some 600 bytes), and for every element some 200 bytes more
// than its data: at a million persons (5 M identifiers, 6 M facts) that outweighs the facts
// themselves, and it all waits in memory until the last fact is in. Batched per bundle and hash
// bucket, the facts cross the shuffle as a few thousand byte strings under factBuckets keys, as the
// claims of deduplication do (transforms/clean), and each bucket is merged in a map of its own.

// factBuckets is the number of hash buckets of the identifiers: the merge runs per bucket, so it
// bounds that step's parallelism and sets the identifiers one bucket holds (5 M: 20 k a bucket).
const factBuckets = 256

// mergeFacts merges node facts, KV<identifier hash, node>, into one node per identifier: what a
// CombinePerKey with mergeNodes gives, in batches (see above).
func mergeFacts(s beam.Scope, facts beam.PCollection) beam.PCollection {
	s = s.Scope("mergeFacts")
	batches := beam.ParDo(s, &batchFactsFn{}, facts)
	return beam.ParDo(s, mergeBatches, beam.GroupByKey(s, batches))
}

// batchFactsFn merges the facts of a bundle per identifier and sends them on as one batch per hash
// bucket when it holds flushAt identifiers and when the bundle finishes.
type batchFactsFn struct {
	nodes map[string]*node
}

func (f *batchFactsFn) StartBundle(_ func(int, []byte)) { f.nodes = map[string]*node{} }

func (f *batchFactsFn) ProcessElement(idHash string, n node, emit func(int, []byte)) {
	if cur, ok := f.nodes[idHash]; ok {
		*cur = mergeNodes{}.MergeAccumulators(*cur, n)
	} else {
		f.nodes[idHash] = &n
	}
	if len(f.nodes) >= flushAt {
		f.flush(emit)
	}
}

func (f *batchFactsFn) flush(emit func(int, []byte)) {
	var batches [factBuckets][]byte
	for h, n := range f.nodes {
		b := keyHash(h) % factBuckets
		batches[b] = appendFact(batches[b], h, n)
	}
	for b, batch := range batches {
		if len(batch) > 0 {
			emit(b, batch)
		}
	}
	clear(f.nodes)
}

func (f *batchFactsFn) FinishBundle(emit func(int, []byte)) { f.flush(emit) }

// mergeBatches merges the facts of one bucket's batches and emits one node per identifier.
func mergeBatches(_ int, batches func(*[]byte) bool, emit func(string, node)) error {
	nodes := map[string]*node{}
	var batch []byte
	for batches(&batch) {
		err := readFacts(batch, func(h string, n node) {
			if cur, ok := nodes[h]; ok {
				*cur = mergeNodes{}.MergeAccumulators(*cur, n)
			} else {
				nodes[h] = &n
			}
		})
		if err != nil {
			return err
		}
	}
	for h, n := range nodes {
		emit(h, *n)
	}
	return nil
}

// appendFact encodes an identifier's hash and its node: strings and lists with their lengths as
// uvarints, the score as its 64 bits.
func appendFact(b []byte, idHash string, n *node) []byte {
	b = appendString(b, idHash)
	b = appendString(b, n.Key)
	b = appendStrings(b, n.Accounts)
	b = appendStrings(b, n.Partners)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(n.Score))
	return appendString(b, n.Prev)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// readFacts decodes a batch made by appendFact.
func readFacts(b []byte, each func(idHash string, n node)) error {
	r := factReader{b: b}
	for len(r.b) > 0 {
		h := r.string()
		n := node{Key: r.string(), Accounts: r.strings(), Partners: r.strings(), Score: r.float(), Prev: r.string()}
		if r.bad {
			return errBadFacts
		}
		each(h, n)
	}
	return nil
}

var errBadFacts = errors.New("resolve: corrupt batch of node facts")

// factReader reads a batch; bad is set by the first value that does not decode.
type factReader struct {
	b   []byte
	bad bool
}

func (r *factReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *factReader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *factReader) strings() []string {
	n := r.uvarint()
	if n > uint64(len(r.b)) { // each string takes at least a byte
		r.bad, r.b = true, nil
		return nil
	}
	var out []string
	for range n {
		out = append(out, r.string())
	}
	return out
}

func (r *factReader) float() float64 {
	if len(r.b) < 8 {
		r.bad, r.b = true, nil
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return v
}

func init() {
	register.DoFn3x0[string, node, func(int, []byte)](&batchFactsFn{})
	register.Function3x1(mergeBatches)
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}
