package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestPortableRunEqualsInProcess runs the nightly through Beam's portable path, as Dataflow runs
// it (scripts/run-portable.sh: a standalone Prism job server, SDK workers started by Beam's Go
// boot loader as other processes with an empty environment, the stripped worker binary, the salt
// handed over in a file), and in this process, on the same input: every table must be the same.
func TestPortableRunEqualsInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Prism, Beam's boot loader and the worker binary")
	}
	sourcesFile := generate(t, 200)
	portable, local := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "../../scripts/run-portable.sh", "--sources",
		sourcesFile, "--date", testDate, "--output", portable)
	cmd.Env = append(os.Environ(), "PORTRAITS_SALT=nightly-test-salt-16")
	// The boot loader writes pipeline_options.json where it starts; the script starts it in
	// a folder of its own, not the repository's root.
	const options = "../../pipeline_options.json"
	_, before := os.Stat(options)
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run-portable.sh: %v\n%s", err, tail(log))
	}
	if _, after := os.Stat(options); os.IsNotExist(before) && after == nil {
		os.Remove(options)
		t.Errorf("the portable run left %s behind", options)
	}
	for _, want := range []string{"Prism job server on localhost:", "hashing salt: file "} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the portable run's log lacks %q:\n%s", want, tail(log))
		}
	}
	runDay(t, sourcesFile, local, testDate)
	sameTables(t, runTables(t, portable, testDate), runTables(t, local, testDate),
		"through the portable path", "in process")
}
