//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestResume follows one date through the failures --resume is for. A run in phases whose
// resolution fails (last night's identity map cannot be read) keeps its clean phase; resuming it
// with another salt is refused; resuming it as it was, killed once resolution is recorded, adds
// resolution to the same attempt; resuming that runs the portraits phase alone and gives the
// tables of a run never stopped, then removes the temporary folder.
func TestResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job six times")
	}
	ctx := context.Background()
	sourcesFile := generate(t, 200)
	out := t.TempDir()
	runDay(t, sourcesFile, out, shiftDate(t, testDate, -1)) // sets the salt
	// The temporary folder of the date's attempts (a glob: one attempt's run id is in the path).
	tmp := filepath.Join(sink.AttemptsDir(out, testDate), "*", "dt="+testDate, "_temporary")
	o := options{
		Sources: sourcesFile,
		Date:    testDate,
		Output:  out,
		Salt:    saltflag.Flags{Env: "PORTRAITS_TEST_SALT"},
	}
	var log bytes.Buffer
	if err := run(ctx, o, &log); err != nil {
		t.Fatalf("nightly: %v\n%s", err, log.String())
	}
	finished := runTables(t, out, testDate)

	o.Resume = true
	if err := run(ctx, o, &log); err == nil || !strings.Contains(err.Error(), "--phased") {
		t.Fatalf("--resume without --phased: %v, want an error asking for --phased", err)
	}

	// Resolution fails: a file of last night's identity map is missing.
	m, err := sink.ReadManifest(ctx, out, shiftDate(t, testDate, -1))
	if err != nil {
		t.Fatal(err)
	}
	identity := filepath.Join(
		sink.RunDir(out, shiftDate(t, testDate, -1)),
		m.Tables["identity_map"].Files[0],
	)
	if err := os.Rename(identity, identity+".away"); err != nil {
		t.Fatal(err)
	}
	o.Phased, o.Resume = true, false
	log.Reset()
	err = run(ctx, o, &log)
	if err == nil || !strings.Contains(err.Error(), filepath.Base(identity)) ||
		!strings.Contains(err.Error(), "finished phases (clean)") {
		t.Fatalf(
			"a run that cannot read last night's identity map: %v, want the file named and "+
				"the phases kept\n%s",
			err,
			log.String(),
		)
	}
	if err := os.Rename(identity+".away", identity); err != nil {
		t.Fatal(err)
	}
	attempt := recordsOf(t, tmp, "clean.json")
	claimsDir := clean.ClaimsDir(filepath.Join(tmp, attempt))
	if claims, _ := filepath.Glob(filepath.Join(claimsDir, "*")); len(claims) > 0 {
		t.Errorf("deduplication's claims outlived the clean phase: %v", claims)
	}

	o.Resume = true
	t.Setenv("PORTRAITS_TEST_SALT", "another-test-salt-16")
	if err := run(ctx, o, &log); err == nil ||
		!strings.Contains(err.Error(), "another hashing salt") {
		t.Fatalf("resuming with another salt: %v, want a refusal naming the salt", err)
	}
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")

	killMidRun(
		t,
		buildNightly(t),
		sourcesFile,
		out,
		filepath.Join(tmp, "*", phasesDir, "resolve.json"),
		"--phased",
		"--resume",
	)
	if again := recordsOf(t, tmp, "clean.json", "resolve.json"); again != attempt {
		t.Fatalf(
			"the resumed attempt recorded resolution in %s, not in the attempt it resumed, %s",
			again,
			attempt,
		)
	}

	log.Reset()
	if err := run(ctx, o, &log); err != nil {
		t.Fatalf("nightly --phased --resume: %v\n%s", err, log.String())
	}
	for _, line := range []string{"resuming attempt " + attempt,
		"phase clean: finished by an earlier attempt",
		"phase resolve: finished by an earlier attempt", "phase portraits: "} {
		if !strings.Contains(log.String(), line) {
			t.Errorf("the resumed run's log does not show %q:\n%s", line, log.String())
		}
	}
	resumed := runTables(t, out, testDate)
	for name, want := range finished {
		if got := resumed[name]; !slices.Equal(got, want) {
			t.Errorf(
				"table %s of the resumed run differs from the run never stopped (%d rows, then %d)\n%s",
				name,
				len(want),
				len(got),
				firstDifference(want, got),
			)
		}
	}
	if _, err := os.Stat(sink.AttemptsDir(out, testDate)); !os.IsNotExist(err) {
		t.Errorf("the finished run left its attempts, with the hand-over (%v)", err)
	}
}

// recordsOf checks that the phase records under the temporary folder tmp are exactly names, of one
// attempt, and returns that attempt's run id.
func recordsOf(t *testing.T, tmp string, names ...string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tmp, "*", phasesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	attempts := map[string]bool{}
	for _, f := range files {
		got = append(got, filepath.Base(f))
		attempts[filepath.Base(filepath.Dir(filepath.Dir(f)))] = true
	}
	if !slices.Equal(got, names) || len(attempts) != 1 {
		t.Fatalf("phase records %q, want %q of one attempt", files, names)
	}
	for id := range attempts {
		return id
	}
	return ""
}
