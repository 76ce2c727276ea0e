package runstats

import (
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/quality"
)

// Where a stage's In and Out figures come from.
const (
	// FromRecords: the stage's quality counters (namespace = stage, names <source>.in and
	// <source>.out), which every runner reports.
	FromRecords = "records"
	// FromPCollections: element counts of the PCollections that cross the stage's boundary (Prism).
	FromPCollections = "pcollections"
	// Reported: read back from a printed table by Parse, which does not say which of the two.
	Reported = "reported"
)

// Step is one leaf transform of the pipeline graph: its unique name and the PCollections it reads
// (main and side inputs) and writes.
type Step struct {
	Name            string
	Inputs, Outputs []string
}

// Metrics are a run's raw figures, named as the pipeline graph names them.
type Metrics struct {
	// Steps are the graph's leaf transforms; without them stages are found from Times alone and
	// PCollection counts cannot be placed.
	Steps []Step
	// Times is the execution time per step name; steps the runner did not time are absent.
	Times map[string]time.Duration
	// Counters are the user counters, one per step that incremented them.
	Counters []Counter
	// Elements counts the elements of each PCollection, by id.
	Elements map[string]int64
}

// Counter is a user counter's value in one step. Step is the step's unique name where the runner
// names steps by the graph (Prism), else whatever the runner gave (the direct runner: the DoFn).
type Counter struct {
	Step, Namespace, Name string
	Value                 int64
}

// Stage is one stage's line.
type Stage struct {
	Name string `json:"name"`
	// Steps counts the stage's leaf transforms.
	Steps int `json:"steps"`
	// In and Out are records or elements in and out; meaningful only when Elements is set.
	In  int64 `json:"in"`
	Out int64 `json:"out"`
	// Elements says where In and Out come from (FromRecords, FromPCollections), "" when the runner
	// reported neither.
	Elements string `json:"elements,omitempty"`
	// Time is the execution time summed over the stage's steps and over bundles running at once;
	// meaningful only when the report is Timed.
	Time time.Duration `json:"time_ns"`
}

// Rate is the stage's records or elements in per second of its execution time, 0 when either is
// unknown or zero.
func (s Stage) Rate() float64 {
	if s.Elements == "" || s.Time <= 0 {
		return 0
	}
	return float64(s.In) / s.Time.Seconds()
}

// Report is a run's stages in pipeline order.
type Report struct {
	Stages []Stage `json:"stages"`
	// Timed is true when the runner reported execution times for any step.
	Timed bool `json:"timed"`
	// Total is the execution time of every stage together.
	Total time.Duration `json:"total_ns"`
	// NoMetrics is true when the runner returned no metrics at all (an asynchronous job).
	NoMetrics bool `json:"no_metrics,omitempty"`
	// Steps are the figures of every leaf transform, in graph order: where a stage's time goes.
	Steps []StepFigures `json:"steps,omitempty"`
}

// StepFigures are one leaf transform's figures: its execution time where the runner reports it,
// and the elements of the PCollections it reads (side inputs included) and writes where the runner
// counts them (Prism).
type StepFigures struct {
	// Phase names the pipeline of a job run as several (the nightly in phases), else "".
	Phase string        `json:"phase,omitempty"`
	Name  string        `json:"name"`
	Stage string        `json:"stage"`
	Time  time.Duration `json:"time_ns"`
	In    int64         `json:"in"`
	Out   int64         `json:"out"`
}

// Merge adds up the reports of pipelines that ran one after the other as one job (the nightly in
// phases): a stage's steps, records and time are summed over the reports that have it; the step
// figures are listed one report after the other.
func Merge(reports ...Report) Report {
	stages := map[string]*Stage{}
	var out Report
	for _, r := range reports {
		out.Timed = out.Timed || r.Timed
		out.NoMetrics = out.NoMetrics || r.NoMetrics
		out.Total += r.Total
		out.Steps = append(out.Steps, r.Steps...)
		for _, s := range r.Stages {
			m, ok := stages[s.Name]
			if !ok {
				m = &Stage{Name: s.Name, Elements: s.Elements}
				stages[s.Name] = m
			}
			m.Steps += s.Steps
			m.In += s.In
			m.Out += s.Out
			m.Time += s.Time
			if m.Elements == "" {
				m.Elements = s.Elements
			}
		}
	}
	out.Stages = inOrder(stages)
	return out
}

// Stage returns the named stage's line and whether the report has it.
func (r Report) Stage(name string) (Stage, bool) {
	for _, s := range r.Stages {
		if s.Name == name {
			return s, true
		}
	}
	return Stage{}, false
}

