package resolve

import (
	"encoding/binary"
	"errors"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fanin"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// mergeFacts merges node facts, KV<identifier hash, node>, from any number of collections into
// one node per identifier: what a CombinePerKey with mergeNodes gives, with the facts crossing the
// shuffle in byte batches per bundle and hash bucket (package batch: Prism's state per key and
// element of an aggregation outweighs 5 M identifiers' facts at a million persons). Each
// collection is batched before the collections meet (package fanin).
func mergeFacts(s beam.Scope, facts ...beam.PCollection) beam.PCollection {
	s = s.Scope("mergeFacts")
	return beam.ParDo(
		s,
		mergeBatches,
		beam.GroupByKey(s, fanin.ParDo(s, &batchFactsFn{}, facts...)),
	)
}

// batchFactsFn appends each fact, with its identifier's hash, to its bucket's batch. The facts
// that matter by number come from extractFn, merged per bundle already, so the batches only encode.
type batchFactsFn struct {
	batches batch.Batches
}

func (f *batchFactsFn) ProcessElement(idHash string, n node, emit func(int, []byte)) {
	f.batches.Add(
		batch.Bucket(idHash),
		func(b []byte) []byte { return appendFact(b, idHash, &n) },
		emit,
	)
}

func (f *batchFactsFn) FinishBundle(emit func(int, []byte)) { f.batches.Flush(emit) }

// mergeBatches merges the facts of one bucket's batches and emits one node per identifier.
func mergeBatches(_ int, batches func(*[]byte) bool, emit func(string, node)) error {
	nodes := map[string]*node{}
	var b []byte
	for batches(&b) {
		err := readFacts(b, func(h string, n node) {
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

// appendFact encodes an identifier's hash and its node.
func appendFact(b []byte, idHash string, n *node) []byte {
	b = batch.AppendString(b, idHash)
	b = batch.AppendString(b, n.Key)
	b = batch.AppendStrings(b, n.Accounts)
	b = batch.AppendStrings(b, n.Partners)
	b = batch.AppendFloat64(b, n.Score)
	return batch.AppendString(b, n.Prev)
}

// readFacts decodes a batch made by appendFact.
func readFacts(b []byte, each func(idHash string, n node)) error {
	r := batch.NewReader(b)
	for r.More() {
		h := r.String()
		n := node{
			Key:      r.String(),
			Accounts: r.Strings(),
			Partners: r.Strings(),
			Score:    r.Float64(),
			Prev:     r.String(),
		}
		if r.Bad() {
			return errBadFacts
		}
		each(h, n)
	}
	return nil
}

var errBadFacts = errors.New("resolve: corrupt batch of node facts")

// appendMember encodes a member with the key it travels under (its representative, root or part).
func appendMember(b []byte, key string, m *member) []byte {
	b = batch.AppendString(b, key)
	b = batch.AppendString(b, m.IDHash)
	b = batch.AppendString(b, m.Key)
	b = batch.AppendStrings(b, m.Accounts)
	b = batch.AppendStrings(b, m.Partners)
	b = batch.AppendFloat64(b, m.Score)
	b = batch.AppendString(b, m.Prev)
	b = batch.AppendString(b, m.Guard)
	return binary.AppendUvarint(b, uint64(m.PartSize))
}

// readMembers decodes a batch made by appendMember.
func readMembers(b []byte, each func(key string, m member)) error {
	r := batch.NewReader(b)
	for r.More() {
		key := r.String()
		m := member{
			IDHash:   r.String(),
			Key:      r.String(),
			Accounts: r.Strings(),
			Partners: r.Strings(),
			Score:    r.Float64(),
			Prev:     r.String(),
			Guard:    r.String(),
			PartSize: int32(r.Uvarint()),
		}
		if r.Bad() {
			return errBadMembers
		}
		each(key, m)
	}
	return nil
}

var errBadMembers = errors.New("resolve: corrupt batch of members")

func init() {
	fnreg.DoFn3x0[string, node, func(int, []byte)](&batchFactsFn{})
	register.Function3x1(mergeBatches)
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}
