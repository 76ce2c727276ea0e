package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestFailedRunNamesTheFile cuts an events file short, so that reading it fails the job: in one
// pipeline and in phases the run must fail naming the file and leave no manifest. Whether the
// temporary folder is gone is not checked: the run removes it, but a bundle of another stage still
// running when the runner reports the failure can write a file after that (seen in phases).
func TestFailedRunNamesTheFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job twice")
	}
	sourcesFile := generate(t, 200)
	dir := filepath.Dir(sourcesFile)
	events, err := filepath.Glob(filepath.Join(dir, "clickstream", "events", "dt=*", "*.jsonl.gz"))
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
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	for _, phased := range []bool{false, true} {
		out := t.TempDir()
		var log bytes.Buffer
		err := run(
			context.Background(),
			options{
				Sources: sourcesFile,
				Date:    testDate,
				Output:  out,
				Salt:    saltflag.Flags{Env: "PORTRAITS_TEST_SALT"},
				Phased:  phased,
			},
			&log,
		)
		if err == nil || !strings.Contains(err.Error(), filepath.Base(events[0])) {
			t.Fatalf(
				"phased %v: a truncated input gave error %v, want one naming %s\n%s",
				phased,
				err,
				events[0],
				log.String(),
			)
		}
		runDir := sink.RunDir(out, testDate)
		if _, err := os.Stat(filepath.Join(runDir, sink.ManifestName)); !os.IsNotExist(err) {
			t.Errorf("phased %v: the failed run left %s (stat: %v)", phased, sink.ManifestName, err)
		}
	}
}
