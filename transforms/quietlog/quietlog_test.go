package quietlog

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestFirstLines(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(firstLines{next: slog.NewTextHandler(&buf, nil)})
	log.Error("bundle failed:\n1: DataSource\n2: ParDo", "error", "stage failed:\nplan", "n", 3)
	got := buf.String()
	if strings.Contains(got, "DataSource") || strings.Contains(got, "plan") ||
		!strings.Contains(got, "bundle failed: …") || !strings.Contains(got, "n=3") {
		t.Errorf("record = %q", got)
	}
	if !log.Handler().WithGroup("g").WithAttrs(nil).Enabled(context.Background(), slog.LevelError) {
		t.Error("a derived handler is disabled")
	}
}

func TestCause(t *testing.T) {
	msg := "job job-001 failed:\n" +
		"bundle inst027 failed: while executing Process for Plan[stage-009]:\n" +
		"1: DataSource[S[stage-009_source], i0] Out:18\n\tcaused by:\nsource failed processing data\n" +
		"\tcaused by:\nDoFn[UID:18, PID:e82, Name: github.com/x/portraits/transforms/ingest.readFn] " +
		"failed:\ningest: source events: read e.jsonl.gz line 530: unexpected EOF"
	want := "in ingest.readFn: ingest: source events: read e.jsonl.gz line 530: unexpected EOF"
	if got := Cause(msg); got != want {
		t.Errorf("Cause = %q\nwant    %q", got, want)
	}
	if got := Cause("no plan\nhere"); got != "no plan here" {
		t.Errorf("Cause without a cause = %q", got)
	}
}
