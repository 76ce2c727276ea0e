package progress

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStartPrintsUntilStopped: a line per interval with the probe's figures, a failing probe
// named, and nothing after stop.
func TestStartPrintsUntilStopped(t *testing.T) {
	var calls atomic.Int32
	probe := func(context.Context) (Sample, error) {
		if calls.Add(1) == 2 {
			return Sample{}, errors.New("connection refused")
		}
		return Sample{Elements: 1234, Busiest: "clean.Validate.events"}, nil
	}
	var buf bytes.Buffer
	w := Locked(&buf)
	stop := Start(w, 20*time.Millisecond, probe)
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	out := buf.String()
	for _, want := range []string{"progress: ", " elapsed, 1234 elements so far, busiest " +
		"clean.Validate.events, memory ", "runner not answering (connection refused)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the heartbeat lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Count(out, "\n")
	time.Sleep(60 * time.Millisecond)
	if after := strings.Count(buf.String(), "\n"); after != lines {
		t.Errorf("%d lines after stop", after-lines)
	}
}

// TestNilProbeReportsTimeAndMemory: a runner with nothing to ask still shows the job alive.
func TestNilProbeReportsTimeAndMemory(t *testing.T) {
	got := line(context.Background(), 90*time.Second, nil)
	if !strings.HasPrefix(got, "progress: 1m30s elapsed, memory ") ||
		!strings.HasSuffix(got, " GiB") {
		t.Errorf("line = %q", got)
	}
}
