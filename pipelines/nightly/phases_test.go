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
	runDay(t, sourcesFile, out, shiftDate(t, testDate, -1))
	o := options{Sources: sourcesFile, Date: testDate, Output: out, SaltEnv: "PORTRAITS_TEST_SALT", Erase: list}
	var log bytes.Buffer
	if err := run(context.Background(), o, &log); err != nil {
		t.Fatalf("nightly: %v\n%s", err, log.String())
	}
	one := runTables(t, out, testDate)

	log.Reset()
	o.Phased = true
	if err := run(context.Background(), o, &log); err != nil {
		t.Fatalf("nightly --phased: %v\n%s", err, log.String())
	}
	for _, phase := range []string{"phase clean: ", "phase resolve: ", "phase portraits: ", "\nhandover "} {
		if !strings.Contains(log.String(), phase) {
			t.Errorf("the log does not show %q:\n%s", phase, log.String())
		}
	}
	phased := runTables(t, out, testDate)
	if len(one["persons"]) == 0 || len(one["events"]) == 0 || len(one["erasures"]) == 0 {
		t.Fatal("the one-pipeline run has no persons, events or erasures: the comparison would prove nothing")
	}
	for _, table := range schemas.All() {
		if !slices.Equal(one[table.Name], phased[table.Name]) {
			t.Errorf("table %s differs between one pipeline and phases (%d rows, then %d)\n%s", table.Name,
				len(one[table.Name]), len(phased[table.Name]), firstDifference(one[table.Name], phased[table.Name]))
		}
	}
	if _, err := os.Stat(filepath.Join(sink.RunDir(out, testDate), "_temporary")); !os.IsNotExist(err) {
		t.Errorf("the run's temporary folder, with the hand-over, is still there (%v)", err)
	}
}
