package progress

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/runner"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// slowly passes each element on after a pause, so that the job runs long enough to be watched.
func slowly(x int, emit func(int)) {
	time.Sleep(2 * time.Millisecond)
	emit(x)
}

// padFn passes elements on; its Pad makes the job's pipeline as large as the nightly's, beyond
// gRPC's default limit on a message received (4 MiB).
type padFn struct{ Pad string }

func (*padFn) ProcessElement(x int, emit func(int)) { emit(x) }

func init() {
	register.Function2x0(slowly)
	register.Emitter1[int]()
	fnreg.DoFn2x0[int, func(int)](&padFn{})
}

// TestJobServiceReportsARunningJob runs a job of a few seconds on Prism in this process and asks
// its job service while it runs: the elements so far grow, and the busiest step is named.
func TestJobServiceReportsARunningJob(t *testing.T) {
	ctx := context.Background()
	endpoint, err := runner.JobService(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	xs := make([]int, 2000)
	for i := range xs {
		xs[i] = i
	}
	first := beam.ParDo(s.Scope("first"), slowly, beam.CreateList(s, xs))
	padded := beam.ParDo(s.Scope("padded"), &padFn{Pad: strings.Repeat("x", 6<<20)}, first)
	beam.ParDo(s.Scope("watched"), slowly, padded)
	done := make(chan error, 1)
	go func() { done <- beamx.Run(ctx, p) }()
	probe := JobService(endpoint)
	var most Sample
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		case <-time.After(250 * time.Millisecond):
			sample, err := probe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if sample.Elements > most.Elements {
				most = sample
			}
		}
	}
	if most.Elements == 0 || most.Busiest == "" {
		t.Errorf("while the job ran the job service reported at most %+v", most)
	}
}
