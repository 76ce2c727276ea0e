// Package quantile ranks values by global quantiles computed from a mergeable histogram rather
// than from the exact values: a histogram merges in any order, takes a few kilobytes on the worker
// that combines it, and needs no second pass. The RFM scores and the scorecard grades use it.
//
// Below 128 a bucket holds one value (days and counts are exact in practice); above, 64 buckets
// per power of two keep every bucket within 1/64 (1.6%) of its lower bound, which is all the
// precision a 1-5 score needs for money. Values with equal buckets always get equal scores, so a
// score may be skipped when many values tie (most buyers have one purchase day).
package quantile

import (
	"math/bits"
	"slices"
)

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

// Histogram counts values per bucket. The zero value is not usable: make one with New (or a
// composite literal).
type Histogram map[int32]int64

// New returns an empty histogram.
func New() Histogram { return Histogram{} }

// Add counts one value.
func (h Histogram) Add(v int64) { h[bucket(v)]++ }

// Merge adds o's counts to h.
func (h Histogram) Merge(o Histogram) {
	for b, n := range o {
		h[b] += n
	}
}

// Count is the number of values counted.
func (h Histogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Cuts returns the groups-1 cut points that split the values into groups of equal size: cut k
// is the lower bound of the first bucket at or below which at least k/groups of the values fall.
// Quintiles are Cuts(5). It is nil for an empty histogram.
func (h Histogram) Cuts(groups int) []int64 {
	n := h.Count()
	if n == 0 || groups < 2 {
		return nil
	}
	keys := make([]int32, 0, len(h))
	for b := range h {
		keys = append(keys, b)
	}
	slices.Sort(keys)
	cuts := make([]int64, 0, groups-1)
	var cum int64
	for _, b := range keys {
		cum += h[b]
		for len(cuts) < groups-1 && cum*int64(groups) >= int64(len(cuts)+1)*n {
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

// ScoreHigh is the score of v from 1 to groups, where higher values score higher, given the
// groups-1 cuts of Cuts(groups); 0 (null) when cuts has another length.
func ScoreHigh(cuts []int64, groups int, v int64) int32 {
	if groups < 2 || len(cuts) != groups-1 {
		return 0
	}
	return 1 + above(cuts, v)
}

// ScoreLow is the score of v from 1 to groups, where lower values score higher; 0 (null) when
// cuts has another length than groups-1.
func ScoreLow(cuts []int64, groups int, v int64) int32 {
	if groups < 2 || len(cuts) != groups-1 {
		return 0
	}
	return int32(groups) - above(cuts, v)
}
