// Package fanin joins collections after a step has run on each of them.
//
// Why: Prism (Beam 2.77) runs every Flatten of two or more collections on its own side: the
// Flatten gets no SDK environment and its consumers start new stages, so every element that
// enters one leaves its fused stage and is held by Prism until the consumer runs, as if shuffled.
// A step that makes few elements of many (a batch per bucket, a sum per bundle, a file per
// bundle) therefore runs on each collection where it is made, and only its small output meets the
// others'. At a million persons this kept some 20 M elements out of memory (BENCHMARKS.md, "Later
// on 2026-12-04").
package fanin

import "github.com/apache/beam/sdks/v2/go/pkg/beam"

// ParDo applies dofn, a DoFn of one output, to each collection and flattens what it gives.
func ParDo(s beam.Scope, dofn any, cols ...beam.PCollection) beam.PCollection {
	out := make([]beam.PCollection, len(cols))
	for i, c := range cols {
		out[i] = beam.ParDo(s, dofn, c)
	}
	return beam.Flatten(s, out...)
}
