package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/exitcode"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestFailedRerunKeepsTheLastGoodNight reruns a finished date on a corrupt input: the rerun fails,
// and the date's finished run stays as it was (manifest, tables, report), so the next night
// continues from it rather than from an older run or afresh. A night after a missing one refuses to
// start (exit code 2) naming the missing date, unless --full-refresh is given.
func TestFailedRerunKeepsTheLastGoodNight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job five times")
	}
	ctx := context.Background()
	sourcesFile := generate(t, 150)
	out := t.TempDir()
	first := runDay(t, sourcesFile, out, testDate)
	before, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode != modeFull || before.Reason == "" || before.Fingerprints["salt"] == "" {
		t.Errorf("manifest mode %q, reason %q, fingerprints %v", before.Mode, before.Reason,
			before.Fingerprints)
	}
	if strings.Contains(string(mustRead(t, filepath.Join(sink.RunDir(out, testDate),
		sink.ManifestName))), "test-salt") {
		t.Error("the manifest holds the salt")
	}
	tables := runTables(t, out, testDate)

	corrupted := corrupt(t, sourcesFile)
	var log bytes.Buffer
	err = run(ctx, options{Sources: sourcesFile, Date: testDate, Output: out,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}, &log)
	if err == nil {
		t.Fatalf("a rerun over a corrupt input succeeded:\n%s", log.String())
	}
	after, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil || after.RunID != before.RunID {
		t.Fatalf("after a failed rerun the date's manifest is %+v, %v; want run %s's",
			after, err, before.RunID)
	}
	for name, rows := range runTables(t, out, testDate) {
		if !slices.Equal(rows, tables[name]) {
			t.Errorf("table %s changed after a failed rerun: %s", name,
				firstDifference(tables[name], rows))
		}
	}
	if _, err := os.Stat(filepath.Join(sink.RunDir(out, testDate), "report.html")); err != nil {
		t.Errorf("the finished run's report is gone: %v", err)
	}

	// The next night continues the last good one.
	if err := os.Rename(corrupted+".orig", corrupted); err != nil {
		t.Fatal(err)
	}
	next := shiftDate(t, testDate, 1)
	if log := runDay(t, sourcesFile, out, next); !strings.Contains(log,
		"person ids continue the run of "+testDate) {
		t.Errorf("night %s does not continue %s:\n%s", next, testDate, log)
	}

	// A night after a missing one refuses to start, naming it.
	later := shiftDate(t, testDate, 3)
	log.Reset()
	err = run(ctx, options{Sources: sourcesFile, Date: later, Output: out,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}, &log)
	missing := shiftDate(t, testDate, 2)
	if exitcode.Of(err) != exitcode.Usage || err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("a night after a gap: err %v (exit code %d), want exit code 2 naming %s",
			err, exitcode.Of(err), missing)
	}
	if _, err := sink.ReadManifest(ctx, out, later); err == nil {
		t.Errorf("the refused night %s was published", later)
	}
	log.Reset()
	if err := run(ctx, options{Sources: sourcesFile, Date: later, Output: out,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}, FullRefresh: true}, &log); err != nil {
		t.Fatalf("--full-refresh across a gap: %v\n%s", err, log.String())
	}
	m, err := sink.ReadManifest(ctx, out, later)
	if err != nil || m.Mode != modeFull || m.Reason != "--full-refresh" || m.Previous != next {
		t.Errorf("--full-refresh night: manifest %+v, %v", m, err)
	}
	if first == "" {
		t.Error("the first night printed nothing")
	}
}

// corrupt cuts the largest events file short, keeps a copy as FILE.orig, and returns FILE.
func corrupt(t *testing.T, sourcesFile string) string {
	t.Helper()
	f := largestEventsFile(t, sourcesFile)
	data := mustRead(t, f)
	if err := os.WriteFile(f+".orig", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func largestEventsFile(t *testing.T, sourcesFile string) string {
	t.Helper()
	var best string
	var size int64
	root := filepath.Join(filepath.Dir(sourcesFile), "clickstream", "events")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".jsonl.gz") {
			return err
		}
		if info, err := d.Info(); err == nil && info.Size() > size {
			best, size = p, info.Size()
		}
		return nil
	})
	if err != nil || best == "" {
		t.Fatalf("no events file under %s (%v)", root, err)
	}
	return best
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
