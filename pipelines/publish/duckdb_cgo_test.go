//go:build cgo

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/gcstest"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

func TestDuckDB(t *testing.T) {
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", publishtest.Run(0, 4))
	var w strings.Builder
	o := flags(dir, "duckdb://"+filepath.Join(out, "w.duckdb"))
	o.ReadOnlyCopy = filepath.Join(out, "analysts.duckdb")
	if err := publishRun(context.Background(), &w, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(full night, 5 tables, 16 rows)",
		"data tests: 7 run, 0 failed, 27 skipped",
		"views: portraits_latest, quality_latest, rejects_latest, quality_daily,",
		"view not created yet: segment_sizes_daily"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, w.String())
		}
	}
	if _, err := os.Stat(o.ReadOnlyCopy); err != nil {
		t.Errorf("no read-only copy: %v", err)
	}
}

// TestFailedTestsAreExitCodeThree: a night that fails a data test of severity error is refused
// with the error that makes the command exit with code 3, and says which test failed.
func TestFailedTestsAreExitCodeThree(t *testing.T) {
	out := t.TempDir()
	tables := publishtest.Run(0, 4)
	tables["portraits"] = append(tables["portraits"], tables["portraits"][0].(schemas.Portrait))
	dir := publishtest.WriteRun(t, out, "2026-11-21", tables)
	var w strings.Builder
	err := publishRun(
		context.Background(),
		&w,
		flags(dir, "duckdb://"+filepath.Join(out, "w.duckdb")),
	)
	if !errors.Is(err, publish.ErrTestsFailed) || exitCode(err) != 3 {
		t.Fatalf("err = %v (exit code %d), want the data tests failed: 3", err, exitCode(err))
	}
	if !strings.Contains(w.String(), "FAILED error portraits.unique(person_id): 1 rows") ||
		strings.Contains(w.String(), "published ") {
		t.Errorf("output:\n%s", w.String())
	}
}

// TestSeverityDecidesTheExitCode: the same failing test refuses the night (exit code 3) at
// severity error, and is reported while the night goes in (exit code 0) at severity warn.
func TestSeverityDecidesTheExitCode(t *testing.T) {
	for _, tc := range []struct {
		severity string
		code     int
	}{{"error", 3}, {"warn", 0}} {
		out := t.TempDir()
		dir := publishtest.WriteRun(t, out, "2026-11-21", publishtest.Run(0, 4))
		tests := filepath.Join(out, "tests.yaml")
		// Of the four persons, one is aware and one dormant.
		yaml := "tests:\n  - {test: accepted_values, table: portraits, column: lifecycle, " +
			"values: [unaware, interested, first_purchase, repeat, loyal, churn_risk], " +
			"severity: " + tc.severity + "}\n"
		if err := os.WriteFile(tests, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		var w strings.Builder
		o := flags(dir, "duckdb://"+filepath.Join(out, "w.duckdb"))
		o.DataTests = tests
		err := publishRun(context.Background(), &w, o)
		if code := exitCode(err); code != tc.code {
			t.Errorf("severity %s: exit code %d (%v), want %d", tc.severity, code, err, tc.code)
		}
		failed := "FAILED " + fmt.Sprintf("%-5s", tc.severity) +
			" portraits.accepted_values(lifecycle): 2 rows"
		if !strings.Contains(w.String(), failed) ||
			strings.Contains(w.String(), "\npublished ") != (tc.code == 0) {
			t.Errorf("severity %s: output lacks %q, or says published wrongly:\n%s", tc.severity,
				failed, w.String())
		}
	}
}

// TestDuckDBFromCloudStorage: a run on gs:// (a fake Cloud Storage) publishes as a local one.
func TestDuckDBFromCloudStorage(t *testing.T) {
	gcstest.Serve(t, "shop")
	dir := publishtest.WriteRun(t, "gs://shop/out", "2026-11-21", publishtest.Run(0, 4))
	var w strings.Builder
	o := flags(dir, "duckdb://"+filepath.Join(t.TempDir(), "w.duckdb"))
	if err := publishRun(context.Background(), &w, o); err != nil {
		t.Fatalf("publish %s: %v\n%s", dir, err, w.String())
	}
	if want := "(full night, 5 tables, 16 rows)"; !strings.Contains(w.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, w.String())
	}
}
