package linkage

// UnionFind is a disjoint-set forest over the integers 0..n-1 with path compression and union
// by size.
type UnionFind struct {
	parent, size []int32
}

// NewUnionFind returns n singleton sets.
func NewUnionFind(n int) *UnionFind {
	u := &UnionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

// Find returns the representative of x's set.
func (u *UnionFind) Find(x int) int {
	root := int32(x)
	for u.parent[root] != root {
		root = u.parent[root]
	}
	for c := int32(x); u.parent[c] != root; {
		c, u.parent[c] = u.parent[c], root
	}
	return int(root)
}

// Union joins the sets of x and y and reports whether they were distinct.
func (u *UnionFind) Union(x, y int) bool {
	a, b := int32(u.Find(x)), int32(u.Find(y))
	if a == b {
		return false
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
	return true
}

// Cluster joins the records linked by pairs into connected components and returns, for each
// record, its cluster id: the smallest record id (by string order) in its component. The ids
// therefore do not depend on input order or on which pairs were found first.
func Cluster(ids []string, pairs []Pair) []string {
	u := NewUnionFind(len(ids))
	for _, p := range pairs {
		u.Union(int(p.A), int(p.B))
	}
	smallest := map[int]string{}
	for i, id := range ids {
		r := u.Find(i)
		if s, ok := smallest[r]; !ok || id < s {
			smallest[r] = id
		}
	}
	out := make([]string, len(ids))
	for i := range ids {
		out[i] = smallest[u.Find(i)]
	}
	return out
}
