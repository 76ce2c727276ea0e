package clean

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/zeebo/xxh3"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/spill"
)

// DedupeStage is the name of the deduplication stage in quality counts.
const DedupeStage = "dedupe"

// Deduplication keeps one row per natural key: the latest version, then the latest origin
// (schemas.Later), so the result does not depend on processing order. It works in two passes over a
// source's valid rows, which the caller reads twice:
//
//   - Claims reduces the first pass to what the choice needs, a claim per row (the natural key's
//     128-bit hash, version, origin: some 30 bytes), gathered into batches per hash bucket and
//     written to the run's temporary files: the shuffle carries only the files' names, never the
//     rows, their claims nor one element per row. It returns the winning claim of every key that
//     has more than one row (a replay may sit in another file, so every key must be seen) and the
//     quality counts.
//   - KeepLatest filters the second pass with the winners as a side input, in the step that reads
//     the rows: rows never wait in a runner's memory for the choice to be made, provided the second
//     read starts once the winners exist (ingest.ReadAfter). Each DoFn instance holds the winners
//     as a map: some 60 bytes per replayed key (M: 370k keys, 22 MB).
//
// Why read twice: spilling the validated rows to files instead, by key bucket, made the steps after
// this one two to three times dearer (rows in hash order lose the clickstream's time order, which
// the portraits' per-bundle partials and the Parquet writer gain from), and spilling them in read
// order cost as much as the second read saved (BENCHMARKS.md, "2026-12-05").
//
// Keys are compared by their XXH3 128-bit hash (zeebo/xxh3, fast and stable across processes):
// two distinct keys of one source would share a hash with a probability of about n²/2¹²⁹, below
// 10⁻²² for a billion rows, and the claims carry 16 bytes instead of the key.
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
		return claim{}, fmt.Errorf(
			"clean: row read from %s, which is not among the source's files",
			o.File,
		)
	}
	return claim{
		Version:  k.Version(),
		File:     file,
		RowGroup: o.RowGroup,
		Offset:   o.Offset,
		Line:     o.Line,
	}, nil
}

// keyHash is a natural key's 128-bit hash.
type keyHash = xxh3.Uint128

func hashKey(key string) keyHash { return xxh3.HashString128(key) }

// winner is the claim that wins among the rows of a key seen more than once.
type winner struct {
	Hi, Lo uint64 // the key's hash
	Best   claim
}

// Claims picks the winning claim of every natural key that has more than one row. rows are
// KV<natural key, row> as Validate emits them (a pass that is not counted, see ValidRows); files
// are every file the source's rows can come from; dir is a folder of the run's temporary files
// where the claims wait for the choice (see claimsFn). winners are winner values for KeepLatest,
// and counts are the stage's quality counts: per source, in = out + deduplicated.
func Claims(
	s beam.Scope,
	source string,
	rows beam.PCollection,
	files []string,
	dir string,
) (winners, counts beam.PCollection) {
	s = s.Scope("clean.Claims." + source)
	spills := beam.ParDo(s, &claimsFn{Files: files, Dir: sink.Join(ClaimsDir(dir), source)}, rows)
	return beam.ParDo2(s, &winnersFn{Source: source}, beam.GroupByKey(s, spills))
}

// ClaimsDir is where Claims writes under the run's temporary folder dir: nothing reads it once the
// pipeline that made the claims has finished.
func ClaimsDir(dir string) string { return sink.Join(dir, "claims") }

// claimsFn appends each row's claim to its bucket's batch (package batch; the bucket is the key
// hash's low half modulo batch.Buckets) and spills the batches to files under Dir (package spill):
// at a million persons over 90 days the claims are 4.5 GB, more than Prism can hand a bundle.
type claimsFn struct {
	Files []string
	Dir   string

	ranks fileRanks
	spill *spill.Writer
}

func (f *claimsFn) Setup() {
	f.ranks = newFileRanks(f.Files)
	f.spill = spill.NewWriter(f.Dir, "claims")
}

func (f *claimsFn) ProcessElement(
	ctx context.Context,
	key string,
	row beam.X,
	emit func(int, string),
) error {
	c, err := f.ranks.claimOf(row)
	if err != nil {
		return err
	}
	h := hashKey(key)
	if err := f.spill.Add(ctx, int(h.Lo%batch.Buckets),
		func(b []byte) []byte { return appendClaim(b, h, c) }, emit); err != nil {
		return fmt.Errorf("clean: spilling claims: %w", err)
	}
	return nil
}

func (f *claimsFn) FinishBundle(ctx context.Context, emit func(int, string)) error {
	if err := f.spill.Finish(ctx, emit); err != nil {
		return fmt.Errorf("clean: spilling claims: %w", err)
	}
	return nil
}

