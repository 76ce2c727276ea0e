package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// derivedTables are the tables an incremental night must give exactly as a full rebuild does.
var derivedTables = []string{"persons", "identity_map", "merge_history", "portraits",
	"segment_membership", "segment_summary", "cluster_profiles", "affinity_rules",
	"next_best_products", "activation", "erasures", "activation_changes",
	"characteristic_associations"}

// TestIncrementalNightsEqualFullRebuilds runs five nights over generated data in daily partitions
// (late files, replays in later partitions, orders paid then refunded, users who change phone),
// the first in full and the others incrementally, the last with an erasure request; each
// incremental night is compared, table by table and row by row, with a full rebuild of the same
// night that continues the same previous night. Nights after an erasure are not compared: a full
// rebuild fits the matching models over the erased person's records too (they are dropped after
// resolving), so its scores differ in the sixth digit (docs/incremental.md).
// Every night's audiences are last night's plus the lines added minus those removed, and the
// erased person's lines are removed without an id.
func TestIncrementalNightsEqualFullRebuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job nine times")
	}
	ctx := context.Background()
	sourcesFile := generate(t, 150)
	out := t.TempDir()
	first := shiftDate(t, testDate, -4)
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	night := func(output, date string, full bool, erase string) *sink.Manifest {
		t.Helper()
		var log bytes.Buffer
		o := options{Sources: sourcesFile, Date: date, Output: output,
			Salt: saltflag.Flags{
				Env: "PORTRAITS_TEST_SALT",
			}, FullRefresh: full, Incremental: true, Erase: erase}
		if err := run(ctx, o, &log); err != nil {
			t.Fatalf("night %s (full %v): %v\n%s", date, full, err, log.String())
		}
		m, err := sink.ReadManifest(ctx, output, date)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := night(out, first, false, ""); m.Mode != modeFull {
		t.Fatalf("the first night is %s: %s", m.Mode, m.Reason)
	}
	if len(checkAudienceChanges(t, out, out, "", first)) == 0 {
		t.Error("the first night adds no audience line")
	}
	carried := false
	for i := 1; i <= 4; i++ {
		date, prev := shiftDate(t, first, i), shiftDate(t, first, i-1)
		erase, erasedPhone := "", ""
		if i == 4 { // the last night: see docs/incremental.md on erasure
			// A person in one of last night's audiences asks to be forgotten.
			erasedPhone = activatedPhone(t, sourcesFile, out, prev)
			erase = filepath.Join(t.TempDir(), "erase.csv")
			if err := os.WriteFile(erase, []byte("type,value\nphone,"+erasedPhone+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// The full rebuild continues a copy of the same previous night. The night's erasure reaches
		// the runs kept before it, so the audiences are checked against another copy.
		rebuilt, before := t.TempDir(), t.TempDir()
		copyTree(t, sink.RunDir(out, prev), sink.RunDir(rebuilt, prev))
		copyTree(t, sink.RunDir(out, prev), sink.RunDir(before, prev))
		m := night(out, date, false, erase)
		if m.Mode != modeIncremental || m.Previous != prev {
			t.Fatalf("night %s is %s (%s), continuing %q", date, m.Mode, m.Reason, m.Previous)
		}
		if f := night(rebuilt, date, true, erase); f.Mode != modeFull {
			t.Fatalf("the rebuild of %s is %s", date, f.Mode)
		}
		got, want := runTables(t, out, date), runTables(t, rebuilt, date)
		for _, name := range derivedTables {
			g, w := roundedRows(t, got[name]), roundedRows(t, want[name])
			if !slices.Equal(g, w) {
				t.Errorf("night %s: table %s incremental (%d rows) differs from the full rebuild "+
					"(%d rows)\n%s", date, name, len(g), len(w), firstDifference(w, g))
			}
		}
		carried = carried || carriedRows(t, out, date) > 0
		changes := checkAudienceChanges(t, out, before, prev, date)
		if i == 4 {
			checkErasedLines(t, before, prev, phoneMD5(erasedPhone), changes)
		}
	}
	if !carried {
		t.Error("no incremental night carried a row from its state")
	}
}

// carriedRows is how many rows a night took from its previous night's state.
func carriedRows(t *testing.T, out, date string) int64 {
	t.Helper()
	var n int64
	for _, row := range runTables(t, out, date)["quality"] {
		var q struct {
			Measure string `json:"Measure"`
			Count   int64  `json:"Count"`
		}
		if err := json.Unmarshal([]byte(row), &q); err != nil {
			t.Fatal(err)
		}
		if q.Measure == "carried" {
			n += q.Count
		}
	}
	return n
}

// roundedRows rewrites rows (JSON objects) with every number to 9 significant digits, a safety net
// for doubles summed in another order, and sorts them again.
func roundedRows(t *testing.T, rows []string) []string {
	t.Helper()
	out := make([]string, len(rows))
	for i, row := range rows {
		dec := json.NewDecoder(strings.NewReader(row))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rounded(v))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}

func rounded(v any) any {
	switch x := v.(type) {
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			f, err := x.Float64()
			if err == nil {
				return fmt.Sprintf("%.9g", f)
			}
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = rounded(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rounded(e)
		}
	}
	return v
}

// copyTree copies a folder of files.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
