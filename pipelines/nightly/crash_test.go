//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestCrashedRunIsRefusedThenRerunCleanly builds the nightly binary, finishes a run of the test
// date, then reruns the date and kills the job's process group with SIGKILL once it has written
// part files. The killed run must not look finished: no manifest, publish refuses the folder and
// the next night does not continue it. A rerun of the date then finishes with a manifest that
// lists exactly the part files on disk, counts that add up and the rows of the first run.
func TestCrashedRunIsRefusedThenRerunCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the nightly binary and runs it three times")
	}
	ctx := context.Background()
	bin := buildNightly(t)
	sourcesFile := generate(t, 200)
	out := t.TempDir()
	runDir := sink.RunDir(out, testDate)

	runBinary(t, bin, sourcesFile, out)
	finished := runTables(t, out, testDate)
	before, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatal(err)
	}

	// A rerun killed part-way leaves the date's finished run as it was.
	attempts := sink.AttemptsDir(out, testDate)
	killMidRun(
		t,
		bin,
		sourcesFile,
		out,
		filepath.Join(attempts, "*", "dt="+testDate, "_temporary", "*", "*", "*.parquet"),
	)
	if m, err := sink.ReadManifest(ctx, out, testDate); err != nil || m.RunID != before.RunID {
		t.Fatalf(
			"after a killed rerun the date's manifest is %+v, %v; want the finished run's",
			m,
			err,
		)
	}
	if _, err := publish.Load(ctx, runDir); err != nil {
		t.Fatalf("publish.Load of the date after a killed rerun: %v", err)
	}
	if prev, err := sink.Previous(ctx, out, shiftDate(t, testDate, 1)); err != nil ||
		prev != testDate {
		t.Fatalf("the next night would continue %q (%v), want %s", prev, err, testDate)
	}
	for name, rows := range runTables(t, out, testDate) {
		if !slices.Equal(rows, finished[name]) {
			t.Errorf("table %s changed after a killed rerun", name)
		}
	}

	runBinary(t, bin, sourcesFile, out)
	if _, err := os.Stat(attempts); !os.IsNotExist(err) {
		t.Errorf("after the rerun, the killed attempt's folder remains (%v)", err)
	}
	m, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatalf("the rerun did not finish: %v", err)
	}
	var listed []string
	for _, info := range m.Tables {
		for _, rel := range info.Files {
			listed = append(listed, filepath.Join(runDir, rel))
		}
	}
	onDisk, err := filepath.Glob(filepath.Join(runDir, "*", "part-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	if !slices.Equal(onDisk, listed) {
		t.Errorf(
			"part files on disk differ from the manifest's:\non disk %q\nlisted  %q",
			onDisk,
			listed,
		)
	}
	rows, err := sink.ReadTable[schemas.QualityCount](ctx, out, testDate, "quality")
	if err != nil {
		t.Fatal(err)
	}
	if problems := quality.Check(quality.Totals(rows)); len(problems) > 0 {
		t.Errorf("counts of the rerun do not add up: %v", problems)
	}
	rerun := runTables(t, out, testDate) // also checks each table's rows against the manifest
	for name, want := range finished {
		if got := rerun[name]; !slices.Equal(got, want) {
			t.Errorf(
				"table %s after the crash and rerun differs from the first run (%d rows, then %d)\n%s",
				name,
				len(want),
				len(got),
				firstDifference(want, got),
			)
		}
	}
}

// buildNightly compiles this package into a binary in a temporary folder.
func buildNightly(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nightly")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return bin
}

// nightlyCommand is the binary's command for the test date with args added, in its own process
// group.
func nightlyCommand(bin, sourcesFile, out string, output *bytes.Buffer, args ...string) *exec.Cmd {
	cmd := exec.Command(
		bin,
		append([]string{"--sources", sourcesFile, "--date", testDate, "--output", out,
			"--salt-env", "PORTRAITS_TEST_SALT", "--runner", "prism"}, args...)...)
	cmd.Env = append(os.Environ(), "PORTRAITS_TEST_SALT=nightly-test-salt-16")
	cmd.Stdout, cmd.Stderr = output, output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// runBinary runs the nightly binary to its end and fails the test unless it succeeds.
func runBinary(t *testing.T, bin, sourcesFile, out string) {
	t.Helper()
	var output bytes.Buffer
	cmd := nightlyCommand(bin, sourcesFile, out, &output)
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("nightly: %v\n%s", err, tail(output.Bytes()))
		}
	case <-time.After(5 * time.Minute):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Fatalf("nightly did not finish in 5 minutes\n%s", tail(output.Bytes()))
	}
}

// killMidRun starts the nightly binary with args and, as soon as a file matches pattern, kills its
// whole process group with SIGKILL; it checks that no process of the group is left.
func killMidRun(t *testing.T, bin, sourcesFile, out, pattern string, args ...string) {
	t.Helper()
	var output bytes.Buffer
	cmd := nightlyCommand(bin, sourcesFile, out, &output, args...)
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if parts, _ := filepath.Glob(pattern); len(parts) > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf(
				"nightly ended (%v) before writing %s to kill it on\n%s",
				err,
				pattern,
				tail(output.Bytes()),
			)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			t.Fatalf("no %s in 5 minutes\n%s", pattern, tail(output.Bytes()))
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill the job's process group: %v", err)
	}
	var exit *exec.ExitError
	if err := <-done; !errors.As(err, &exit) ||
		exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf(
			"the job was not killed mid-run (wait: %v): it finished first\n%s",
			err,
			tail(output.Bytes()),
		)
	}
	alive := func() bool { return syscall.Kill(-cmd.Process.Pid, 0) == nil }
	for start := time.Now(); alive(); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("a process of the killed job's group is still alive")
		}
	}
}

// tail is the end of a command's output, for failure messages.
func tail(b []byte) string {
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
