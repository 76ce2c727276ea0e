package clean

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
)

// DedupeStage is the name of the deduplication stage in quality counts.
const DedupeStage = "dedupe"

// Deduplication keeps one row per natural key: the latest version, then the latest origin
// (schemas.Later), so the result does not depend on processing order. It works in two passes over a
// source's valid rows, which the caller reads twice:
//
//   - Claims reduces the first pass to what the choice needs, a claim per row (natural key,
//     version, origin, some 30 bytes), gathered into batches per hash bucket of the key: the shuffle
//     carries a few thousand byte batches, never the rows nor one element per row. It returns the
//     winning claim of every key that has more than one row (a replay may sit in another file, so
//     every key must be seen) and the quality counts.
//   - KeepLatest filters the second pass with the winners as a side input, in the step that reads
//     the rows: rows never wait in a runner's memory for the choice to be made, provided the second
//     read starts once the winners exist (ingest.ReadAfter). Each DoFn instance holds the winners
//     as a map: some 80 bytes per replayed key (S: 37k keys, 3 MB).
//
// Origins must be unique per row (each line or row of a file is read once), as ingest's tasks are.

// claim is what the choice of a row needs: its version and where it was read, the file given as its
// rank among the source's files in name order, which orders claims as schemas.Later orders rows.
type claim struct {
	Version  int64
	File     int32
	RowGroup int32
	Offset   int64
	Line     int64
}

// later reports whether c wins over d (schemas.Later on claims).
func (c claim) later(d claim) bool {
	switch {
	case c.Version != d.Version:
		return c.Version > d.Version
	case c.File != d.File:
		return c.File > d.File
	case c.RowGroup != d.RowGroup:
		return c.RowGroup > d.RowGroup
	case c.Offset != d.Offset:
		return c.Offset > d.Offset
	}
	return c.Line > d.Line
}

// fileRanks numbers the files in name order.
type fileRanks map[string]int32

func newFileRanks(files []string) fileRanks {
	sorted := slices.Clone(files)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	r := make(fileRanks, len(sorted))
	for i, f := range sorted {
		r[f] = int32(i)
	}
	return r
}

// claimOf is the claim of a cleaned row; a file outside the list is an error of the caller.
func (r fileRanks) claimOf(row beam.X) (claim, error) {
	k, ok := row.(schemas.Keyed)
	if !ok {
		return claim{}, fmt.Errorf("clean: %T is not a cleaned row", row)
	}
	o := k.Origin()
	file, ok := r[o.File]
	if !ok {
		return claim{}, fmt.Errorf("clean: row read from %s, which is not among the source's files", o.File)
	}
	return claim{Version: k.Version(), File: file, RowGroup: o.RowGroup, Offset: o.Offset, Line: o.Line}, nil
}

// claimBuckets is the number of hash buckets of the keys: the winners are picked per bucket, so it
// bounds the parallelism of that step and sets the keys one bucket holds (20 M rows: 80 k a bucket).
const claimBuckets = 256

// maxBatchBytes is the claims a bundle buffers before it sends its batches on.
const maxBatchBytes = 8 << 20

// Claims picks the winning claim of every natural key that has more than one row. rows are
// KV<natural key, row> as Validate emits them (a pass that is not counted, see ValidRows); files
// are every file the source's rows can come from. winners is KV<string, claim> for KeepLatest, and
// counts are the stage's quality counts: per source, in = out + deduplicated.
func Claims(s beam.Scope, source string, rows beam.PCollection, files []string) (winners, counts beam.PCollection) {
	s = s.Scope("clean.Claims." + source)
	batches := beam.ParDo(s, &claimsFn{Files: files}, rows)
	return beam.ParDo2(s, &winnersFn{Source: source}, beam.GroupByKey(s, batches))
}

// claimsFn appends each row's claim to its bucket's batch, and sends the batches on when they hold
// maxBatchBytes and when the bundle finishes.
type claimsFn struct {
	Files []string

	ranks   fileRanks
	batches [claimBuckets][]byte
	size    int
}

func (f *claimsFn) Setup() { f.ranks = newFileRanks(f.Files) }

