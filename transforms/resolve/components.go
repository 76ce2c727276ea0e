package resolve

import (
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// Components labels every node of an undirected graph with the smallest node (by string order) of
// its connected component. Edges are KV<string, string>; the output is KV<node, root> for every
// node of an edge, roots included (labelled with themselves).
//
// It alternates the large-star and small-star steps of Kiveris et al., "Connected Components in
// MapReduce and Beyond" (SoCC 2014), each one GroupByKey over the edges, unrolled `rounds` times:
// a Beam batch graph cannot loop. The graph then must be a set of stars; a final check fails the
// pipeline, naming how many nodes were left over, when it is not, rather than emit half-merged
// components. Every step runs distributed; no step gathers the graph on one worker.
func Components(s beam.Scope, edges beam.PCollection, rounds int) beam.PCollection {
	s = s.Scope("resolve.Components")
	for r := 0; r < rounds; r++ {
		both := beam.ParDo(s, bothWays, edges)
		edges = beam.ParDo(s, largeStarFn, beam.GroupByKey(s, both))
		edges = beam.ParDo(s, smallStarFn, beam.GroupByKey(s, beam.ParDo(s, toLarger, edges)))
	}
	parents := beam.ParDo(s, parentFn, beam.GroupByKey(s, beam.ParDo(s, toLarger, edges)))
	return beam.ParDo(
		s,
		&starCheckFn{Rounds: rounds},
		beam.CoGroupByKey(s, parents, beam.ParDo(s, parentMark, parents)),
	)
}

// bothWays emits an undirected edge in both directions, for large-star's neighbourhoods.
func bothWays(u, v string, emit func(string, string)) {
	if u != v {
		emit(u, v)
		emit(v, u)
	}
}

// toLarger keys an edge by its larger end, for small-star's smaller neighbourhoods.
func toLarger(u, v string) (string, string) {
	if v > u {
		return v, u
	}
	return u, v
}

// distinct drains an iterator into a sorted set.
func distinct(iter func(*string) bool) []string {
	var out []string
	var v string
	for iter(&v) {
		out = append(out, v)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// largeStarFn links every larger neighbour of u to the smallest node of u's closed neighbourhood.
func largeStarFn(u string, neighbours func(*string) bool, emit func(string, string)) {
	ns := distinct(neighbours)
	m := min(u, ns[0])
	for _, v := range ns {
		if v > u {
			emit(v, m)
		}
	}
}

// smallStarFn links u and its smaller neighbours to the smallest of them.
func smallStarFn(u string, smaller func(*string) bool, emit func(string, string)) {
	ns := distinct(smaller)
	m := min(u, ns[0])
	for _, v := range append(ns, u) {
		if v != m {
			emit(v, m)
		}
	}
}

// parentFn emits each node's smallest parent, flagging nodes with several (not yet a star).
func parentFn(v string, smaller func(*string) bool, emit func(string, parent)) {
	ns := distinct(smaller)
	emit(v, parent{Of: ns[0], Several: len(ns) > 1})
}

// parent is a node's parent after the last round.
type parent struct {
	Of      string
	Several bool
}

// parentMark keys a parent by the parent node, so the check can see whether it has a parent itself.
func parentMark(_ string, p parent) (string, bool) { return p.Of, true }

// starCheckFn emits (node, root) pairs and fails when a node has several parents or a parent that
// has one itself: the rounds did not suffice.
type starCheckFn struct {
	Rounds int
}

func (f *starCheckFn) ProcessElement(
	node string,
	parents func(*parent) bool,
	isParent func(*bool) bool,
	emit func(string, string),
) error {
	var p parent
	hasParent := parents(&p)
	var mark bool
	isRoot := isParent(&mark)
	switch {
	case hasParent && (p.Several || isRoot):
		return fmt.Errorf(
			"resolve: the identity graph did not converge in %d rounds (node %s); raise `rounds` in "+
				"the resolve config",
			f.Rounds,
			redact(node),
		)
	case hasParent:
		emit(node, p.Of)
	case isRoot:
		emit(node, node)
	}
	return nil
}

// redact keeps an identifier's value out of logs and errors: only its type shows.
func redact(key string) string {
	typ, _ := identity.Split(key)
	return typ + ":…"
}

func init() {
	register.Function3x0(bothWays)
	register.Function2x2(toLarger)
	register.Function3x0(largeStarFn)
	register.Function3x0(smallStarFn)
	register.Function3x0(parentFn)
	register.Function2x2(parentMark)
	fnreg.DoFn4x1[string, func(*parent) bool, func(*bool) bool, func(string, string), error](
		&starCheckFn{},
	)
	register.Emitter2[string, string]()
	register.Emitter2[string, parent]()
	register.Iter1[string]()
	register.Iter1[parent]()
	register.Iter1[bool]()
}
