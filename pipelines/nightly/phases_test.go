package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestPhasedGivesTheSameTables runs one date as one pipeline, then again in phases (--phased),
// both continuing the same previous run and forgetting the same person: every table must hold the
// same rows, person ids included, and the phases' hand-over, which holds raw identifiers, must be
// gone once the run is finished.
func TestPhasedGivesTheSameTables(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job three times")
	}
	sourcesFile := generate(t, 200)
	_, _, list := eraseList(t, sourcesFile)
	out := t.TempDir()
	dayBefore := shiftDate(t, testDate, -1)
	runDay(t, sourcesFile, out, dayBefore)
	// The phases continue a copy of the day before: the first run carries its erasure request into
	// the runs kept before it, so the same folder would give the second run another previous night.
	phasedOut := t.TempDir()
	copyTree(t, sink.RunDir(out, dayBefore), sink.RunDir(phasedOut, dayBefore))
	o := options{
		Sources: sourcesFile,
		Date:    testDate,
		Output:  out,
		Salt:    saltflag.Flags{Env: "PORTRAITS_TEST_SALT"},
		Erase:   list,
	}
	var log bytes.Buffer
	if err := run(context.Background(), o, &log); err != nil {
		t.Fatalf("nightly: %v\n%s", err, log.String())
	}
	one := runTables(t, out, testDate)
	oneCard := readRunFile(t, out, matchCardFile)

	log.Reset()
	o.Phased, o.Output = true, phasedOut
	o.StepStats = filepath.Join(t.TempDir(), "steps.tsv")
	if err := run(context.Background(), o, &log); err != nil {
		t.Fatalf("nightly --phased: %v\n%s", err, log.String())
	}
	for _, phase := range []string{"phase clean: ", "phase resolve: ", "phase portraits: ",
		"\nhandover "} {
		if !strings.Contains(log.String(), phase) {
			t.Errorf("the log does not show %q:\n%s", phase, log.String())
		}
	}
	checkStepStats(t, o.StepStats)
	phased := runTables(t, phasedOut, testDate)
	if len(one["persons"]) == 0 || len(one["events"]) == 0 || len(one["erasures"]) == 0 {
		t.Fatal(
			"the one-pipeline run has no persons, events or erasures: the comparison would prove nothing",
		)
	}
	for _, table := range schemas.All() {
		if !slices.Equal(one[table.Name], phased[table.Name]) {
			t.Errorf(
				"table %s differs between one pipeline and phases (%d rows, then %d)\n%s",
				table.Name,
				len(
					one[table.Name],
				),
				len(phased[table.Name]),
				firstDifference(one[table.Name], phased[table.Name]),
			)
		}
	}
	// The matching models' card crosses from the resolve phase to the last one.
	if card := readRunFile(t, phasedOut, matchCardFile); !bytes.Equal(card, oneCard) ||
		!bytes.Contains(card, []byte(`"name": "post"`)) {
		t.Errorf(
			"%s of one pipeline and of phases differ, or name no post model:\n%s\n%s",
			matchCardFile,
			oneCard,
			card,
		)
	}
	if _, err := os.Stat(filepath.Join(sink.RunDir(phasedOut, testDate),
		"_temporary")); !os.IsNotExist(
		err,
	) {
		t.Errorf("the run's temporary folder, with the hand-over, is still there (%v)", err)
	}
}

// readRunFile reads a file of the test date's run folder.
func readRunFile(t *testing.T, out, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sink.RunDir(out, testDate), name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkStepStats checks the --step-stats file of a phased run: a header, then steps of every phase,
// the ingest step that read the sources among them.
func checkStepStats(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "phase\tstep\tstage\ttime_s\tin\tout" {
		t.Fatalf("step stats header %q", lines[0])
	}
	phases := map[string]int{}
	readRows := false
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			t.Fatalf("step stats line %q: want 6 fields", l)
		}
		phases[f[0]]++
		readRows = readRows || (f[2] == "ingest" && f[5] != "0")
	}
	if phases["clean"] == 0 || phases["resolve"] == 0 || phases["portraits"] == 0 || !readRows {
		t.Errorf(
			"step stats: steps per phase %v, an ingest step with rows out %v",
			phases,
			readRows,
		)
	}
}
