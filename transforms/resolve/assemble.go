package resolve

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fnreg"
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
// (itself when the reduced graph never saw it), in batches by the root's bucket. The labels side
// input is built into a map once.
type rootFn struct {
	roots   map[string]string
	batches batch.Batches
}

func (f *rootFn) ProcessElement(
	_ int,
	b []byte,
	labels func() func(*string, *string) bool,
	emit func(int, []byte),
) error {
	if f.roots == nil {
		f.roots = sideMap(labels)
	}
	return readMembers(b, func(rep string, m member) {
		if root, ok := f.roots[rep]; ok {
			rep = root
		}
		f.batches.Add(
			batch.Bucket(rep),
			func(b []byte) []byte { return appendMember(b, rep, &m) },
			emit,
		)
	})
}

func (f *rootFn) FinishBundle(_ func() func(*string, *string) bool, emit func(int, []byte)) {
	f.batches.Flush(emit)
}

// assembleFn turns the components of one bucket into parts: a component whole, or, when it holds
// more accounts than a person may, the pieces that joining identifier types in priority order
// gives. The members leave in batches by their part's bucket.
type assembleFn struct {
	MaxAccounts int

	counts  quality.Tally
	members batch.Batches
}

func (f *assembleFn) StartBundle(
	_ context.Context,
	_ func(int, []byte),
	_ func(part),
	_ func(string, int64),
) {
	f.counts = quality.Tally{}
}

func (f *assembleFn) ProcessElement(
	_ context.Context,
	_ int,
	batches func(*[]byte) bool,
	members func(int, []byte),
	parts func(part),
	_ func(string, int64),
) error {
	components := map[string][]member{}
	var b []byte
	for batches(&b) {
		if err := readMembers(b, func(root string, m member) {
			components[root] = append(components[root], m)
		}); err != nil {
			return err
		}
	}
	for _, root := range slices.Sorted(maps.Keys(components)) {
		ms := components[root]
		slices.SortFunc(ms, func(a, b member) int { return strings.Compare(a.Key, b.Key) })
		groups := split(ms, f.MaxAccounts)
		if len(groups) > 1 {
			f.counts.Add(
				guardKey("max_accounts_per_person", identity.Account),
				int64(len(groups)-1),
			)
		}
		for _, g := range groups {
			p := summarise(g)
			for _, m := range g {
				m.PartSize = p.Members
				f.members.Add(
					batch.Bucket(p.Key),
					func(b []byte) []byte { return appendMember(b, p.Key, &m) },
					members,
				)
			}
			parts(p)
		}
	}
	return nil
}

func (f *assembleFn) FinishBundle(
	ctx context.Context,
	members func(int, []byte),
	_ func(part),
	count func(string, int64),
) {
	f.members.Flush(members)
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
	fnreg.DoFn4x1[int, []byte, func() func(*string, *string) bool, func(int, []byte), error](
		&rootFn{},
	)
	fnreg.DoFn6x1[context.Context, int, func(*[]byte) bool, func(int, []byte), func(part),
		func(string, int64), error](
		&assembleFn{},
	)
	register.Emitter1[part]()
	register.Iter2[string, string]()
}
