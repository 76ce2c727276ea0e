package portrait

import (
	"math/bits"
	"slices"
)

// The RFM scores rank buyers by quintile of a global histogram rather than of the exact values: a
// histogram merges in any order, takes a few kilobytes on the worker that combines it, and needs no
// second pass. Below 128 a bucket holds one value (days since the last order and purchase days are
// exact in practice); above, 64 buckets per power of two keep every bucket within 1/64 (1.6%) of
// its lower bound, which is all the precision a 1-5 score needs for GMV. Buyers with equal values
// always get equal scores, so a score may be skipped when many buyers tie (most buyers have one
// purchase day).

// bucket maps a non-negative value to its histogram bucket; negative values go to bucket 0.
func bucket(v int64) int32 {
	if v < 128 {
		return int32(max(v, 0))
	}
	e := bits.Len64(uint64(v)) - 7
	return int32(e*64) + int32(v>>e)
}

// bucketFloor is the smallest value of a bucket.
func bucketFloor(b int32) int64 {
	if b < 128 {
		return int64(b)
	}
	e := b/64 - 1
	return int64(b-e*64) << e
}

// histogram counts values per bucket.
type histogram map[int32]int64

func (h histogram) add(v int64) { h[bucket(v)]++ }

func (h histogram) merge(o histogram) {
	for b, n := range o {
		h[b] += n
	}
}

// quintiles returns the lower bounds of the buckets that hold the 20th, 40th, 60th and 80th
// percentiles: cut k is the first bucket at or below which at least k fifths of the values fall.
// It is nil for an empty histogram.
func (h histogram) quintiles() []int64 {
	var n int64
	keys := make([]int32, 0, len(h))
	for b, c := range h {
		keys = append(keys, b)
		n += c
	}
	if n == 0 {
		return nil
	}
	slices.Sort(keys)
	cuts := make([]int64, 0, 4)
	var cum int64
	for _, b := range keys {
		cum += h[b]
		for len(cuts) < 4 && cum*5 >= int64(len(cuts)+1)*n {
			cuts = append(cuts, bucketFloor(b))
		}
	}
	return cuts
}

// above counts the cuts whose bucket lies below v's bucket.
func above(cuts []int64, v int64) int32 {
	var n int32
	b := bucket(v)
	for _, c := range cuts {
		if b > bucket(c) {
			n++
		}
	}
	return n
}

// scoreHigh is the 1-5 score of v where higher values score higher; 0 (null) without cuts.
func scoreHigh(cuts []int64, v int64) int32 {
	if len(cuts) != 4 {
		return 0
	}
	return 1 + above(cuts, v)
}

// scoreLow is the 1-5 score of v where lower values score higher; 0 (null) without cuts.
func scoreLow(cuts []int64, v int64) int32 {
	if len(cuts) != 4 {
		return 0
	}
	return 5 - above(cuts, v)
}
