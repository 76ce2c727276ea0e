package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/report"
	"github.com/shopportraits/portraits/transforms/sources"
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
	for _, bad := range []string{"", "out", "out/2026-11-21", "out/dt=2026-13-01",
		"out/dt=yesterday"} {
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
	if err := render(context.Background(), &w, filepath.Join(out, "dt=2026-11-22"),
		report.Options{}); err == nil {
		t.Error("a folder without a manifest was reported")
	}
}

// TestRenderLang: --lang zh writes the page in Chinese, the sample's sources config (its
// business_timezone is Asia/Shanghai) does so by default, --lang en overrides it, and an unknown
// language is refused before anything is written.
func TestRenderLang(t *testing.T) {
	ctx := context.Background()
	cfg, err := sources.Load("../../sample/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o    report.Options
		want string
	}{
		{report.Options{Lang: "zh"}, `<html lang="zh-Hans">`},
		{report.Options{Sources: cfg}, `<html lang="zh-Hans">`},
		{report.Options{Sources: cfg, Lang: "en"}, `<html lang="en">`},
		{report.Options{}, `<html lang="en">`},
	} {
		dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", publishtest.Run(1, 10))
		if err := render(ctx, io.Discard, dir, c.o); err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(filepath.Join(dir, report.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), c.want) {
			t.Errorf("--lang %q, sources %v: the page is not marked %s", c.o.Lang,
				c.o.Sources != nil, c.want)
		}
	}
	dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", publishtest.Run(1, 10))
	err = render(ctx, io.Discard, dir, report.Options{Lang: "fr"})
	if err == nil || !strings.Contains(err.Error(), "--lang") {
		t.Errorf("--lang fr: %v, want an error naming --lang", err)
	}
	if _, err := os.Stat(filepath.Join(dir, report.FileName)); !os.IsNotExist(err) {
		t.Errorf("--lang fr wrote a report (%v)", err)
	}
}