// Share is the stage's fraction of the report's total time, 0 when untimed.
func (r Report) Share(s Stage) float64 {
	if !r.Timed || r.Total <= 0 {
		return 0
	}
	return float64(s.Time) / float64(r.Total)
}

// Summarise groups a run's figures by stage.
func Summarise(m Metrics) Report {
	stages := map[string]*Stage{}
	get := func(name string) *Stage {
		s, ok := stages[name]
		if !ok {
			s = &Stage{Name: name}
			stages[name] = s
		}
		return s
	}
	producer := map[string]string{}    // PCollection id -> stage that writes it
	consumers := map[string][]string{} // PCollection id -> stages that read it
	for _, st := range m.Steps {
		name := StageOf(st.Name)
		get(name).Steps++
		for _, pc := range st.Outputs {
			producer[pc] = name
		}
		for _, pc := range st.Inputs {
			consumers[pc] = append(consumers[pc], name)
		}
	}
	var r Report
	for step, d := range m.Times {
		if d <= 0 {
			continue
		}
		get(StageOf(step)).Time += d
		r.Total += d
		r.Timed = true
	}
	addBoundaryElements(get, m.Elements, producer, consumers)
	inGraph := map[string]bool{}
	for _, st := range m.Steps {
		inGraph[st.Name] = true
	}
	addRecords(stages, m.Counters, inGraph)
	r.Stages = inOrder(stages)
	r.Steps = stepFigures(m)
	return r
}

// stepFigures lists each step's time and the elements it reads and writes.
func stepFigures(m Metrics) []StepFigures {
	sum := func(pcols []string) int64 {
		var n int64
		for _, pc := range pcols {
			n += m.Elements[pc]
		}
		return n
	}
	out := make([]StepFigures, len(m.Steps))
	for i, st := range m.Steps {
		out[i] = StepFigures{
			Name:  st.Name,
			Stage: StageOf(st.Name),
			Time:  m.Times[st.Name],
			In:    sum(st.Inputs),
			Out:   sum(st.Outputs),
		}
	}
	return out
}

// inOrder lists the stages in pipeline order.
func inOrder(stages map[string]*Stage) []Stage {
	names := make([]string, 0, len(stages))
	for n := range stages {
		names = append(names, n)
	}
	sortStages(names)
	out := make([]Stage, 0, len(names))
	for _, n := range names {
		out = append(out, *stages[n])
	}
	return out
}

// addBoundaryElements counts, for each stage, the elements of the PCollections it reads from
// another stage (in) and writes for another stage (out), each PCollection once per stage.
func addBoundaryElements(
	get func(string) *Stage,
	elements map[string]int64,
	producer map[string]string,
	consumers map[string][]string,
) {
	for pc, n := range elements {
		from, ok := producer[pc]
		if !ok {
			continue
		}
		seen := map[string]bool{}
		crosses := false
		for _, to := range consumers[pc] {
			if to == from || seen[to] {
				continue
			}
			seen[to] = true
			crosses = true
			s := get(to)
			s.In += n
			s.Elements = FromPCollections
		}
		if crosses {
			s := get(from)
			s.Out += n
			s.Elements = FromPCollections
		}
	}
}

// addRecords replaces the PCollection figures of stages that keep quality counters in their own
// namespace (named <source>.<measure>[.<reason>]) with those record counts, which every runner
// reports. A counter counts for the stage of the step that incremented it when that step is in the
// graph, so a stage's DoFns reused by another stage (in a scope of its own) count
// once; else (the direct runner) for the stage its namespace names. A stage that counts no "out"
// (it counts what it drops) has out = in - rejected - deduplicated, the balance every stage keeps.
func addRecords(stages map[string]*Stage, counters []Counter, inGraph map[string]bool) {
	sums := map[string]map[string]int64{} // stage -> measure -> records
	for _, c := range counters {
		if inGraph[c.Step] && StageOf(c.Step) != c.Namespace {
			continue
		}
		_, rest, _ := strings.Cut(c.Name, ".")
		measure, _, _ := strings.Cut(rest, ".")
		if sums[c.Namespace] == nil {
			sums[c.Namespace] = map[string]int64{}
		}
		sums[c.Namespace][measure] += c.Value
	}
	for name, m := range sums {
		s, ok := stages[name]
		if !ok {
			continue
		}
		in, hasIn := m[quality.In]
		if !hasIn {
			continue
		}
		out, hasOut := m[quality.Out]
		if !hasOut {
			out = in - m[quality.Rejected] - m[quality.Deduplicated]
		}
		s.In, s.Out, s.Elements = in, out, FromRecords
	}
}
