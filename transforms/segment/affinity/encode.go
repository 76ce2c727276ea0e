package affinity

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// encoded holds the transactions recoded as ranks of their frequent items:
// rank 0 is the most frequent item, ties broken by name.
type encoded struct {
	names    []string // names[rank]
	counts   []int    // counts[rank]: transactions holding the item
	minCount int      // least count of a frequent itemset
	paths    pathSet  // the transactions, frequent items only, ranks ascending
}

// encode counts the items of transactions (each once per transaction) and
// keeps those in at least minCount transactions.
func encode(transactions [][]string, minCount int) *encoded {
	ids := map[string]int32{}
	var names []string
	var counts []int
	var seen []int // seen[id]: 1 + the last transaction that counted id
	for t, tx := range transactions {
		for _, name := range tx {
			id, ok := ids[name]
			if !ok {
				id = int32(len(names))
				ids[name] = id
				names = append(names, name)
				counts = append(counts, 0)
				seen = append(seen, 0)
			}
			if seen[id] != t+1 {
				seen[id] = t + 1
				counts[id]++
			}
		}
	}
	var frequent []int32
	for id, c := range counts {
		if c >= minCount {
			frequent = append(frequent, int32(id))
		}
	}
	slices.SortFunc(frequent, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(names[a], names[b])
	})
	rank := make([]int32, len(names))
	for i := range rank {
		rank[i] = -1
	}
	enc := &encoded{
		minCount: minCount,
		names:    make([]string, len(frequent)),
		counts:   make([]int, len(frequent)),
	}
	for r, id := range frequent {
		rank[id] = int32(r)
		enc.names[r] = names[id]
		enc.counts[r] = counts[id]
	}
	var row []int32
	for _, tx := range transactions {
		row = row[:0]
		for _, name := range tx {
			if r := rank[ids[name]]; r >= 0 {
				row = append(row, r)
			}
		}
		if len(row) == 0 {
			continue
		}
		slices.Sort(row)
		enc.paths.add(slices.Compact(row), 1)
	}
	return enc
}

// itemsets maps the key of each frequent itemset to its count.
type itemsets map[string]int

// itemsetKey encodes ranks sorted ascending as a map key.
func itemsetKey(ranks []int32) string {
	b := make([]byte, 4*len(ranks))
	for i, r := range ranks {
		binary.BigEndian.PutUint32(b[4*i:], uint32(r))
	}
	return string(b)
}

// decodeKey is the inverse of itemsetKey.
func decodeKey(key string) []int32 {
	ranks := make([]int32, len(key)/4)
	for i := range ranks {
		ranks[i] = int32(binary.BigEndian.Uint32([]byte(key[4*i : 4*i+4])))
	}
	return ranks
}
