package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestRerunGivesTheSameTables builds the day before the test date, then the test date twice, from
// one generated input. Both runs of the date continue the same previous run, so every table of
// schemas.All() must hold the same rows both times (compared as sorted sets of decoded rows,
// whatever the files are called), person ids included: ids are stable when nothing changed. The
// run's other files (the model, prediction and match cards, the activation lists) and the manifest
// must be the same byte for byte, but for the manifest's run id, creation time and part files:
// bundles and part files differ between runs, so a floating sum taken in arrival order would show
// in the last digit. The input has the bundled sample's thousand persons: with fewer, too few
// review-site posts are scored for such a sum to differ.
func TestRerunGivesTheSameTables(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job three times")
	}
	sourcesFile := generate(t, 1000)
	out := t.TempDir()
	dayBefore := shiftDate(t, testDate, -1)
	runDay(t, sourcesFile, out, dayBefore)
	var runs [2]map[string][]string
	var files [2]map[string][]byte
	for i := range runs {
		summary := runDay(t, sourcesFile, out, testDate)
		if !strings.Contains(summary, "person ids continue the run of "+dayBefore) {
			t.Fatalf(
				"run %d of %s does not continue the run of %s:\n%s",
				i+1,
				testDate,
				dayBefore,
				summary,
			)
		}
		runs[i] = runTables(t, out, testDate)
		files[i] = runFiles(t, out, testDate)
	}
	for _, name := range []string{"model_card.json", "prediction_card.json", "match_model.json",
		sink.ManifestName} {
		if _, ok := files[0][name]; !ok {
			t.Fatalf("the run has no %s: the comparison would prove nothing", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files[0])) {
		second, ok := files[1][name]
		if !ok {
			t.Errorf("%s: written by the first run only", name)
			continue
		}
		if !bytes.Equal(files[0][name], second) {
			t.Errorf(
				"%s differs between two runs of %s\n%s",
				name,
				testDate,
				firstDifference(
					strings.Split(string(files[0][name]), "\n"),
					strings.Split(string(second), "\n"),
				),
			)
		}
	}
	for name := range files[1] {
		if _, ok := files[0][name]; !ok {
			t.Errorf("%s: written by the second run only", name)
		}
	}
	for _, name := range []string{"persons", "identity_map"} {
		if len(runs[0][name]) == 0 {
			t.Fatalf("table %s is empty: the comparison would prove nothing", name)
		}
	}
	for _, table := range schemas.All() {
		first, ok1 := runs[0][table.Name]
		second, ok2 := runs[1][table.Name]
		if !ok1 || !ok2 {
			t.Errorf(
				"table %s missing from the manifest (first run: %v, second run: %v)",
				table.Name,
				ok1,
				ok2,
			)
			continue
		}
		if !slices.Equal(first, second) {
			t.Errorf(
				"table %s differs between two runs of %s (%d rows, then %d)\n%s",
				table.Name,
				testDate,
				len(first),
				len(second),
				firstDifference(first, second),
			)
		}
	}
}

// runDay runs the nightly job in this process for one date, with the default --previous (the
// latest finished run before the date under the output), and returns what it printed.
func runDay(t *testing.T, sourcesFile, output, date string) string {
	t.Helper()
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	var out bytes.Buffer
	if err := run(context.Background(), options{Sources: sourcesFile, Date: date, Output: output,
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}, &out); err != nil {
		t.Fatalf("nightly %s: %v\n%s", date, err, out.String())
	}
	return out.String()
}

// runTables reads every table of a finished run through its manifest: each row decoded into its
// schemas struct, as JSON (pointers followed), sorted. It checks that the rows of each table's
// files add up to the manifest's count.
func runTables(t *testing.T, output, date string) map[string][]string {
	t.Helper()
	m, err := sink.ReadManifest(context.Background(), output, date)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][]string{}
	for name, info := range m.Tables {
		table, err := schemas.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		rows := []string{}
		for _, rel := range info.Files {
			path := sink.Join(sink.RunDir(output, date), rel)
			data, err := sink.ReadFile(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			err = table.ReadRows(bytes.NewReader(data), int64(len(data)), func(row any) {
				b, err := json.Marshal(row)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				rows = append(rows, string(b))
			})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		if int64(len(rows)) != info.Rows {
			t.Errorf(
				"table %s: the manifest counts %d rows, its files hold %d",
				name,
				info.Rows,
				len(rows),
			)
		}
		slices.Sort(rows)
		tables[name] = rows
	}
	return tables
}

// runFiles reads a finished run's files besides its tables, by path relative to the run folder:
// every file the manifest lists (the model, prediction and match cards, the activation lists) and
// the manifest itself, with its run id, its creation time and its tables' part files blanked (they
// differ by design: how many part files a table gets depends on the runner's bundles).
func runFiles(t *testing.T, output, date string) map[string][]byte {
	t.Helper()
	m, err := sink.ReadManifest(context.Background(), output, date)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(sink.RunDir(output, date), f.Path))
		if err != nil {
			t.Fatal(err)
		}
		files[f.Path] = data
	}
	m.RunID, m.CreatedAt = "", ""
	for name, info := range m.Tables {
		info.Files = nil
		m.Tables[name] = info
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files[sink.ManifestName] = data
	return files
}

// firstDifference describes the first row where two sorted row lists part.
func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return "first difference:\n  " + a[i] + "\n  " + b[i]
		}
	}
	if len(a) > len(b) {
		return "only in the first: " + a[len(b)]
	}
	if len(b) > len(a) {
		return "only in the second: " + b[len(a)]
	}
	return ""
}

// shiftDate returns the date days after date (YYYY-MM-DD).
func shiftDate(t *testing.T, date string, days int) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, days).Format(time.DateOnly)
}
