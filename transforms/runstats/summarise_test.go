package runstats

import (
	"reflect"
	"testing"
	"time"
)

// fixture is a small pipeline: ingest reads tasks into records, clean validates them, resolve reads
// the clean records twice (main and side input) and a sink writes what resolve gives.
func fixture() Metrics {
	return Metrics{
		Steps: []Step{
			{Name: "ingest.Read/Impulse", Outputs: []string{"n1"}},
			{Name: "ingest.Read/readFn", Inputs: []string{"n1"}, Outputs: []string{"n2"}},
			{
				Name:    "clean.Validate.events/validateFn",
				Inputs:  []string{"n2"},
				Outputs: []string{"n3", "n4"},
			},
			{Name: "Flatten", Inputs: []string{"n3"}, Outputs: []string{"n5"}},
			{Name: "resolve.Resolve/keyFn", Inputs: []string{"n5", "n5"}, Outputs: []string{"n6"}},
			{
				Name:    "resolve.Resolve/CombinePerKey/sum",
				Inputs:  []string{"n6", "n4"},
				Outputs: []string{"n7"},
			},
			{Name: "sink.Write.persons/writeFn", Inputs: []string{"n7"}, Outputs: []string{"n8"}},
			{Name: "erase.Rows.events/rowsFn", Inputs: []string{"n3"}, Outputs: []string{"n9"}},
		},
		Times: map[string]time.Duration{
			"ingest.Read/readFn":                3 * time.Second,
			"clean.Validate.events/validateFn":  1 * time.Second,
			"resolve.Resolve/keyFn":             400 * time.Millisecond,
			"resolve.Resolve/CombinePerKey/sum": 600 * time.Millisecond,
		},
		// Counters as the direct runner names them (by DoFn), and as Prism does (by step).
		Counters: []Counter{
			{Step: "ingest.Read/readFn", Namespace: "ingest", Name: "events.in", Value: 100},
			{Step: "ingest.Read/readFn", Namespace: "ingest", Name: "users.in", Value: 20},
			{Step: "ingest.Read/readFn", Namespace: "ingest", Name: "events.out", Value: 90},
			{Step: "ingest.readFn", Namespace: "ingest", Name: "users.out", Value: 20},
			{
				Step:      "ingest.readFn",
				Namespace: "ingest",
				Name:      "events.rejected.bad_json",
				Value:     10,
			},
			{Step: "clean.validateFn", Namespace: "clean", Name: "events.in", Value: 90},
			{Step: "clean.validateFn", Namespace: "clean", Name: "events.out", Value: 80},
			{Step: "clean.validateFn", Namespace: "clean", Name: "events.nulled.age", Value: 3},
			// A namespace of no stage in the graph.
			{Step: "segment.classifyFn", Namespace: "segment", Name: "rule.unknown", Value: 2},
			// A stage that counts what it drops, not what it keeps.
			{Step: "erase.Rows.events/rowsFn", Namespace: "erase", Name: "events.in", Value: 80},
			{
				Step:      "erase.Rows.events/rowsFn",
				Namespace: "erase",
				Name:      "events.rejected.erased",
				Value:     3,
			},
			{Step: "erase.rowsFn", Namespace: "erase", Name: "orders.in", Value: 5},
			{Step: "erase.rowsFn", Namespace: "erase", Name: "orders.deduplicated", Value: 1},
		},
		Elements: map[string]int64{
			"n1": 1,
			"n2": 110,
			"n3": 80,
			"n4": 5,
			"n5": 80,
			"n6": 80,
			"n7": 40,
			"n8": 1,
		},
	}
}

func TestSummarise(t *testing.T) {
	r := Summarise(fixture())
	if !r.Timed || r.Total != 5*time.Second {
		t.Fatalf("Timed %v Total %v, want true 5s", r.Timed, r.Total)
	}
	want := []Stage{
		// Quality counters replace the PCollection counts where a stage keeps them.
		{Name: Ingest, Steps: 2, In: 120, Out: 110, Elements: FromRecords, Time: 3 * time.Second},
		{Name: Clean, Steps: 1, In: 90, Out: 80, Elements: FromRecords, Time: time.Second},
		// n5 (read twice by one step) and n4 count once; n6 stays inside the stage.
		{Name: Resolve, Steps: 2, In: 85, Out: 40, Elements: FromPCollections, Time: time.Second},
		// out = in - rejected - deduplicated.
		{Name: Erase, Steps: 1, In: 85, Out: 81, Elements: FromRecords},
		// n8 is read by nobody: the sink's output crosses no boundary.
		{Name: Sink, Steps: 1, In: 40, Out: 0, Elements: FromPCollections},
		{Name: Glue, Steps: 1, In: 80, Out: 80, Elements: FromPCollections},
	}
	if len(r.Stages) != len(want) {
		t.Fatalf("stages %+v, want %+v", r.Stages, want)
	}
	for i, w := range want {
		if r.Stages[i] != w {
			t.Errorf("stage %d = %+v, want %+v", i, r.Stages[i], w)
		}
	}
	ingest, _ := r.Stage(Ingest)
	if got := ingest.Rate(); got != 40 {
		t.Errorf("ingest rate %v, want 120 records / 3 s = 40", got)
	}
	if got := r.Share(ingest); got != 0.6 {
		t.Errorf("ingest share %v, want 0.6", got)
	}
	if _, ok := r.Stage(Segment); ok {
		t.Errorf("a counter namespace without steps made a stage: %+v", r.Stages)
	}
	// Every step, in graph order: its time, and the elements it reads (n5 twice, as main and side
	// input) and writes.
	if len(r.Steps) != 8 {
		t.Fatalf("steps %+v, want 8", r.Steps)
	}
	if got, want := r.Steps[4],
		(StepFigures{Name: "resolve.Resolve/keyFn", Stage: Resolve, Time: 400 * time.Millisecond, In: 160,
			Out: 80}); got != want {
		t.Errorf("keyFn figures %+v, want %+v", got, want)
	}
	if got, want := r.Steps[2], (StepFigures{Name: "clean.Validate.events/validateFn", Stage: Clean,
		Time: time.Second, In: 110, Out: 85}); got != want {
		t.Errorf("validateFn figures %+v, want %+v", got, want)
	}
}

