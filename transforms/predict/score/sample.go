package score

import (
	"cmp"
	"container/heap"
	"slices"
)

// Sample is the bounded training sample of the labelled rows, a mergeable accumulator: the rows of
// at most Max persons with the smallest sample keys among everyone, and as many among the buyers,
// with the counts of every labelled row seen. The persons kept do not depend on the order rows
// arrive or accumulators merge, so the sample is the same on every run of one seed.
type Sample struct {
	// Max bounds each of All and Buyers.
	Max int
	// All and Buyers are max-heaps by (Key, PersonID): the kept row with the largest key on top,
	// the first to go when a smaller one arrives.
	All, Buyers rowHeap
	// Labelled and Bought count every labelled row and its positive labels; BuyersLabelled and
	// BuyersBought count the buyers among them.
	Labelled, Bought, BuyersLabelled, BuyersBought int64
}

// NewSample returns an empty sample of at most max rows per population.
func NewSample(max int) *Sample { return &Sample{Max: max} }

// Add counts a labelled row and keeps it when it is among the smallest keys.
func (s *Sample) Add(r Row) {
	s.Labelled++
	if r.Bought {
		s.Bought++
	}
	s.All.keep(r, s.Max)
	if r.Buyer {
		s.BuyersLabelled++
		if r.Bought {
			s.BuyersBought++
		}
		s.Buyers.keep(r, s.Max)
	}
}

// Merge adds another sample's counts and rows.
func (s *Sample) Merge(o *Sample) {
	s.Labelled += o.Labelled
	s.Bought += o.Bought
	s.BuyersLabelled += o.BuyersLabelled
	s.BuyersBought += o.BuyersBought
	for _, r := range o.All {
		s.All.keep(r, s.Max)
	}
	for _, r := range o.Buyers {
		s.Buyers.keep(r, s.Max)
	}
}

// Rows returns the kept rows of everyone and of the buyers, each sorted by person id.
func (s *Sample) Rows() (all, buyers []Row) {
	return sortedRows(s.All), sortedRows(s.Buyers)
}

func sortedRows(h rowHeap) []Row {
	out := slices.Clone([]Row(h))
	slices.SortFunc(out, func(a, b Row) int { return cmp.Compare(a.PersonID, b.PersonID) })
	return out
}

// rowHeap is a max-heap of rows by (Key, PersonID), for container/heap.
type rowHeap []Row

func (h rowHeap) Len() int           { return len(h) }
func (h rowHeap) Less(i, j int) bool { return rowAfter(h[i], h[j]) }
func (h rowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rowHeap) Push(x any)        { *h = append(*h, x.(Row)) }
func (h *rowHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

// rowAfter orders rows by sample key, then person id, descending.
func rowAfter(a, b Row) bool {
	return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.PersonID, b.PersonID)) > 0
}

// keep adds r while fewer than max rows are kept, else replaces the largest when r is smaller.
func (h *rowHeap) keep(r Row, max int) {
	switch {
	case len(*h) < max:
		heap.Push(h, r)
	case max > 0 && rowAfter((*h)[0], r):
		(*h)[0] = r
		heap.Fix(h, 0)
	}
}
