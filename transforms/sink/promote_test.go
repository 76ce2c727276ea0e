package sink

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// attempt writes one attempt of a night with n quality rows, as the nightly's pipeline does.
func attempt(t *testing.T, output, runID string, n int) {
	t.Helper()
	cfg := Config{Output: AttemptRoot(output, "2026-11-21", runID), Date: "2026-11-21",
		RunID: runID, Tables: []string{"quality", "events"}}
	rows := make([]schemas.QualityCount, n)
	for i := range rows {
		rows[i] = schemas.QualityCount{
			Source:  runID,
			Stage:   "ingest",
			Measure: "in",
			Count:   int64(i),
		}
	}
	run(t, cfg, rows, nil)
	if err := WriteBytes(context.Background(), Join(RunDir(cfg.Output, cfg.Date), "report.html"),
		[]byte(runID)); err != nil {
		t.Fatal(err)
	}
}

// TestPromote: an attempt is invisible until promoted; promoting it replaces the date's previous
// run whole, and an attempt left unpromoted (a failed night) leaves the previous run readable.
func TestPromote(t *testing.T) {
	for _, out := range []string{t.TempDir(), "memfs://promote"} {
		t.Run(strings.SplitN(out, ":", 2)[0], func(t *testing.T) { testPromote(t, out) })
	}
}

func testPromote(t *testing.T, out string) {
	ctx := context.Background()
	const date = "2026-11-21"
	attempt(t, out, "first", 3)
	if _, err := ReadManifest(ctx, out, date); !errors.Is(err, ErrUnfinished) {
		t.Fatalf("an attempt is visible before it is promoted: %v", err)
	}
	m, err := Promote(ctx, out, date, "first", func(m *Manifest) { m.Mode = "full" })
	if err != nil {
		t.Fatal(err)
	}
	if m.Mode != "full" ||
		!strings.HasSuffix(m.Tables["quality"].Files[0], "-"+runToken("first")+".parquet") {
		t.Fatalf("manifest = %+v", m)
	}
	check := func(want string, rows int) {
		t.Helper()
		got, err := ReadTable[schemas.QualityCount](ctx, out, date, "quality")
		if err != nil || len(got) != rows || got[0].Source != want {
			t.Fatalf("quality = %+v, %v; want %d rows of %s", got, err, rows, want)
		}
		report, err := ReadFile(ctx, Join(RunDir(out, date), "report.html"))
		if err != nil || string(report) != want {
			t.Fatalf("report = %q, %v; want %s's", report, err, want)
		}
	}
	check("first", 3)

	// A second attempt that fails before its promotion changes nothing readers see.
	attempt(t, out, "failed", 5)
	check("first", 3)

	attempt(t, out, "second", 2)
	if _, err := Promote(ctx, out, date, "second", nil); err != nil {
		t.Fatal(err)
	}
	check("second", 2)
	files, err := listFiles(ctx, RunDir(out, date))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.Contains(f, runToken("first")) {
			t.Errorf("the replaced run's file %s is left", f)
		}
	}
	if left, err := listFiles(ctx, AttemptsDir(out, date)); err != nil || len(left) > 0 {
		t.Errorf("attempts left after a promotion: %v, %v", left, err)
	}
	if !strings.Contains(out, "://") {
		if _, err := os.Stat(AttemptsDir(out, date)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the attempts folder is left: %v", err)
		}
	}
}

// TestSplitRunDir keeps a URL's double slash, which path.Dir folds.
func TestSplitRunDir(t *testing.T) {
	for run, want := range map[string][2]string{
		"gs://b/runs/dt=2026-11-20/": {"gs://b/runs", "2026-11-20"},
		"out/dt=2026-11-20":          {"out", "2026-11-20"},
		"dt=2026-11-20":              {".", "2026-11-20"},
	} {
		out, date, err := SplitRunDir(run)
		if err != nil || out != want[0] || date != want[1] {
			t.Errorf("SplitRunDir(%q) = %q, %q, %v; want %q", run, out, date, err, want)
		}
	}
	for _, bad := range []string{"gs://b/runs", "out/dt=2026-13-01"} {
		if _, _, err := SplitRunDir(bad); err == nil {
			t.Errorf("SplitRunDir(%q) gave no error", bad)
		}
	}
}