func TestSummariseUntimed(t *testing.T) {
	m := fixture()
	m.Times = map[string]time.Duration{"ingest.Read/readFn": 0}
	m.Elements = nil
	r := Summarise(m)
	if r.Timed || r.Total != 0 {
		t.Fatalf("Timed %v Total %v, want an untimed report", r.Timed, r.Total)
	}
	resolve, _ := r.Stage(Resolve)
	if resolve.Elements != "" || resolve.Rate() != 0 || r.Share(resolve) != 0 {
		t.Errorf("resolve %+v: without PCollection counts its figures must be unknown", resolve)
	}
	ingest, _ := r.Stage(Ingest)
	if ingest.Elements != FromRecords || ingest.In != 120 || ingest.Rate() != 0 {
		t.Errorf(
			"ingest %+v rate %v: want records from counters and no rate",
			ingest,
			ingest.Rate(),
		)
	}
}

func TestSummariseTimesWithoutGraph(t *testing.T) {
	r := Summarise(
		Metrics{
			Times: map[string]time.Duration{
				"clean.Claims.a/x":     time.Second,
				"clean.KeepLatest.b/y": time.Second,
				"odd":                  time.Second,
			},
		},
	)
	d, ok := r.Stage(Dedupe)
	if !ok || d.Time != 2*time.Second || d.Steps != 0 {
		t.Errorf("dedupe %+v, want 2s over steps not in a graph", d)
	}
	if g, _ := r.Stage(Glue); g.Time != time.Second {
		t.Errorf("a root step's time went to %+v, want glue", r.Stages)
	}
}

// TestSummariseCountersByStep checks that a stage's DoFns reused by another stage (here a
// "backfill" scope running portrait's, counting into its namespace) count for the stage that ran
// them.
func TestSummariseCountersByStep(t *testing.T) {
	r := Summarise(Metrics{
		Steps: []Step{
			{Name: "portrait.Build/attributeFn"},
			{Name: "backfill/portrait.Build/attributeFn"},
		},
		Counters: []Counter{
			{
				Step:      "portrait.Build/attributeFn",
				Namespace: Portrait,
				Name:      "persons.in",
				Value:     10,
			},
			{
				Step:      "portrait.Build/attributeFn",
				Namespace: Portrait,
				Name:      "persons.out",
				Value:     9,
			},
			{
				Step:      "backfill/portrait.Build/attributeFn",
				Namespace: Portrait,
				Name:      "persons.in",
				Value:     7,
			},
			{
				Step:      "backfill/portrait.Build/attributeFn",
				Namespace: Portrait,
				Name:      "persons.out",
				Value:     7,
			},
		},
	})
	p, _ := r.Stage(Portrait)
	if p.In != 10 || p.Out != 9 || p.Elements != FromRecords {
		t.Errorf("portrait %+v, want its own 10 in and 9 out", p)
	}
	if c, _ := r.Stage("backfill"); c.Elements != "" || c.Steps != 1 {
		t.Errorf("backfill %+v, want its step and no records (it keeps no counters of its own)", c)
	}
}

// TestMerge adds up the phases of one job: a stage in two phases sums its steps, records and time,
// stages keep pipeline order, and the total is the phases' together.
func TestMerge(t *testing.T) {
	clean := Report{Timed: true, Total: 5 * time.Second, Stages: []Stage{
		{Name: Clean, Steps: 4, In: 100, Out: 90, Elements: FromRecords, Time: 3 * time.Second},
		{
			Name:     Handover,
			Steps:    2,
			In:       90,
			Out:      0,
			Elements: FromPCollections,
			Time:     2 * time.Second,
		},
	}}
	resolve := Report{Timed: true, Total: 7 * time.Second, Stages: []Stage{
		{Name: Handover, Steps: 3, In: 0, Out: 90, Elements: FromPCollections, Time: time.Second},
		{
			Name:     Resolve,
			Steps:    9,
			In:       90,
			Out:      10,
			Elements: FromPCollections,
			Time:     6 * time.Second,
		},
	}, Steps: []StepFigures{{Phase: "resolve", Name: "r", Stage: Resolve, Time: 6 * time.Second,
		In: 90, Out: 10}}}
	clean.Steps = []StepFigures{
		{Phase: "clean", Name: "c", Stage: Clean, Time: 3 * time.Second, In: 100, Out: 90},
	}
	got := Merge(clean, resolve)
	want := Report{
		Timed: true,
		Total: 12 * time.Second,
		Steps: append(clean.Steps, resolve.Steps...),
		Stages: []Stage{
			{Name: Clean, Steps: 4, In: 100, Out: 90, Elements: FromRecords, Time: 3 * time.Second},
			{
				Name:     Resolve,
				Steps:    9,
				In:       90,
				Out:      10,
				Elements: FromPCollections,
				Time:     6 * time.Second,
			},
			{
				Name:     Handover,
				Steps:    5,
				In:       90,
				Out:      90,
				Elements: FromPCollections,
				Time:     3 * time.Second,
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge:\n got %+v\nwant %+v", got, want)
	}
}
