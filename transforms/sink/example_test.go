package sink_test

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// A table's rows (values of its schemas struct) are written by Write, a file per bundle, and
// Finalize names the files and writes the manifest last. Readers find a run through its manifest.
func ExampleWrite() {
	ctx := context.Background()
	out, err := os.MkdirTemp("", "sink-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(out)

	cfg := sink.Config{
		Output: out,
		Date:   "2026-11-21",
		RunID:  "example",
		Tables: []string{"quality"},
	}
	p, s := beam.NewPipelineWithRoot()
	rows := beam.CreateList(s, []schemas.QualityCount{
		{Source: "events", Stage: "clean", Measure: "in", Count: 3},
		{Source: "events", Stage: "clean", Measure: "rejected", Reason: "bot_traffic", Count: 1},
	})
	sink.Finalize(s, cfg, []beam.PCollection{sink.Write(s, cfg, "quality", rows)})
	if err := ptest.Run(p); err != nil {
		fmt.Println(err)
		return
	}

	m, err := sink.ReadManifest(ctx, out, cfg.Date)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Tables["quality"].Rows, m.Tables["quality"].Files)
	got, err := sink.ReadTable[schemas.QualityCount](ctx, out, cfg.Date, "quality")
	if err != nil {
		fmt.Println(err)
		return
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Measure < got[j].Measure })
	for _, q := range got {
		fmt.Printf("%s %s %s %q %d\n", q.Source, q.Stage, q.Measure, q.Reason, q.Count)
	}
	// Output:
	// 2 [quality/part-00000.parquet]
	// events clean in "" 3
	// events clean rejected "bot_traffic" 1
}

// A night writes into its attempt, an output root of its own, and is promoted to the date's run
// folder once every check passed.
func ExampleAttemptRoot() {
	attempt := sink.AttemptRoot("gs://bucket/out", "2026-11-21", "2026-11-21-18a2f")
	fmt.Println(attempt)
	fmt.Println(sink.RunDir(attempt, "2026-11-21"))
	fmt.Println(sink.RunDir("gs://bucket/out", "2026-11-21"))
	// Output:
	// gs://bucket/out/_attempts/dt=2026-11-21/2026-11-21-18a2f
	// gs://bucket/out/_attempts/dt=2026-11-21/2026-11-21-18a2f/dt=2026-11-21
	// gs://bucket/out/dt=2026-11-21
}