// appendClaim encodes a key's hash and its claim: the hash in 16 bytes, the claim as varints.
func appendClaim(b []byte, h keyHash, c claim) []byte {
	b = binary.LittleEndian.AppendUint64(b, h.Hi)
	b = binary.LittleEndian.AppendUint64(b, h.Lo)
	b = binary.AppendVarint(b, c.Version)
	b = binary.AppendUvarint(b, uint64(c.File))
	b = binary.AppendUvarint(b, uint64(c.RowGroup))
	b = binary.AppendVarint(b, c.Offset)
	return binary.AppendVarint(b, c.Line)
}

// readClaims decodes a batch made by appendClaim.
func readClaims(b []byte, each func(h keyHash, c claim)) error {
	r := batch.NewReader(b)
	for r.More() {
		h := keyHash{Hi: r.Uint64(), Lo: r.Uint64()}
		c := claim{
			Version:  r.Varint(),
			File:     int32(r.Uvarint()),
			RowGroup: int32(r.Uvarint()),
			Offset:   r.Varint(),
			Line:     r.Varint(),
		}
		if r.Bad() {
			return errBadBatch
		}
		each(h, c)
	}
	return nil
}

var errBadBatch = errors.New("clean: corrupt batch of claims")

// winnersFn picks the winning claim per key of one group of buckets, a bucket at a time, and
// counts the group's rows.
type winnersFn struct {
	Source string
}

// tally is a key's winning claim and its number of rows.
type tally struct {
	best claim
	rows int64
}

func (f *winnersFn) ProcessElement(
	ctx context.Context,
	_ int,
	paths func(*string) bool,
	emit func(winner),
	count func(string, int64),
) error {
	buckets, err := spill.Read(ctx, paths)
	if err != nil {
		return fmt.Errorf("source %s: claims: %w", f.Source, err)
	}
	var in, out int64
	keys := map[keyHash]tally{}
	for _, batches := range buckets {
		clear(keys)
		for _, b := range batches {
			err := readClaims(b.Data, func(h keyHash, c claim) {
				t, seen := keys[h]
				if !seen {
					keys[h] = tally{best: c, rows: 1}
					return
				}
				t.rows++
				if c.later(t.best) {
					t.best = c
				}
				keys[h] = t
			})
			if err != nil {
				return fmt.Errorf("source %s: %s: %w", f.Source, b.Path, err)
			}
		}
		for h, t := range keys {
			in += t.rows
			if t.rows > 1 {
				emit(winner{Hi: h.Hi, Lo: h.Lo, Best: t.best})
			}
		}
		out += int64(len(keys))
	}
	counts := quality.Tally{}
	key := quality.Key{Source: f.Source, Stage: DedupeStage}
	key.Measure = quality.In
	counts.Add(key, in)
	key.Measure = quality.Out
	counts.Add(key, out)
	if in > out {
		key.Measure = quality.Deduplicated
		counts.Add(key, in-out)
	}
	counts.Emit(ctx, count)
	return nil
}

// KeepLatest drops the rows (KV<natural key, row>) that lose to another row of their key, given the
// winners made by Claims over the same rows, and returns the rows alone.
func KeepLatest(
	s beam.Scope,
	source string,
	rows, winners beam.PCollection,
	files []string,
) beam.PCollection {
	s = s.Scope("clean.KeepLatest." + source)
	return beam.ParDo(
		s,
		&keepFn{Files: files},
		rows,
		beam.SideInput{Input: settle.Whole(s, winners)},
	)
}

// keepFn keeps a row unless its key has a winner and the row's claim is not it. It takes the
// winners re-iterable (func() func(*winner) bool), as every DoFn here that keeps a side input as a
// map: the Go SDK opens a plain iterator side input before every element, a re-iterable one only
// when the DoFn reads it.
type keepFn struct {
	Files []string

	ranks   fileRanks
	winners map[keyHash]claim
}

func (f *keepFn) Setup() { f.ranks = newFileRanks(f.Files) }

func (f *keepFn) ProcessElement(
	key string,
	row beam.X,
	winners func() func(*winner) bool,
	emit func(beam.X),
) error {
	if f.winners == nil {
		f.winners = map[keyHash]claim{}
		var w winner
		for next := winners(); next(&w); {
			f.winners[keyHash{Hi: w.Hi, Lo: w.Lo}] = w.Best
		}
	}
	best, dup := f.winners[hashKey(key)]
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
	fnreg.DoFn4x1[context.Context, string, beam.X, func(int, string), error](&claimsFn{})
	register.Emitter2[int, string]()
	fnreg.DoFn5x1[context.Context, int, func(*string) bool, func(winner), func(string, int64), error](
		&winnersFn{},
	)
	register.Iter1[string]()
	register.Emitter1[winner]()
	fnreg.DoFn4x1[string, beam.X, func() func(*winner) bool, func(beam.X), error](&keepFn{})
	register.Iter1[winner]()
	register.Emitter1[beam.X]()
	beam.RegisterType(reflect.TypeOf(claim{}))
	beam.RegisterType(reflect.TypeOf(winner{}))
}