func (f *claimsFn) ProcessElement(key string, row beam.X, emit func(int, []byte)) error {
	c, err := f.ranks.claimOf(row)
	if err != nil {
		return err
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	b := h.Sum32() % claimBuckets
	n := len(f.batches[b])
	f.batches[b] = appendClaim(f.batches[b], key, c)
	f.size += len(f.batches[b]) - n
	if f.size >= maxBatchBytes {
		f.flush(emit)
	}
	return nil
}

func (f *claimsFn) flush(emit func(int, []byte)) {
	for b, batch := range f.batches {
		if len(batch) > 0 {
			emit(b, batch)
			f.batches[b] = nil
		}
	}
	f.size = 0
}

func (f *claimsFn) FinishBundle(emit func(int, []byte)) { f.flush(emit) }

// appendClaim encodes a key and its claim as varints.
func appendClaim(b []byte, key string, c claim) []byte {
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendVarint(b, c.Version)
	b = binary.AppendUvarint(b, uint64(c.File))
	b = binary.AppendUvarint(b, uint64(c.RowGroup))
	b = binary.AppendVarint(b, c.Offset)
	return binary.AppendVarint(b, c.Line)
}

// readClaims decodes a batch made by appendClaim.
func readClaims(b []byte, each func(key string, c claim)) error {
	r := batchReader{b: b}
	for len(r.b) > 0 {
		n := r.uvarint()
		if r.bad || n > uint64(len(r.b)) {
			return errBadBatch
		}
		key := string(r.b[:n])
		r.b = r.b[n:]
		c := claim{Version: r.varint(), File: int32(r.uvarint()), RowGroup: int32(r.uvarint()), Offset: r.varint(), Line: r.varint()}
		if r.bad {
			return errBadBatch
		}
		each(key, c)
	}
	return nil
}

var errBadBatch = errors.New("clean: corrupt batch of claims")

// batchReader reads varints off a batch; bad is set by the first one that does not decode.
type batchReader struct {
	b   []byte
	bad bool
}

// varint undoes the zig-zag encoding of binary.AppendVarint.
func (r *batchReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *batchReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// winnersFn picks the winning claim per key of one bucket and counts the bucket's rows.
type winnersFn struct {
	Source string
}

// tally is a key's winning claim and its number of rows.
type tally struct {
	best claim
	rows int64
}

func (f *winnersFn) ProcessElement(ctx context.Context, _ int, batches func(*[]byte) bool, emit func(string, claim), count func(string, int64)) error {
	keys := map[string]*tally{}
	var batch []byte
	for batches(&batch) {
		err := readClaims(batch, func(key string, c claim) {
			t := keys[key]
			if t == nil {
				keys[key] = &tally{best: c, rows: 1}
				return
			}
			t.rows++
			if c.later(t.best) {
				t.best = c
			}
		})
		if err != nil {
			return fmt.Errorf("source %s: %w", f.Source, err)
		}
	}
	var in int64
	for key, t := range keys {
		in += t.rows
		if t.rows > 1 {
			emit(key, t.best)
		}
	}
	counts := quality.Counts{}
	key := quality.Key{Source: f.Source, Stage: DedupeStage}
	key.Measure = quality.In
	counts.Add(ctx, key, in)
	key.Measure = quality.Out
	counts.Add(ctx, key, int64(len(keys)))
	if in > int64(len(keys)) {
		key.Measure = quality.Deduplicated
		counts.Add(ctx, key, in-int64(len(keys)))
	}
	counts.Emit(count)
	return nil
}

// KeepLatest drops the rows (KV<natural key, row>) that lose to another row of their key, given the
// winners made by Claims over the same rows, and returns the rows alone.
func KeepLatest(s beam.Scope, source string, rows, winners beam.PCollection, files []string) beam.PCollection {
	s = s.Scope("clean.KeepLatest." + source)
	return beam.ParDo(s, &keepFn{Files: files}, rows, beam.SideInput{Input: winners})
}

// keepFn keeps a row unless its key has a winner and the row's claim is not it.
type keepFn struct {
	Files []string

	ranks   fileRanks
	winners map[string]claim
}

func (f *keepFn) Setup() { f.ranks = newFileRanks(f.Files) }

func (f *keepFn) ProcessElement(key string, row beam.X, winners func(*string, *claim) bool, emit func(beam.X)) error {
	if f.winners == nil {
		f.winners = map[string]claim{}
		var k string
		var c claim
		for winners(&k, &c) {
			f.winners[k] = c
		}
	}
	best, dup := f.winners[key]
	if !dup {
		emit(row)
		return nil
	}
	c, err := f.ranks.claimOf(row)
	if err != nil {
		return err
	}
	if c == best {
		emit(row)
	}
	return nil
}

func init() {
	register.DoFn3x1[string, beam.X, func(int, []byte), error](&claimsFn{})
	register.Emitter2[int, []byte]()
	register.DoFn5x1[context.Context, int, func(*[]byte) bool, func(string, claim), func(string, int64), error](&winnersFn{})
	register.Iter1[[]byte]()
	register.Emitter2[string, claim]()
	register.DoFn4x1[string, beam.X, func(*string, *claim) bool, func(beam.X), error](&keepFn{})
	register.Iter2[string, claim]()
	register.Emitter1[beam.X]()
	beam.RegisterType(reflect.TypeOf(claim{}))
}
