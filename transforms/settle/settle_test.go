package settle

import (
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	beamrunners "github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

const sideSize = 50

// slowSide emits the side input's elements after a pause, from behind a shuffle: its stage sits
// at the end of the global window while it works.
func slowSide(k int, _ func(*int) bool, emit func(int, string)) {
	time.Sleep(300 * time.Millisecond)
	for i := 0; i < sideSize; i++ {
		emit(k*sideSize+i, "v")
	}
}

// sideSizeFn tells, for every main element, how many pairs the side input held.
func sideSizeFn(_ int, side func(*int, *string) bool) int {
	n := 0
	var k int
	var v string
	for side(&k, &v) {
		n++
	}
	return n
}

// sideSizeOne is sideSizeFn for a side input of single values.
func sideSizeOne(_ int, side func(*int) bool) int {
	n := 0
	var k int
	for side(&k) {
		n++
	}
	return n
}

func firstKey(k int, _ string) int { return k }

func selfKeyed(k int) (int, int) { return k, k }

func groupKey(k int, _ func(*int) bool) int { return k }

func init() {
	register.Function3x0(slowSide)
	register.Function2x1(sideSizeFn)
	register.Function2x1(sideSizeOne)
	register.Function2x1(firstKey)
	register.Function1x2(selfKeyed)
	register.Function2x1(groupKey)
}

// scene builds what made Prism read a side input early: a main input with one part ready at once
// and one part behind a shuffle, and a side input made behind the same shuffle, slowly.
func scene(s beam.Scope) (main, side beam.PCollection) {
	ready := beam.CreateList(s, []int{1, 2, 3})
	grouped := beam.GroupByKey(s, beam.ParDo(s, selfKeyed, beam.CreateList(s, []int{0})))
	side = beam.ParDo(s, slowSide, grouped)
	late := beam.ParDo(s, groupKey, grouped)
	return beam.Flatten(s, ready, late), side
}

// TestWholeWaitsForTheProducer: a step that reads a settled side input sees all of it, for every
// main element, though part of its main input was ready long before the side input.
func TestWholeWaitsForTheProducer(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	main, side := scene(s)
	sizes := beam.ParDo(s, sideSizeFn, main, beam.SideInput{Input: Whole(s, side)})
	passert.EqualsList(s, sizes, []int{sideSize, sideSize, sideSize, sideSize})
	ptest.RunAndValidate(t, p)
}

// TestWholeSingleValues settles a collection of single values the same way.
func TestWholeSingleValues(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	main, side := scene(s)
	keys := beam.ParDo(s, firstKey, side)
	sizes := beam.ParDo(s, sideSizeOne, main, beam.SideInput{Input: Whole(s, keys)})
	passert.EqualsList(s, sizes, []int{sideSize, sideSize, sideSize, sideSize})
	ptest.RunAndValidate(t, p)
}

// TestNoRelayOnDataflow: Dataflow reads side inputs whole, so the relay's step is left out there;
// on Prism it is in the graph.
func TestNoRelayOnDataflow(t *testing.T) {
	saved := *beamrunners.Runner
	t.Cleanup(func() { *beamrunners.Runner = saved })
	for runner, want := range map[string]bool{"prism": true, "dataflow": false,
		"DataflowRunner": false} {
		*beamrunners.Runner = runner
		_, s := beam.NewPipelineWithRoot()
		col := beam.Create(s, 1, 2, 3)
		if got := Whole(s, col) != col; got != want {
			t.Errorf("--runner %s: relay %v, want %v", runner, got, want)
		}
	}
}
