package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/report"
)

func TestSplitRun(t *testing.T) {
	for run, want := range map[string][2]string{
		"out/dt=2026-11-21":             {"out", "2026-11-21"},
		"out/dt=2026-11-21/":            {"out", "2026-11-21"},
		"dt=2026-11-21":                 {".", "2026-11-21"},
		"gs://bucket/out/dt=2026-11-21": {"gs://bucket/out", "2026-11-21"},
		"/abs/path/dt=2026-01-02":       {"/abs/path", "2026-01-02"},
	} {
		output, date, err := splitRun(run)
		if err != nil || output != want[0] || date != want[1] {
			t.Errorf("splitRun(%q) = %q, %q, %v; want %q", run, output, date, err, want)
		}
	}
	for _, bad := range []string{"", "out", "out/2026-11-21", "out/dt=2026-13-01", "out/dt=yesterday"} {
		if _, _, err := splitRun(bad); err == nil {
			t.Errorf("splitRun(%q) accepted a folder that is no run", bad)
		}
	}
}

func TestRenderWritesTheReport(t *testing.T) {
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", publishtest.Run(1, 20))
	var w bytes.Buffer
	if err := render(context.Background(), &w, dir, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "wrote " + dir + "/report.html\n"; w.String() != want {
		t.Errorf("printed %q, want %q", w.String(), want)
	}
	page, err := os.ReadFile(filepath.Join(dir, report.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<section id="lifecycle">`) ||
		!strings.Contains(string(page), "Nightly run 2026-11-21") {
		t.Error("the written page is not the run's report")
	}
	if err := render(context.Background(), &w, filepath.Join(out, "dt=2026-11-22"), report.Options{}); err == nil {
		t.Error("a folder without a manifest was reported")
	}
}
