package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/runstats"
)

// writeRunDir writes a runner folder as bench.sh leaves it, without an output folder.
func writeRunDir(t *testing.T, root, runner string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(root, runner)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func stageTable(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	r := runstats.Report{Timed: true, Total: 4 * time.Second, Stages: []runstats.Stage{
		{
			Name:     runstats.Ingest,
			Steps:    3,
			In:       1000,
			Out:      990,
			Elements: runstats.FromRecords,
			Time:     4 * time.Second,
		}}}
	if err := runstats.Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReadRuns(t *testing.T) {
	root := t.TempDir()
	okTime := strings.Replace(killedReport, "Command terminated by signal 9\n", "", 1)
	writeRunDir(t, root, "prism", map[string]string{
		timeFile:   killedReport,
		loadFile:   "4.75 5.08 7.27 3/512 10692\n8.89 6.54 7.55 9/600 11000\n",
		stdoutFile: "nightly 2026-11-21: 16 files\n",
		stderrFile: "time=... level=INFO msg=running\nfatal error: runtime: out of memory\n" +
			"goroutine 1 [running]:\n",
	})
	writeRunDir(t, root, "direct", map[string]string{
		timeFile: okTime,
		loadFile: "1 2 3 1/1 1\n4 5 6 1/1 1\n",
		stdoutFile: "nightly 2026-11-21: 16 files\nphase clean: 4m38.236s\nphase resolve: 9m50s\n" +
			stageTable(
				t,
			) + "wrote out\n",
		stderrFile: "",
	})
	runs, err := readRuns(context.Background(), root, "2026-11-21")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Runner != "prism" || runs[1].Runner != "direct" {
		t.Fatalf("runs %+v, want prism then direct", runs)
	}
	p, d := runs[0], runs[1]
	if p.OK() || p.Status != "killed by signal 9" ||
		p.Error != "fatal error: runtime: out of memory" {
		t.Errorf("prism status %q error %q", p.Status, p.Error)
	}
	if p.PeakRSS != 15887716<<10 || p.LoadBefore != (loadAvg{4.75, 5.08, 7.27}) ||
		p.LoadAfter != (loadAvg{8.89, 6.54, 7.55}) {
		t.Errorf("prism figures %+v", p)
	}
	if p.Stages != nil || p.Records != -1 || p.Rate() != 0 {
		t.Errorf("a killed run has no stage table nor records: %+v", p)
	}
	if !d.OK() || d.Error != "" || d.Stages == nil {
		t.Fatalf("direct %+v, want ok with a stage table", d)
	}
	if want := []phase{{Name: "clean", Wall: 4*time.Minute + 38236*time.Millisecond},
		{Name: "resolve", Wall: 9*time.Minute + 50*time.Second}}; !slices.Equal(
		d.Phases,
		want,
	) {
		t.Errorf("direct phases %v, want %v", d.Phases, want)
	}
	if p.Phases != nil {
		t.Errorf("a run in one pipeline has phases %v", p.Phases)
	}
	if s, ok := d.Stages.Stage(runstats.Ingest); !ok || s.In != 1000 || s.Time != 4*time.Second {
		t.Errorf("direct ingest stage %+v", s)
	}
	// No output folder: the run did not finish writing, so its records are unknown.
	if d.Records != -1 || d.Inputs != nil {
		t.Errorf("direct records %d inputs %v, want unknown", d.Records, d.Inputs)
	}
}

func TestReadRunErrors(t *testing.T) {
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"no time report": {map[string]string{loadFile: "1 2 3\n4 5 6\n", stdoutFile: "", stderrFile: ""},
			timeFile},
		"one load line": {map[string]string{timeFile: killedReport, loadFile: "1 2 3\n", stdoutFile: "",
			stderrFile: ""}, "want 2 lines"},
		"broken table": {map[string]string{timeFile: strings.Replace(killedReport,
			"Command terminated by signal 9\n", "", 1),
			loadFile: "1 2 3\n4 5 6\n", stdoutFile: stageTable(t)[:120], stderrFile: ""},
			"stdout.txt: stage table"},
		"broken phase line": {map[string]string{timeFile: strings.Replace(killedReport,
			"Command terminated by signal 9\n", "", 1),
			loadFile: "1 2 3\n4 5 6\n", stdoutFile: "nightly\nphase clean 4m\n" + stageTable(t),
			stderrFile: ""}, "stdout.txt line 2"},
	} {
		root := t.TempDir()
		writeRunDir(t, root, "prism", c.files)
		_, err := readRuns(context.Background(), root, "2026-11-21")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
	if _, err := readRuns(context.Background(), t.TempDir(), "2026-11-21"); err == nil ||
		!strings.Contains(err.Error(), "no runner folder") {
		t.Errorf("empty runs folder: got %v", err)
	}
}

// TestResumedPhases: a resumed run's phases that earlier attempts finished take their wall times
// from the latest attempt that ran them; one no attempt ran is an error naming the run's output.
func TestResumedPhases(t *testing.T) {
	root := t.TempDir()
	dir := writeRunDir(
		t,
		root,
		"prism",
		map[string]string{
			timeFile:   strings.Replace(killedReport, "Command terminated by signal 9\n", "", 1),
			loadFile:   "1 2 3 1/1 1\n4 5 6 1/1 1\n",
			stderrFile: "",
			stdoutFile: "nightly 2026-11-21: 415 files\nresuming attempt 2026-11-21-x\n" +
				"phase clean: finished by an earlier attempt, its hand-over is read again\n" +
				"phase resolve: finished by an earlier attempt, its hand-over is read again\n" +
				"phase portraits: 1h2m13.8s\n",
		},
	)
	writeRunDir(
		t,
		dir,
		"attempt-1",
		map[string]string{stdoutFile: "phase clean: 34m28s\nphase resolve: 20m\n"},
	)
	writeRunDir(
		t,
		dir,
		"attempt-2",
		map[string]string{stdoutFile: "resuming attempt 2026-11-21-x\n" +
			"phase clean: finished by an earlier attempt, its hand-over is read again\n" +
			"phase resolve: 15m58s\n"},
	)
	got, err := readPhases(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []phase{
		{Name: "clean", Wall: 34*time.Minute + 28*time.Second, Attempt: 1},
		{Name: "resolve", Wall: 15*time.Minute + 58*time.Second, Attempt: 2},
		{Name: "portraits", Wall: time.Hour + 2*time.Minute + 13800*time.Millisecond},
	}
	if !slices.Equal(got, want) {
		t.Errorf("phases %v, want %v", got, want)
	}
	r, err := readRun(context.Background(), dir, "2026-11-21")
	if err != nil {
		t.Fatal(err)
	}
	// This attempt's 7m4.88s (the time report's), and the two phases earlier attempts ran.
	if w := 7*time.Minute + 4880*time.Millisecond + 34*time.Minute + 28*time.Second + 15*time.Minute +
		58*time.Second; r.Wall != w ||
		!r.Resumed {
		t.Errorf("resumed run's wall %v resumed %v, want %v and true", r.Wall, r.Resumed, w)
	}
	if err := os.RemoveAll(filepath.Join(dir, "attempt-1")); err != nil {
		t.Fatal(err)
	}
	if _, err := readPhases(dir); err == nil ||
		!strings.Contains(err.Error(), filepath.Join(dir, stdoutFile)+" line 3") {
		t.Errorf("a resumed phase no attempt ran: %v, want an error naming the output's line", err)
	}
}
