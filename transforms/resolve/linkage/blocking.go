package linkage

import (
	"slices"
)

// Pair is a candidate pair of record indices, A < B.
type Pair struct {
	A, B int32
}

// BlockStats reports what blocking produced.
type BlockStats struct {
	// Rules reports each rule, in Config.Blocking order.
	Rules []RuleStats
	// Candidates is the number of distinct candidate pairs (the pairs compared).
	Candidates int
	// AllPairs is n(n-1)/2, the pairs a full comparison would make.
	AllPairs int64
}

// RuleStats reports one blocking rule.
type RuleStats struct {
	// Name is the rule's name.
	Name string
	// Blocks is the number of keys shared by at least two records.
	Blocks int
	// Pairs is the number of pairs the rule made.
	Pairs int
	// NewPairs is the number of those pairs that no earlier rule made.
	NewPairs int
	// SkippedBlocks counts blocks over max_block_size, whose pairs were not made.
	SkippedBlocks int
	// SkippedRecords counts the records in the skipped blocks.
	SkippedRecords int
}

// Block returns the candidate pairs: the union, without duplicates, of the pairs of records
// sharing a key under each blocking rule, sorted by (A, B).
func (l *Linker) Block(recs []Record) ([]Pair, BlockStats) {
	n := int64(len(recs))
	st := BlockStats{AllPairs: n * (n - 1) / 2}
	seen := map[uint64]struct{}{}
	var pairs []Pair
	for r, rule := range l.cfg.Blocking {
		rs := RuleStats{Name: rule.Name}
		blocks := map[string][]int32{}
		var order []string
		for i := range recs {
			k := recs[i].Keys[r]
			if k == "" {
				continue
			}
			if _, ok := blocks[k]; !ok {
				order = append(order, k)
			}
			blocks[k] = append(blocks[k], int32(i))
		}
		for _, k := range order {
			members := blocks[k]
			if len(members) < 2 {
				continue
			}
			rs.Blocks++
			if len(members) > l.cfg.MaxBlockSize {
				rs.SkippedBlocks++
				rs.SkippedRecords += len(members)
				continue
			}
			for x := 0; x < len(members); x++ {
				for y := x + 1; y < len(members); y++ {
					a, b := members[x], members[y]
					rs.Pairs++
					key := uint64(a)<<32 | uint64(b)
					if _, dup := seen[key]; dup {
						continue
					}
					seen[key] = struct{}{}
					pairs = append(pairs, Pair{A: a, B: b})
					rs.NewPairs++
				}
			}
		}
		st.Rules = append(st.Rules, rs)
	}
	slices.SortFunc(pairs, func(p, q Pair) int {
		if p.A != q.A {
			return int(p.A - q.A)
		}
		return int(p.B - q.B)
	})
	st.Candidates = len(pairs)
	return pairs, st
}
