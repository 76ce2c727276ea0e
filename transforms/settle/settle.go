// Package settle makes a collection safe to read as a side input on Prism.
//
// Why: Prism (Beam 2.77) lets a stage read a side input once the side input's producer has
// reached the stage's input watermark. Every element that leaves a GroupByKey carries the end of
// the global window as its timestamp, so a producer still working on such elements and a main
// input that comes from another shuffle (or has one of several inputs there) both sit at that
// same watermark: the stage then runs with the side input read so far, which may be empty. The
// resolve stage's component labels were read that way (accounts that share an e-mail left
// apart, now and then, under load). A side input that a DoFn driven by an Impulse re-emits does
// not have the problem: that DoFn runs once its own side input is whole, and until it has run
// its pending Impulse element (the earliest timestamp) holds its output watermark back. Dataflow
// reads side inputs whole anyway: there the relay would be one more step, on one worker, so on
// Dataflow (package runner says) Whole returns the collection as it is.
package settle

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/typex"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/runner"
)

// Whole returns col's elements once col is complete, for use as a side input: a step that reads
// it as one waits for all of col on any runner. It costs one pass over col in a single bundle,
// which a side input (read whole by every worker) affords.
func Whole(s beam.Scope, col beam.PCollection) beam.PCollection {
	if runner.ReadsSideInputsWhole() {
		return col
	}
	s = s.Scope("settle.Whole")
	if typex.IsKV(col.Type()) {
		return beam.ParDo(s, relayKV, beam.Impulse(s), beam.SideInput{Input: col})
	}
	return beam.ParDo(s, relay, beam.Impulse(s), beam.SideInput{Input: col})
}

// relay re-emits every element of its side input.
func relay(_ []byte, all func(*beam.T) bool, emit func(beam.T)) {
	var v beam.T
	for all(&v) {
		emit(v)
	}
}

// relayKV re-emits every pair of its side input.
func relayKV(_ []byte, all func(*beam.X, *beam.Y) bool, emit func(beam.X, beam.Y)) {
	var k beam.X
	var v beam.Y
	for all(&k, &v) {
		emit(k, v)
	}
}

func init() {
	register.Function3x0(relay)
	register.Function3x0(relayKV)
	register.Iter1[beam.T]()
	register.Iter2[beam.X, beam.Y]()
	register.Emitter1[beam.T]()
	register.Emitter2[beam.X, beam.Y]()
}
