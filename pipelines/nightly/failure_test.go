package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/sink"
)

// TestFailedRunLeavesNoTemporaryFiles cuts an events file short, so that reading it fails the job
// after the claims of deduplication and the first part files are written: in one pipeline and in
// phases the run must fail naming the file, and leave neither a manifest nor its temporary folder.
func TestFailedRunLeavesNoTemporaryFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job twice")
	}
	sourcesFile := generate(t, 200)
	events, err := filepath.Glob(filepath.Join(filepath.Dir(sourcesFile), "clickstream", "events", "*.jsonl.gz"))
	if err != nil || len(events) == 0 {
		t.Fatalf("no events file to cut short (%v)", err)
	}
	data, err := os.ReadFile(events[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(events[0], data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTRAITS_TEST_SALT", "test-salt")
	for _, phased := range []bool{false, true} {
		out := t.TempDir()
		var log bytes.Buffer
		err := run(context.Background(), options{Sources: sourcesFile, Date: testDate, Output: out, SaltEnv: "PORTRAITS_TEST_SALT", Phased: phased}, &log)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(events[0])) {
			t.Fatalf("phased %v: a truncated input gave error %v, want one naming %s\n%s", phased, err, events[0], log.String())
		}
		runDir := sink.RunDir(out, testDate)
		for _, left := range []string{"_temporary", sink.ManifestName} {
			if _, err := os.Stat(filepath.Join(runDir, left)); !os.IsNotExist(err) {
				t.Errorf("phased %v: the failed run left %s (stat: %v)", phased, left, err)
			}
		}
	}
}
