package sink

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/shopportraits/portraits/schemas"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func run(t *testing.T, cfg Config, rows []schemas.QualityCount, events []schemas.Event) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	q := Write(s, cfg, "quality", beam.CreateList(s, rows))
	e := Write(s, cfg, "events", beam.CreateList(s, events))
	Finalize(s, cfg, []beam.PCollection{q, e})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

func TestWriteFinalize(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	cfg := Config{
		Output:         out,
		Date:           "2026-11-21",
		RunID:          "r1",
		Tables:         []string{"quality", "events", "rejects"},
		Inputs:         []Input{{Source: "s", File: "f", Bytes: 3}},
		MaxRowsPerFile: 4,
	}
	// A stale file of an earlier run of the same date must disappear.
	stale := filepath.Join(RunDir(out, cfg.Date), "quality", "part-00042.parquet")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)

	var rows []schemas.QualityCount
	for i := 0; i < 10; i++ {
		rows = append(
			rows,
			schemas.QualityCount{
				Source:  "s",
				Stage:   "ingest",
				Measure: "in",
				Reason:  strings.Repeat("r", i),
				Count:   int64(i),
			},
		)
	}
	events := []schemas.Event{
		{
			EventID:   "e1",
			EventType: "view",
			Channel:   "app",
			EventTime: 1732000000000000,
			Source:    "events",
			Src:       schemas.Origin{File: "secret.jsonl", Line: 7},
		},
	}
	run(t, cfg, rows, events)

	m, err := ReadManifest(ctx, out, cfg.Date)
	if err != nil {
		t.Fatal(err)
	}
	if q := m.Tables["quality"]; q.Rows != 10 || len(q.Files) < 3 {
		t.Fatalf("quality in manifest = %+v (4 rows a file at most)", q)
	}
	if r := m.Tables["rejects"]; r.Rows != 0 || len(r.Files) != 1 || len(m.Inputs) != 1 ||
		m.SchemaVersion != schemas.Version {
		t.Fatalf("manifest = %+v", m)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale file left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(RunDir(out, cfg.Date), "_temporary")); !errors.Is(
		err,
		os.ErrNotExist,
	) {
		t.Fatalf("temporary folder left: %v", err)
	}
	got, err := ReadTable[schemas.QualityCount](ctx, out, cfg.Date, "quality")
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Count < got[j].Count })
	for i := range rows {
		if got[i] != rows[i] {
			t.Fatalf("row %d = %+v, want %+v", i, got[i], rows[i])
		}
	}
	empty, err := ReadTable[schemas.Reject](ctx, out, cfg.Date, "rejects")
	if err != nil || len(empty) != 0 {
		t.Fatalf("rejects = %v, %v", empty, err)
	}
	ev, err := ReadTable[schemas.Event](ctx, out, cfg.Date, "events")
	if err != nil || len(ev) != 1 || ev[0].EventTime != events[0].EventTime ||
		ev[0].Src != (schemas.Origin{}) {
		t.Fatalf("events = %+v, %v (in-memory fields must not be written)", ev, err)
	}

	// The event time column is TIMESTAMP(MICROS) adjusted to UTC.
	f, err := os.Open(filepath.Join(RunDir(out, cfg.Date), m.Tables["events"].Files[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	leaf, ok := pf.Schema().Lookup("event_time")
	if !ok {
		t.Fatal("no event_time column")
	}
	ts, ok := leaf.Node.Type().LogicalType().Value.(*format.TimestampType)
	if !ok || !ts.IsAdjustedToUTC || ts.Unit.String() != "MICROS" {
		t.Fatalf("event_time logical type = %v", leaf.Node.Type().LogicalType())
	}
	if _, ok := pf.Schema().Lookup("Src"); ok {
		t.Fatal("in-memory field written")
	}
}

// TestWriteFileFailure leaves no file behind when the content fails half-way, and writes the whole
// file when it succeeds.
func TestWriteFileFailure(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "part.parquet")
	boom := errors.New("boom")
	err := WriteFile(ctx, path, func(w io.Writer) error {
		if _, err := w.Write([]byte("half")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v, want boom naming %s", err, path)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a failed write left %s (%v)", path, err)
	}
	if err := WriteFile(ctx, path, func(w io.Writer) error {
		_, err := w.Write([]byte("whole"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "whole" {
		t.Errorf("file holds %q (%v), want whole", got, err)
	}
}

// TestRemoveTempObjectStore removes the temporary files of a run on a filesystem without folders
// (Beam's memfs, whose globs stop at a slash as gs:// globs do), at every depth a run writes them,
// and leaves the published tables alone.
func TestRemoveTempObjectStore(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Output: "memfs://remove-temp", Date: "2026-11-21", RunID: "r1"}
	tmp := cfg.TempDir()
	temps := []string{
		Join(tmp, "_phases", "clean.json"),
		Join(tmp, "events", "a.parquet"),
		Join(tmp, "claims", "events", "c-00.bin"),
		Join(tmp, "portrait-accumulators", "partials", "p-07.bin"),
		Join(
			RunDir(cfg.Output, cfg.Date),
			"_temporary",
			"earlier-attempt",
			"portrait-accumulators",
			"gathered-events",
			"g.bin",
		),
	}
	kept := Join(RunDir(cfg.Output, cfg.Date), "events", "part-00000.parquet")
	for _, f := range append(temps, kept) {
		if err := WriteBytes(ctx, f, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveTemp(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var left []string
	glob := RunDir(cfg.Output, cfg.Date)
	for range 6 {
		glob = Join(glob, "*")
		files, err := List(ctx, glob)
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, files...)
	}
	if len(left) != 1 || left[0] != kept {
		t.Errorf("left after RemoveTemp: %v, want only %s", left, kept)
	}
}
