package duckdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

// copyNight copies a night's tables, so that a case can break its copy.
func copyNight(n publishtest.Night) publishtest.Night {
	out := publishtest.Night{Date: n.Date, Mode: n.Mode, Tables: map[string][]any{}}
	for name, rows := range n.Tables {
		out.Tables[name] = slices.Clone(rows)
	}
	return out
}

// copyFile copies a closed DuckDB file (and its write-ahead log, when one is left).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"", ".wal"} {
		data, err := os.ReadFile(from + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// keepPersons keeps the rows of a person-keyed table whose person is among the first n.
func keepPersons(rows []any, n int) []any {
	var out []any
	for _, r := range rows {
		var id string
		switch v := r.(type) {
		case schemas.Portrait:
			id = v.PersonID
		case schemas.SegmentMembership:
			id = v.PersonID
		}
		if id < fmt.Sprintf("p%03d", n) {
			out = append(out, r)
		}
	}
	return out
}

// eventsBefore keeps the events older than instant, microseconds since the epoch.
func eventsBefore(rows []any, instant int64) []any {
	var out []any
	for _, r := range rows {
		if r.(schemas.Event).EventTime < instant {
			out = append(out, r)
		}
	}
	return out
}

// TestDataTestsCatchBrokenNights publishes two good nights, then, on a copy of that warehouse
// each, a third night broken one way: the built-in tests find each breakage and only it, with the
// rows at fault. A failed test of severity error refuses the night before the switch (nothing of
// it is visible, data_tests says why); a failed warn test is recorded and the night goes in; the
// good night passes every test.
func TestDataTestsCatchBrokenNights(t *testing.T) {
	nights, _ := publishtest.World{Persons: 8, Start: "2026-11-12", Nights: 3}.Build()
	out := t.TempDir()
	base := filepath.Join(out, "base.duckdb")
	opts := options(t)
	for _, n := range nights[:2] {
		mustPublish(t, base, publishtest.WriteNight(t, out, n), opts)
	}
	good := nights[2]
	// The freshness bound: midnight of the day before the night's, in the world's zone.
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day, _ := time.ParseInLocation(time.DateOnly, good.Date, zone)
	since := day.AddDate(0, 0, -1).UnixMicro()
	stale := eventsBefore(good.Tables["events"], since)
	if len(stale) == 0 || len(stale) == len(good.Tables["events"]) {
		t.Fatalf("%d of %d events are stale: the world cannot show freshness", len(stale),
			len(good.Tables["events"]))
	}

	type failure struct {
		test     string // table.test
		severity string
		rows     int64
	}
	for _, tc := range []struct {
		name   string
		breaks func(tables map[string][]any)
		want   []failure
	}{
		{"good", func(map[string][]any) {}, nil},
		{"unique", func(tb map[string][]any) {
			tb["portraits"] = append(tb["portraits"], tb["portraits"][3])
		}, []failure{{"portraits.unique(person_id)", datatests.Error, 1}}},
		{"not_null", func(tb map[string][]any) {
			l := tb["identity_map"][4].(schemas.IdentityLink)
			l.PersonID = ""
			tb["identity_map"][4] = l
		}, []failure{{"identity_map.not_null(id_hash, person_id)", datatests.Error, 1}}},
		{"accepted lifecycle", func(tb map[string][]any) {
			p := tb["portraits"][1].(schemas.Portrait)
			p.Lifecycle = "vip"
			tb["portraits"][1] = p
		}, []failure{{"portraits.accepted_values(lifecycle)", datatests.Error, 1}}},
		{"accepted segment kind", func(tb map[string][]any) {
			for i, r := range tb["segment_membership"][:2] {
				m := r.(schemas.SegmentMembership)
				m.Kind = "lookalike"
				tb["segment_membership"][i] = m
			}
		}, []failure{{"segment_membership.accepted_values(kind)", datatests.Error, 2}}},
		{"relationships", func(tb map[string][]any) {
			tb["segment_membership"] = append(tb["segment_membership"],
				schemas.SegmentMembership{PersonID: "p999", Segment: "seg_odd", Kind: "rule"})
		}, []failure{{"segment_membership.relationships(person_id -> portraits.person_id)",
			datatests.Error, 1}}},
		// Five of eight persons gone from the snapshots: 3/8 is below half of last night.
		{"row count", func(tb map[string][]any) {
			tb["portraits"] = keepPersons(tb["portraits"], 3)
			tb["segment_membership"] = keepPersons(tb["segment_membership"], 3)
		}, []failure{
			{"portraits.row_count_change", datatests.Error, 5},
			{"segment_membership.row_count_change", datatests.Warn, 5},
		}},
		{"warn only", func(tb map[string][]any) {
			tb["segment_membership"] = keepPersons(tb["segment_membership"], 3)
		}, []failure{{"segment_membership.row_count_change", datatests.Warn, 5}}},
		{"freshness", func(tb map[string][]any) {
			tb["events"] = stale
		}, []failure{{"events.freshness(event_time)", datatests.Error, int64(len(stale))}}},
		// The newest event at midnight of the day before is fresh enough.
		{"freshness at the bound", func(tb map[string][]any) {
			e := stale[0].(schemas.Event)
			e.EventID, e.EventTime = "e-bound", since
			tb["events"] = append(slices.Clone(stale), e)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "w.duckdb")
			copyFile(t, base, dbPath)
			n := copyNight(good)
			tc.breaks(n.Tables)
			rep, err := publishDir(t, dbPath, publishtest.WriteNight(t, t.TempDir(), n), opts)
			var got []failure
			for _, r := range rep.Tests {
				if !r.Passed {
					got = append(got, failure{r.Table + "." + r.Test, r.Severity, r.FailingRows})
					if r.Detail == "" {
						t.Errorf("%s.%s failed without a detail", r.Table, r.Test)
					}
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i].test < got[j].test })
			if !slices.Equal(got, tc.want) {
				t.Errorf("failed tests %+v, want %+v", got, tc.want)
			}
			refused := slices.ContainsFunc(tc.want,
				func(f failure) bool { return f.severity == datatests.Error })
			if refused != errors.Is(err, publish.ErrTestsFailed) || (!refused && err != nil) {
				t.Fatalf("err = %v; a test of severity error failed: %v", err, refused)
			}
			db := open(t, dbPath)
			night := func(table string) int64 {
				return count(t, db, `SELECT count(*) FROM analytics.`+table+
					` WHERE snapshot_date = ?::DATE`, n.Date)
			}
			visible := night("published_runs") + night("portraits")
			if refused && visible != 0 || !refused && visible == 0 {
				t.Errorf("refused %v, yet the night's rows visible: %d", refused, visible)
			}
			// data_tests holds every result of the night, whether it went in or not.
			if recorded := night("data_tests"); recorded != int64(len(rep.Tests)) || recorded < 20 {
				t.Errorf("data_tests holds %d results of %d", recorded, len(rep.Tests))
			}
			for _, f := range tc.want {
				var detail string
				err := db.QueryRow(`SELECT detail FROM analytics.data_tests
					WHERE snapshot_date = ?::DATE AND NOT passed AND table_name || '.' || test = ?
					AND severity = ? AND failing_rows = ?`, n.Date, f.test, f.severity, f.rows).
					Scan(&detail)
				if err != nil || detail == "" {
					t.Errorf("data_tests row of %+v: %v, detail %q", f, err, detail)
				}
			}
		})
	}
}
