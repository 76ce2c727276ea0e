package resolve

import (
	"context"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// part is one person-to-be: a connected component, or a piece of one the per-person cap cut.
type part struct {
	Key            string // the smallest member key: names the part within the night
	Members        int32
	Accounts       int32
	Probabilistic  int32
	PrimaryAccount string
	Types          string   // member types, sorted, joined by |
	Prev           []string // last night's person ids of members, sorted
	PrevCounts     []int64  // members of each
}

// sideMap reads a KV<string, string> side input, taken re-iterable (the Go SDK opens a plain
// iterator before every element), into a map.
func sideMap(kv func() func(*string, *string) bool) map[string]string {
	m := map[string]string{}
	var k, v string
	for next := kv(); next(&k, &v); {
		m[k] = v
	}
	return m
}

// rootFn moves each member from its representative to the root of the representative's component
// (itself when the reduced graph never saw it). The labels side input is built into a map once.
type rootFn struct {
	roots map[string]string
}

func (f *rootFn) ProcessElement(rep string, m member, labels func() func(*string, *string) bool, emit func(string, member)) {
	if f.roots == nil {
		f.roots = sideMap(labels)
	}
	if root, ok := f.roots[rep]; ok {
		rep = root
	}
	emit(rep, m)
}

// assembleFn turns one component's members into parts: the whole component, or, when it holds
// more accounts than a person may, the pieces that joining identifier types in priority order gives.
type assembleFn struct {
	MaxAccounts int

	counts quality.Tally
}

func (f *assembleFn) StartBundle(_ context.Context, _ func(string, member), _ func(part), _ func(string, int64)) {
	f.counts = quality.Tally{}
}

func (f *assembleFn) ProcessElement(_ context.Context, _ string, iter func(*member) bool, members func(string, member), parts func(part), _ func(string, int64)) {
	var ms []member
	var m member
	for iter(&m) {
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.Key, b.Key) })
	groups := split(ms, f.MaxAccounts)
	if len(groups) > 1 {
		f.counts.Add(guardKey("max_accounts_per_person", identity.Account), int64(len(groups)-1))
	}
	for _, g := range groups {
		p := summarise(g)
		for _, m := range g {
			m.PartSize = p.Members
			members(p.Key, m)
		}
		parts(p)
	}
}

func (f *assembleFn) FinishBundle(ctx context.Context, _ func(string, member), _ func(part), count func(string, int64)) {
	f.counts.Emit(ctx, count)
}

// split returns the members (sorted by key) as one group, or, when they hold more than maxAccounts
// accounts, cut again: accounts start apart, and identifiers join their accounts and partners in
// priority order of their type (phones before e-mails before devices ...) while the merged group
// stays within the cap. A member whose link would break the cap is marked by the guard.
func split(ms []member, maxAccounts int) [][]member {
	accounts := 0
	index := map[string]int{}
	for i, m := range ms {
		index[m.Key] = i
		if typ, _ := identity.Split(m.Key); typ == identity.Account {
			accounts++
		}
	}
	if accounts <= maxAccounts {
		return [][]member{ms}
	}
	parent := make([]int, len(ms))
	size := make([]int, len(ms)) // accounts in the group
	for i, m := range ms {
		parent[i] = i
		if typ, _ := identity.Split(m.Key); typ == identity.Account {
			size[i] = 1
		}
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	order := make([]int, len(ms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ta, _ := identity.Split(ms[a].Key)
		tb, _ := identity.Split(ms[b].Key)
		return priority(ta) - priority(tb)
	})
	for _, i := range order {
		for _, link := range slices.Concat(ms[i].Accounts, ms[i].Partners) {
			j, ok := index[link]
			if !ok {
				continue
			}
			a, b := find(i), find(j)
			if a == b {
				continue
			}
			if size[a]+size[b] > maxAccounts {
				ms[i].Guard = "max_accounts_per_person"
				continue
			}
			parent[b] = a
			size[a] += size[b]
		}
	}
	byRoot := map[int][]member{}
	var roots []int
	for i, m := range ms {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], m)
	}
	out := make([][]member, 0, len(roots))
	for _, r := range roots {
		out = append(out, byRoot[r])
	}
	return out
}

// summarise describes a group of members sorted by key.
func summarise(g []member) part {
	p := part{Key: g[0].Key, Members: int32(len(g))}
	types := map[string]bool{}
	prev := map[string]int64{}
	for _, m := range g {
		typ, value := identity.Split(m.Key)
		types[typ] = true
		if typ == identity.Account {
			p.Accounts++
			if p.PrimaryAccount == "" || value < p.PrimaryAccount {
				p.PrimaryAccount = value
			}
		}
		if m.Score > 0 {
			p.Probabilistic++
		}
		if m.Prev != "" {
			prev[m.Prev]++
		}
	}
	var ts []string
	for t := range types {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	p.Types = strings.Join(ts, "|")
	for id := range prev {
		p.Prev = append(p.Prev, id)
	}
	slices.Sort(p.Prev)
	for _, id := range p.Prev {
		p.PrevCounts = append(p.PrevCounts, prev[id])
	}
	return p
}

func init() {
	register.DoFn4x0[string, member, func() func(*string, *string) bool, func(string, member)](&rootFn{})
	register.DoFn6x0[context.Context, string, func(*member) bool, func(string, member), func(part), func(string, int64)](&assembleFn{})
	register.Emitter1[part]()
	register.Iter1[member]()
	register.Iter2[string, string]()
}
