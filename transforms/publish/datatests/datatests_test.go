package datatests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

// TestDefaultTestsParse: the built-in file parses, with the defaults filled in, and declares each
// kind of test the warehouse needs.
func TestDefaultTestsParse(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	names := map[string]bool{}
	for _, tc := range s.Tests {
		kinds[tc.Test]++
		names[tc.Table+"."+tc.Name()] = true
		if tc.Severity != Error && tc.Severity != Warn {
			t.Errorf("%s: severity %q", tc.Name(), tc.Severity)
		}
	}
	all := []string{Unique, NotNull, AcceptedValues, Relationships, RowCountChange, Freshness}
	for _, k := range all {
		if kinds[k] == 0 {
			t.Errorf("no %s test in the built-in file", k)
		}
	}
	for _, want := range []string{
		"portraits.unique(person_id)",
		"portraits.accepted_values(lifecycle)",
		"segment_membership.accepted_values(kind)",
		"segment_membership.relationships(person_id -> portraits.person_id)",
		"portraits.row_count_change",
		"events.freshness(event_time)",
	} {
		if !names[want] {
			t.Errorf("the built-in file lacks %s", want)
		}
	}
}

// TestBadFilesNameFileAndLine: every mistake in a tests file is an error naming the file and the
// line of the test at fault.
func TestBadFilesNameFileAndLine(t *testing.T) {
	good := "  - {test: unique, table: portraits, columns: [person_id]}\n"
	for _, tc := range []struct {
		name, test, want string
	}{
		{"unknown kind", "  - {test: unique_ish, table: portraits, columns: [person_id]}\n",
			`line 3: unique_ish: unknown test "unique_ish"`},
		{"missing column", "  - {test: not_null, table: portraits, columns: [nobody]}\n",
			`line 3: not_null(nobody): table portraits has no column "nobody"`},
		{"no column", "  - {test: accepted_values, table: portraits, values: [a]}\n",
			"line 3: accepted_values(): no column named"},
		{"bad severity",
			"  - {test: unique, table: portraits, columns: [person_id], severity: fatal}\n",
			`line 3: unique(person_id): severity "fatal": want error or warn`},
		{"unknown table", "  - {test: unique, table: portrait, columns: [person_id]}\n",
			`line 3: unique(person_id): table "portrait" is not a table of the runs`},
		{"unknown relationship table",
			"  - test: relationships\n    table: segment_membership\n" +
				"    column: person_id\n    to: portrait.person_id\n",
			`line 3: relationships(person_id -> portrait.person_id): table "portrait" is not`},
		{"relationship without a column",
			"  - {test: relationships, table: activation, column: person_id, to: portraits}\n",
			`line 3: relationships(person_id -> portraits): to "portraits": want TABLE.COLUMN`},
		{"no values", "  - {test: accepted_values, table: portraits, column: lifecycle}\n",
			"line 3: accepted_values(lifecycle): no values"},
		{"quoted value", "  - {test: accepted_values, table: portraits, column: lifecycle, " +
			"values: [\"it's\"]}\n", `line 3: accepted_values(lifecycle): value "it's"`},
		{"row count of a fact", "  - {test: row_count_change, table: events, max_ratio: 2}\n",
			"line 3: row_count_change: table events is a fact table"},
		{"row count bounds", "  - {test: row_count_change, table: portraits, min_ratio: 2, " +
			"max_ratio: 1}\n", "line 3: row_count_change: min_ratio 2, max_ratio 1"},
		{"freshness of a string", "  - {test: freshness, table: events, column: event_id}\n",
			"line 3: freshness(event_id): column event_id is not a timestamp"},
		{"negative lag", "  - {test: freshness, table: events, max_lag_days: -1}\n",
			"line 3: freshness(event_time): max_lag_days -1 is negative"},
		{"unknown key", "  - {test: unique, table: portraits, column: [person_id]}\n",
			"line 3: cannot unmarshal"},
		{"misspelt key", "  - {test: unique, table: portraits, colums: [person_id]}\n",
			"line 3: field colums not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "night-tests.yaml")
			data := "tests:\n" + good + tc.test + good
			if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil {
				t.Fatalf("%s: no error", data)
			}
			if !strings.Contains(err.Error(), "data tests "+path) ||
				!strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want the file %s and %q", err, path, tc.want)
			}
			if _, perr := Parse([]byte(data), "inline.yaml"); perr == nil ||
				!strings.Contains(perr.Error(), "inline.yaml") {
				t.Errorf("Parse: %v, want an error naming inline.yaml", perr)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
}

// counts is a warehouse whose queries answer from a table of counts, to test what Run makes of
// them; the SQL itself runs in the warehouses' tests.
type counts struct {
	answers   map[string]int64 // query substring -> count; the longest that matches answers
	published bool
	queries   []string
}

func (c *counts) Staging(table string) string { return "stage_" + table }

func (c *counts) Published(table string) (string, bool) { return "pub_" + table, c.published }

func (c *counts) Ident(name string) string { return name }

func (c *counts) Timestamp(ts time.Time) string { return "'" + ts.Format(time.RFC3339) + "'" }

func (c *counts) Count(_ context.Context, q string) (int64, error) {
	c.queries = append(c.queries, q)
	best, found := "", false
	for sub := range c.answers {
		if strings.Contains(q, sub) && len(sub) >= len(best) {
			best, found = sub, true
		}
	}
	if !found {
		return 0, fmt.Errorf("no answer for %s", q)
	}
	return c.answers[best], nil
}

// plan is a planned run holding portraits and persons.
func plan(t *testing.T) *publish.Plan {
	t.Helper()
	tables := publishtest.Run(0, 4)
	dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", map[string][]any{
		"portraits": tables["portraits"],
	})
	p, err := publish.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRowCountBounds: the bounds are inclusive, the change is counted in rows, and a night with
// nothing published before it, or nothing on the night before, passes with a detail saying so.
func TestRowCountBounds(t *testing.T) {
	p := plan(t)
	s, err := Parse([]byte("tests:\n"+
		"  - {test: row_count_change, table: portraits, min_ratio: 0.5, max_ratio: 2}\n"+
		"  - {test: row_count_change, table: persons, min_ratio: 0.5, max_ratio: 2}\n"),
		"t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	night := Night{Date: "2026-11-21", Previous: "2026-11-20", Zone: time.UTC}
	for _, tc := range []struct {
		now, before int64
		previous    string
		published   bool
		passed      bool
		failing     int64
		detail      string
	}{
		{100, 50, "2026-11-20", true, true, 0, "100 rows against 50 on 2026-11-20 (x2.000"},
		{100, 200, "2026-11-20", true, true, 0, "x0.500; bounds x0.5 to x2"},
		{101, 50, "2026-11-20", true, false, 51, "101 rows against 50"},
		{49, 100, "2026-11-20", true, false, 51, "49 rows against 100"},
		{49, 0, "2026-11-20", true, true, 0, "none on 2026-11-20 to compare with"},
		{49, 100, "", true, true, 0, "no earlier night"},
		{49, 100, "2026-11-20", false, true, 0, "no earlier night"},
	} {
		w := &counts{published: tc.published, answers: map[string]int64{
			"FROM stage_portraits": tc.now,
			"FROM pub_portraits WHERE snapshot_date = DATE '2026-11-20'": tc.before,
		}}
		n := night
		n.Previous = tc.previous
		rs, skipped, err := Run(context.Background(), s, p, w, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || len(skipped) != 1 || skipped[0] != "persons: row_count_change" {
			t.Fatalf("results %+v, skipped %v", rs, skipped)
		}
		r := rs[0]
		if r.Passed != tc.passed || r.FailingRows != tc.failing ||
			!strings.Contains(r.Detail, tc.detail) {
			t.Errorf("%d rows after %d: %+v, want passed %v, %d failing, detail %q",
				tc.now, tc.before, r, tc.passed, tc.failing, tc.detail)
		}
	}
}

// TestFreshnessCountsFromTheZonesMidnight: freshness counts the records since midnight of the day
// before the run's, in the business zone, as a UTC instant.
func TestFreshnessCountsFromTheZonesMidnight(t *testing.T) {
	dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", map[string][]any{"events": {}})
	p, err := publish.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, fresh := range []int64{0, 1} {
		w := &counts{answers: map[string]int64{"WHERE event_time >= '2026-11-19T16:00:00Z'": fresh,
			"FROM stage_events": 7}}
		rs, _, err := Run(context.Background(), s, p, w,
			Night{Date: "2026-11-21", Previous: "2026-11-20", Zone: shanghai})
		if err != nil {
			t.Fatal(err)
		}
		var got *publish.TestResult
		for i := range rs {
			if rs[i].Test == "freshness(event_time)" {
				got = &rs[i]
			}
		}
		if got == nil {
			t.Fatalf("no freshness result in %+v (queries %v)", rs, w.queries)
		}
		want := "no event_time on or after 2026-11-20 (Asia/Shanghai)"
		if fresh == 1 && (!got.Passed || got.Detail != "") ||
			fresh == 0 && (got.Passed || got.FailingRows != 7 || got.Detail != want) {
			t.Errorf("%d fresh events: %+v", fresh, *got)
		}
	}
}

// TestFailuresAreErrorsOnly: only failed tests of severity error stop a publish.
func TestFailuresAreErrorsOnly(t *testing.T) {
	rs := []publish.TestResult{
		{Test: "a", Severity: Error, Passed: true},
		{Test: "b", Severity: Warn, Passed: false},
		{Test: "c", Severity: Error, Passed: false},
	}
	if f := Failures(rs); len(f) != 1 || f[0].Test != "c" {
		t.Errorf("failures %+v", f)
	}
}
