// Package batch carries many small records through a shuffle as byte batches, one per bundle and
// hash bucket, instead of one element per record.
//
// Why: Prism (Beam 2.77) keeps, for every key of an aggregation, a pending queue and trigger state
// (some 600 bytes), and for every element some 200 bytes beside its data, all in memory until the
// aggregation's last input is in; it also hands an aggregation's whole input to one bundle. With an
// element per record and a key per identifier or person that bookkeeping outweighs the records.
// Records encoded into a batch per bucket cross the shuffle as a few thousand elements under a few
// hundred keys, and the step after the shuffle merges one bucket at a time in a map of its own.
// Deduplication's claims (which are then written to files, see clean.Claims), the resolve stage's
// node facts and the portrait stage's partial accumulators go this way.
//
// The encoding is the caller's, built from the Append functions here and read back with a Reader:
// lengths and integers as varints (zig-zag for signed ones), strings and byte strings prefixed by
// their length, fixed 64-bit values little-endian.
package batch

import (
	"encoding/binary"
	"math"

	"github.com/zeebo/xxh3"
)

// Buckets is the number of hash buckets the callers use: it bounds the parallelism of the step
// after the shuffle and sets the records one bucket holds (5 M identifiers: 20 k a bucket).
const Buckets = 256

// MaxBytes is how many encoded bytes a bundle buffers before it sends its batches on.
const MaxBytes = 8 << 20

// Bucket is the bucket of a key: XXH3 (zeebo/xxh3, stable across processes and machines, so that
// every worker puts a key in the same bucket) modulo Buckets.
func Bucket(key string) int { return int(xxh3.HashString(key) % Buckets) }

// Batches buffers a bundle's encoded records per bucket. The zero value is ready to use.
type Batches struct {
	batches [Buckets][]byte
	size    int
}

// Add appends a record to bucket b with enc, which appends the record's encoding to its argument,
// and sends every batch on once they hold MaxBytes.
func (bs *Batches) Add(b int, enc func([]byte) []byte, emit func(int, []byte)) {
	n := len(bs.batches[b])
	bs.batches[b] = enc(bs.batches[b])
	bs.size += len(bs.batches[b]) - n
	if bs.size >= MaxBytes {
		bs.Flush(emit)
	}
}

// Flush sends every batch that holds a record on, as (bucket, batch), and starts afresh.
func (bs *Batches) Flush(emit func(int, []byte)) {
	for b, batch := range bs.batches {
		if len(batch) > 0 {
			emit(b, batch)
			bs.batches[b] = nil
		}
	}
	bs.size = 0
}

// AppendString appends s prefixed by its length.
func AppendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends p prefixed by its length.
func AppendBytes(b, p []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p)))
	return append(b, p...)
}

// AppendStrings appends the number of strings, then each prefixed by its length.
func AppendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = AppendString(b, s)
	}
	return b
}

// AppendFloat64 appends f's 64 bits.
func AppendFloat64(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

// Reader reads a batch back. The first value that does not decode makes Bad true and every later
// read return a zero value, so a caller checks Bad once per record.
type Reader struct {
	b   []byte
	bad bool
}

// NewReader reads b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// More reports whether bytes are left and none failed to decode.
func (r *Reader) More() bool { return len(r.b) > 0 && !r.bad }

// Bad reports whether a value failed to decode.
func (r *Reader) Bad() bool { return r.bad }

func (r *Reader) fail() {
	r.bad, r.b = true, nil
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a zig-zag varint (binary.AppendVarint).
func (r *Reader) Varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Uint64 reads 64 bits, little-endian.
func (r *Reader) Uint64() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

// Float64 reads what AppendFloat64 wrote.
func (r *Reader) Float64() float64 { return math.Float64frombits(r.Uint64()) }

// Bytes reads what AppendBytes wrote; the result aliases the batch.
func (r *Reader) Bytes() []byte {
	n := r.Uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// String reads what AppendString wrote.
func (r *Reader) String() string { return string(r.Bytes()) }

// Strings reads what AppendStrings wrote; none is nil.
func (r *Reader) Strings() []string {
	n := r.Uvarint()
	if n > uint64(len(r.b)) { // each string takes a byte at least
		r.fail()
		return nil
	}
	var out []string
	for range n {
		out = append(out, r.String())
	}
	return out
}
