package affinity

import (
	"slices"
	"sort"
)

// pathSet is a list of weighted item paths (ranks ascending) in one buffer.
type pathSet struct {
	items  []int32
	ends   []int // path i is items[ends[i-1]:ends[i]]
	counts []int
}

func (p *pathSet) add(path []int32, count int) {
	p.items = append(p.items, path...)
	p.ends = append(p.ends, len(p.items))
	p.counts = append(p.counts, count)
}

func (p *pathSet) path(i int) []int32 {
	start := 0
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.items[start:p.ends[i]]
}

// fpTree is a prefix tree of paths. Node 0 is the root; every other node
// stands for one item at the end of a shared prefix.
type fpTree struct {
	items  []int32   // the ranks in the tree, ascending
	totals []int     // totals[i]: count of items[i] over the tree
	nodes  [][]int32 // nodes[i]: the nodes of items[i]
	item   []int32   // item[node]: index into items
	parent []int32
	count  []int
}

// buildTree builds the prefix tree of paths, all of whose items are in
// items (sorted ascending), with their totals.
func buildTree(paths *pathSet, items []int32, totals []int) *fpTree {
	t := &fpTree{items: items, totals: totals, nodes: make([][]int32, len(items)),
		item: []int32{-1}, parent: []int32{-1}, count: []int{0}}
	order := make([]int, len(paths.counts))
	for i := range order {
		order[i] = i
	}
	// Sorted paths share each prefix with a run of neighbours, so the tree
	// grows along one stack of the current path with no child lookups.
	slices.SortFunc(
		order,
		func(a, b int) int { return slices.Compare(paths.path(a), paths.path(b)) },
	)
	var prev []int32
	stack := []int32{0}
	for _, i := range order {
		p := paths.path(i)
		common := 0
		for common < len(p) && common < len(prev) && p[common] == prev[common] {
			common++
		}
		stack = stack[:common+1]
		for _, it := range p[common:] {
			local := int32(sort.Search(len(items), func(k int) bool { return items[k] >= it }))
			node := int32(len(t.item))
			t.item = append(t.item, local)
			t.parent = append(t.parent, stack[len(stack)-1])
			t.count = append(t.count, 0)
			t.nodes[local] = append(t.nodes[local], node)
			stack = append(stack, node)
		}
		for _, node := range stack[1:] {
			t.count[node] += paths.counts[i]
		}
		prev = p
	}
	return t
}

// miner runs FP-growth over one encoding.
type miner struct {
	minCount, maxLen int
	out              itemsets
}

// frequentItemsets returns every itemset of at most maxLen items held by at
// least enc.minCount transactions.
func (enc *encoded) frequentItemsets(maxLen int) itemsets {
	m := &miner{minCount: enc.minCount, maxLen: maxLen, out: itemsets{}}
	items := make([]int32, len(enc.names))
	for i := range items {
		items[i] = int32(i)
	}
	m.grow(buildTree(&enc.paths, items, enc.counts), nil)
	return m.out
}

// grow records every frequent extension of suffix (items in descending
// rank) found in t, the conditional tree of suffix.
func (m *miner) grow(t *fpTree, suffix []int32) {
	for li, it := range t.items {
		set := append(slices.Clip(suffix), it)
		key := slices.Clone(set)
		slices.Reverse(key)
		m.out[itemsetKey(key)] = t.totals[li]
		if len(set) >= m.maxLen || li == 0 {
			continue
		}
		if cond := m.conditional(t, li); cond != nil {
			m.grow(cond, set)
		}
	}
}

// conditional builds the tree of the prefixes of t's items[li] nodes,
// keeping the items frequent among them; nil when none is.
func (m *miner) conditional(t *fpTree, li int) *fpTree {
	totals := make([]int, li) // only items ranked before items[li] are on its prefixes
	for _, node := range t.nodes[li] {
		c := t.count[node]
		for p := t.parent[node]; p != 0; p = t.parent[p] {
			totals[t.item[p]] += c
		}
	}
	var items []int32
	var kept []int
	for i, c := range totals {
		if c >= m.minCount {
			items = append(items, t.items[i])
			kept = append(kept, c)
		}
	}
	if len(items) == 0 {
		return nil
	}
	var paths pathSet
	var row []int32
	for _, node := range t.nodes[li] {
		row = row[:0]
		for p := t.parent[node]; p != 0; p = t.parent[p] {
			if totals[t.item[p]] >= m.minCount {
				row = append(row, t.items[t.item[p]])
			}
		}
		if len(row) > 0 {
			slices.Reverse(row)
			paths.add(row, t.count[node])
		}
	}
	return buildTree(&paths, items, kept)
}
