package runstats

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/graphx"
	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
)

// Collect reads the metrics of a finished run of p. Runners name steps differently: Prism by the
// transform ids of the pipeline proto (e12, and e<scope>_lift for a lifted combine), the direct
// runner by DoFn; Collect marshals p the way the portable runners do to name Prism's steps by their
// scopes. A result without metrics (nil, or an asynchronous job's) gives a report of the graph's
// steps without figures.
func Collect(p *beam.Pipeline, res beam.PipelineResult) (Report, error) {
	g, err := marshal(p)
	if err != nil {
		return Report{}, err
	}
	m := Metrics{Steps: g.steps}
	results, ok := metricsOf(res)
	if !ok {
		r := Summarise(m)
		r.NoMetrics = true
		return r, nil
	}
	all := results.AllMetrics()
	m.Times = g.times(all.Msecs())
	m.Counters = g.counters(all.Counters())
	m.Elements = g.elements(all.PCols())
	return Summarise(m), nil
}

// metricsOf returns a result's metrics, if it has any. The portable and Dataflow runners return an
// asynchronous job's result with no metrics behind it, and its Metrics method dereferences that nil
// pointer (Beam 2.77); such a result, like a nil one, has none.
func metricsOf(res beam.PipelineResult) (m metrics.Results, ok bool) {
	if res == nil {
		return metrics.Results{}, false
	}
	defer func() {
		if recover() != nil {
			m, ok = metrics.Results{}, false
		}
	}()
	return res.Metrics(), true
}

// graph is what Collect needs of the pipeline proto: its leaf steps and how metrics name things.
type graph struct {
	steps []Step
	// names maps a transform id to its unique name.
	names map[string]string
	// pcols maps "<unique name>.<output tag>", the key under which the SDK files PCollection
	// metrics, to the PCollection id.
	pcols map[string]string
}

// marshal builds the pipeline proto of p as the portable runners submit it (ids come from the
// graph, so they are the ones Prism reports).
func marshal(p *beam.Pipeline) (graph, error) {
	edges, _, err := p.Build()
	if err != nil {
		return graph{}, fmt.Errorf("runstats: building the pipeline graph: %w", err)
	}
	proto, err := graphx.Marshal(edges, &graphx.Options{Environment: &pipepb.Environment{}})
	if err != nil {
		return graph{}, fmt.Errorf("runstats: marshalling the pipeline graph: %w", err)
	}
	g := graph{names: map[string]string{}, pcols: map[string]string{}}
	for id, t := range proto.GetComponents().GetTransforms() {
		g.names[id] = t.GetUniqueName()
		for tag, pc := range t.GetOutputs() {
			g.pcols[t.GetUniqueName()+"."+tag] = pc
		}
		if len(t.GetSubtransforms()) > 0 {
			continue
		}
		st := Step{Name: t.GetUniqueName()}
		for _, pc := range t.GetInputs() {
			st.Inputs = append(st.Inputs, pc)
		}
		for _, pc := range t.GetOutputs() {
			st.Outputs = append(st.Outputs, pc)
		}
		g.steps = append(g.steps, st)
	}
	return g, nil
}

// name turns the step of a metric into a unique name: Prism's transform ids and the ids it derives
// for a lifted combine (e<id>_lift, e<id>_merge ...) map to the graph's names; other keys (the
// direct runner's DoFn names) stay as they are.
func (g graph) name(step string) string {
	if n, ok := g.names[step]; ok {
		return n
	}
	if id, _, ok := strings.Cut(strings.TrimPrefix(step, "e"), "_"); ok {
		if n, ok := g.names[id]; ok {
			return n
		}
	}
	return step
}

// times sums the execution time reported per step.
func (g graph) times(msecs []metrics.MsecResult) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, r := range msecs {
		if d := r.Result().Total; d > 0 {
			out[g.name(r.Key.Step)] += d
		}
	}
	return out
}

// elements counts each PCollection's elements. Committed counts are final; attempted ones are
// progress snapshots, used only when nothing was committed. The SDK may file one PCollection under
// two keys (it names a PCollection by one of the transforms that output it, chosen anew for the
// attempted and the committed values), so the largest count per PCollection is kept.
func (g graph) elements(pcols []metrics.PColResult) map[string]int64 {
	committed, attempted := map[string]int64{}, map[string]int64{}
	for _, r := range pcols {
		pc, ok := g.pcols[r.Key.Step]
		if !ok {
			continue
		}
		committed[pc] = max(committed[pc], r.Committed.ElementCount)
		attempted[pc] = max(attempted[pc], r.Attempted.ElementCount)
	}
	for pc, n := range committed {
		if n == 0 {
			committed[pc] = attempted[pc]
		}
	}
	return committed
}

// counters names each counter's step as the graph does.
func (g graph) counters(cs []metrics.CounterResult) []Counter {
	out := make([]Counter, 0, len(cs))
	for _, c := range cs {
		out = append(
			out,
			Counter{
				Step:      g.name(c.Key.Step),
				Namespace: c.Namespace(),
				Name:      c.Name(),
				Value:     c.Result(),
			},
		)
	}
	return out
}
