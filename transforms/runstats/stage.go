// Package runstats turns the metrics of a finished pipeline run into one line per stage: the
// records or elements that went in and out, and the execution time the runner measured in the
// stage's steps.
//
// A stage is the first scope of a step's name (ingest.Read, clean.Validate.<source>,
// resolve.Resolve, sink.Write.<table> ...), grouped as the nightly job's stages: ingest, clean,
// dedupe, refs, resolve, erase, portrait (tonight's and the models' training cutoff's, in one
// pass), score, segment, sink, quality, and handover for a job run in phases. Steps at the
// pipeline's root (flattens and casts between stages) form the stage "glue".
//
// What runners report (Beam Go 2.77): Prism reports user counters, PCollection element counts and
// per-step execution times, sampled by the SDK harness every 200 ms per bundle; the direct runner
// reports user counters only, so its lines say the time was not reported rather than print zeros;
// it keys them by DoFn, so a DoFn used at two places reports the counts of one of them. The SDK
// charges time to the step whose state was set last: a step sets its state when it is entered and
// nobody restores the caller's on return, so in a fused chain the work a DoFn does after an emit is
// charged to the step downstream (ingest reads a whole file per call, and most of its decoding
// shows under clean).
package runstats

import (
	"sort"
	"strings"
)

// Stage names, in pipeline order.
const (
	Ingest  = "ingest"
	Clean   = "clean"
	Dedupe  = "dedupe"
	Refs    = "refs"
	Resolve = "resolve"
	// Erase drops the rows of persons who asked to be forgotten.
	Erase    = "erase"
	Portrait = "portrait"
	// Score scores the propensity and churn models.
	Score   = "score"
	Segment = "segment"
	Sink    = "sink"
	Quality = "quality"
	// Handover writes and reads what one phase of a job run in phases hands to the next.
	Handover = "handover"
	// Glue holds the steps at the pipeline's root: flattens and casts that join the stages.
	Glue = "glue"
)

// order ranks the known stages; others sort after them by name.
var order = []string{
	Ingest,
	Clean,
	Dedupe,
	Refs,
	Resolve,
	Erase,
	Portrait,
	Score,
	Segment,
	Sink,
	Quality,
	Handover,
	Glue,
}

// scopeStages maps the first scope of a step's name, by prefix, to its stage. Longer prefixes of
// the same family come first.
var scopeStages = []struct{ prefix, stage string }{
	{"clean.Validate.", Clean},
	// Deduplication's first pass reads and validates the source itself (see clean.Claims).
	{"ingest.ReadRecords", Dedupe},
	{"clean.ValidRows.", Dedupe},
	{"clean.Claims.", Dedupe},
	{"clean.KeepLatest.", Dedupe},
	{"clean.CheckRefs.", Refs},
	{"clean.CheckOrderItems.", Refs},
	{"ingest.", Ingest},
	{"resolve.", Resolve},
	{"erase.", Erase},
	{"portrait.", Portrait},
	{"score.", Score},
	{"segment.", Segment},
	{"sink.", Sink},
	{"quality.", Quality},
	{"handover.", Handover},
}

// StageOf names the stage of a step from its unique name, the scope path joined by "/": the first
// scope decides ("clean.Claims.events/..." is dedupe). A step at the root is glue; a first scope
// of no known stage names its own stage by the part before its first dot ("report.Render/..." is
// report).
func StageOf(step string) string {
	first, _, nested := strings.Cut(step, "/")
	if !nested {
		return Glue
	}
	// The SDK makes repeated scope names unique with a suffix: resolve.Resolve'1.
	if i := strings.IndexByte(first, '\''); i >= 0 {
		first = first[:i]
	}
	for _, s := range scopeStages {
		if strings.HasPrefix(first, s.prefix) {
			return s.stage
		}
	}
	name, _, _ := strings.Cut(first, ".")
	return name
}

// sortStages puts stage names in pipeline order, unknown stages after the known ones by name.
func sortStages(names []string) {
	rank := func(n string) int {
		for i, o := range order {
			if o == n {
				return i
			}
		}
		return len(order)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
}
