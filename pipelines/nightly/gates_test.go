package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/exitcode"
	"github.com/shopportraits/portraits/transforms/lease"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestBreachedGateIsNotPublished holds the events source to rejecting none of its records: the
// generator's bots break that gate, so the night exits 3, publishes nothing, and leaves its report
// and quality table in the attempt folder, which the error names.
func TestBreachedGateIsNotPublished(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job")
	}
	sourcesFile := generate(t, 100)
	cfg := string(mustRead(t, sourcesFile))
	const events = "  - name: events\n"
	if !strings.Contains(cfg, events) {
		t.Fatalf("%s declares no events source", sourcesFile)
	}
	cfg = strings.Replace(cfg, events, events+"    max_reject_rate: 0\n", 1)
	if err := os.WriteFile(sourcesFile, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	out := t.TempDir()
	var log bytes.Buffer
	err := run(context.Background(), options{Sources: sourcesFile, Date: testDate, Output: out,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}, &log)
	if exitcode.Of(err) != exitcode.Quality || !strings.Contains(err.Error(), "events") {
		t.Fatalf("err %v (exit code %d), want exit code %d naming events\n%s", err,
			exitcode.Of(err), exitcode.Quality, log.String())
	}
	if _, err := sink.ReadManifest(context.Background(), out, testDate); err == nil {
		t.Error("a night that breached a gate was published")
	}
	reports, _ := filepath.Glob(filepath.Join(sink.AttemptsDir(out, testDate), "*", "dt="+testDate,
		"report.html"))
	if len(reports) != 1 || !strings.Contains(err.Error(), filepath.Dir(reports[0])) {
		t.Errorf("attempt reports %v; the error does not name the attempt: %v", reports, err)
	}
}

// TestHeldDateExitsBusy: a second run of a date another run holds stops with exit code 4, naming
// the holder, before it writes anything.
func TestHeldDateExitsBusy(t *testing.T) {
	sourcesFile := generate(t, 20)
	out := t.TempDir()
	ctx := context.Background()
	held, err := lease.Acquire(ctx, lease.Path(out, testDate),
		lease.Holder{RunID: "the-first-run"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release(ctx)
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	var log bytes.Buffer
	err = run(ctx, options{Sources: sourcesFile, Date: testDate, Output: out,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}, &log)
	if exitcode.Of(err) != exitcode.Busy || !strings.Contains(err.Error(), "the-first-run") {
		t.Fatalf("err %v (exit code %d), want exit code %d naming the holder", err,
			exitcode.Of(err), exitcode.Busy)
	}
	if attempts, _ := filepath.Glob(filepath.Join(sink.AttemptsDir(out, testDate), "*")); len(
		attempts) > 0 {
		t.Errorf("the refused run wrote attempts %v", attempts)
	}
}
