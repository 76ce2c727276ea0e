package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/salt/saltflag"
)

// TestDryRunPrintsTheGraph checks that --dry-run shows every stage and writes nothing.
func TestDryRunPrintsTheGraph(t *testing.T) {
	sourcesFile := generate(t, 20)
	out := filepath.Join(t.TempDir(), "out")
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	var log bytes.Buffer
	err := run(
		context.Background(),
		options{
			Sources: sourcesFile,
			Date:    testDate,
			Output:  out,
			Salt:    saltflag.Flags{Env: "PORTRAITS_TEST_SALT"},
			DryRun:  true,
		},
		&log,
	)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, log.String())
	}
	for _, stage := range []string{"ingest.Read", "clean.Validate.users",
		"resolve.Resolve/resolve.Components", "portrait.Build",
		"score.Build", "segment.Build", "sink.Write.portraits", "sink.Finalize"} {
		if !strings.Contains(log.String(), "\n"+stage+"\n") {
			t.Errorf("the graph lacks %s", stage)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a dry run touched the output folder (%v)", err)
	}
}
