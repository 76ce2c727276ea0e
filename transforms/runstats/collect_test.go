package runstats

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

// TestMain initialises Beam, which Prism needs before a pipeline runs.
func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// countFn stands for a stage that keeps quality counters: every element in and out.
func countFn(ctx context.Context, x int, emit func(int)) {
	beam.NewCounter(Ingest, "src.in").Inc(ctx, 1)
	if x%5 != 0 {
		beam.NewCounter(Ingest, "src.out").Inc(ctx, 1)
		emit(x)
	}
}

// slowFn spends long enough in its step for the harness's sampler (every 200 ms) to see it.
func slowFn(x int) int {
	time.Sleep(60 * time.Millisecond)
	return x * 2
}

func toKV(x int) (int, int) { return x % 3, x }

func sum(a, b int) int { return a + b }

func init() {
	register.Function3x0(countFn)
	register.Emitter1[int]()
	register.Function1x1(slowFn)
	register.Function1x2(toKV)
	register.Function2x1(sum)
}

// testPipeline reads 20 numbers in ingest (16 survive), doubles them slowly in resolve, keys and
// sums them in portrait.
func testPipeline() *beam.Pipeline {
	p, s := beam.NewPipelineWithRoot()
	xs := make([]int, 20)
	for i := range xs {
		xs[i] = i
	}
	in := s.Scope("ingest.Read")
	read := beam.ParDo(in, countFn, beam.CreateList(in, xs))
	doubled := beam.ParDo(s.Scope("resolve.Resolve"), slowFn, read)
	ps := s.Scope("portrait.Build")
	beam.CombinePerKey(ps, sum, beam.ParDo(ps, toKV, doubled))
	return p
}

func TestCollectDirect(t *testing.T) {
	p := testPipeline()
	res, err := direct.Execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Collect(p, res)
	if err != nil {
		t.Fatal(err)
	}
	if r.Timed || r.NoMetrics {
		t.Errorf("the direct runner reports counters but times no steps: %+v", r)
	}
	ingest, _ := r.Stage(Ingest)
	if ingest.Elements != FromRecords || ingest.In != 20 || ingest.Out != 16 {
		t.Errorf("ingest %+v, want 20 records in and 16 out from the counters", ingest)
	}
	if res, _ := r.Stage(Resolve); res.Steps != 1 || res.Elements != "" {
		t.Errorf("resolve %+v, want its one step and no element counts", res)
	}
	var b strings.Builder
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "not reported") {
		t.Errorf("printed table does not say times were not reported:\n%s", b.String())
	}
}

func TestCollectPrism(t *testing.T) {
	p := testPipeline()
	res, err := prism.Execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Collect(p, res)
	if err != nil {
		t.Fatal(err)
	}
	ingest, _ := r.Stage(Ingest)
	if ingest.Elements != FromRecords || ingest.In != 20 || ingest.Out != 16 {
		t.Errorf("ingest %+v, want 20 records in and 16 out from the counters", ingest)
	}
	resolve, _ := r.Stage(Resolve)
	if resolve.Elements != FromPCollections || resolve.In != 16 || resolve.Out != 16 {
		t.Errorf("resolve %+v, want 16 elements in and out of its PCollections", resolve)
	}
	// 16 elements of 60 ms: about a second in resolve, seen by the 200 ms sampler.
	if !r.Timed || resolve.Time <= 0 {
		t.Errorf("resolve %+v in %+v: Prism reports step times", resolve, r)
	}
	// The lifted combine's steps (e<scope>_lift ...) are named by their scope, not left unmapped.
	for _, s := range r.Stages {
		if s.Name != Ingest && s.Name != Resolve && s.Name != Portrait {
			t.Errorf("unexpected stage %+v", s)
		}
	}
}

// asyncResult is what the portable and Dataflow runners return for an asynchronous job: a result
// whose metrics pointer is nil.
type asyncResult struct{ metrics *metrics.Results }

func (r asyncResult) Metrics() metrics.Results { return *r.metrics }

func (r asyncResult) JobID() string { return "job-1" }

func TestCollectWithoutMetrics(t *testing.T) {
	for name, res := range map[string]beam.PipelineResult{"nil": nil, "async": asyncResult{}} {
		r, err := Collect(testPipeline(), res)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Timed || !r.NoMetrics || len(r.Stages) != 3 || r.Stages[0].Elements != "" {
			t.Errorf("%s: report %+v, want the three stages without figures", name, r)
		}
	}
}
