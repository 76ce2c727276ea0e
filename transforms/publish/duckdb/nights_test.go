package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

// options are the options of the tests: the world's salt, a fixed clock, the default data tests.
func options(t *testing.T) Options {
	t.Helper()
	suite, err := datatests.Load("")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)
	return Options{
		Settings: publish.Settings{Salt: publishtest.Salt, Now: func() time.Time { return clock }},
		Tests:    suite,
	}
}

func publishDir(t *testing.T, dbPath, dir string, opts Options) (publish.Report, error) {
	t.Helper()
	plan, err := publish.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return Publish(context.Background(), dbPath, plan, opts)
}

func mustPublish(t *testing.T, dbPath, dir string, opts Options) publish.Report {
	t.Helper()
	rep, err := publishDir(t, dbPath, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func open(t *testing.T, dbPath string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// dump renders every table of both zones, rows sorted, and every view's definition, to compare two
// states of the file; skip names tables left out.
func dump(t *testing.T, dbPath string, skip ...string) string {
	t.Helper()
	db := open(t, dbPath)
	defer db.Close()
	rows, err := db.Query(
		`SELECT table_schema, table_name, table_type FROM information_schema.tables ORDER BY 1, 2`,
	)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var s, n, typ string
		rows.Scan(&s, &n, &typ)
		if !strings.Contains(strings.Join(skip, " "), n) {
			names = append(names, qualified(publish.Zone(s), n))
		}
	}
	rows.Close()
	var b strings.Builder
	for _, n := range names {
		rs, err := db.Query("SELECT * FROM " + n + " ORDER BY ALL")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		fmt.Fprintln(&b, n, cols)
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rs.Close()
	}
	return b.String()
}

// TestTenNights publishes ten generated nights, a full one then incremental ones that read the two
// days before again: each fact lands once, the latest views answer from the last night's date, and
// published_runs has a row per night.
func TestTenNights(t *testing.T) {
	for _, incremental := range []bool{false, true} {
		t.Run(fmt.Sprintf("incremental=%v", incremental), func(t *testing.T) {
			w := publishtest.World{
				Persons:     12,
				Start:       "2026-11-12",
				Nights:      10,
				Incremental: incremental,
				Merges:      map[int][2]int{5: {7, 2}},
			}
			nights, truth := w.Build()
			out := t.TempDir()
			dbPath := filepath.Join(out, "w.duckdb")
			opts := options(t)
			for _, n := range nights {
				rep := mustPublish(t, dbPath, publishtest.WriteNight(t, out, n), opts)
				if failed := datatests.Failures(rep.Tests); len(failed) > 0 || !rep.Newest {
					t.Fatalf("%s: failed tests %+v, newest %v", n.Date, failed, rep.Newest)
				}
			}
			db := open(t, dbPath)
			if got, want := count(t, db, `SELECT count(*) FROM analytics.events`),
				int64(truth.RawEvents-truth.Rejected); got != want ||
				want != int64(len(truth.Facts["events"])) {
				t.Errorf(
					"events: %d rows, want %d distinct events less %d rejected of %d",
					got,
					want,
					truth.Rejected,
					truth.RawEvents,
				)
			}
			for _, table := range []string{"events", "orders", "order_items"} {
				key := strings.Join(publish.Models[table].Key, ", ")
				if n := count(t, db,
					fmt.Sprintf(`SELECT count(*) FROM (SELECT %s FROM analytics.%s GROUP BY ALL HAVING count(*) `+
						`> 1)`, key, table)); n != 0 {
					t.Errorf("%s: %d keys twice", table, n)
				}
				if got := count(t, db, `SELECT count(*) FROM analytics.`+table); got != int64(
					len(truth.Facts[table]),
				) {
					t.Errorf("%s: %d rows, want %d", table, got, len(truth.Facts[table]))
				}
			}
			refunded := 0
			for _, o := range truth.Facts["orders"] {
				if o.(schemas.Order).Status == "refunded" {
					refunded++
				}
			}
			if got := count(t, db, `SELECT count(*) FROM analytics.orders WHERE status = `+
				`'refunded'`); got != int64(
				refunded,
			) ||
				refunded == 0 {
				t.Errorf("refunded orders %d, want %d", got, refunded)
			}
			// Each event sits in the partition of its own business day.
			if n := count(t, db, `SELECT count(*) FROM analytics.events WHERE record_date <> `+
				`CAST(CAST(event_time AS TIMESTAMP) + INTERVAL 8 HOUR AS DATE)`); n != 0 {
				t.Errorf("%d events outside their day's partition", n)
			}
			if n := count(t, db, `SELECT count(*) FROM analytics.published_runs`); n != 10 {
				t.Errorf("published_runs has %d rows", n)
			}
			mode := "full"
			if incremental {
				mode = "incremental"
			}
			if n := count(t, db, `SELECT count(*) FROM analytics.published_runs WHERE mode = ?`,
				mode); n != 10 &&
				(!incremental || n != 9) {
				t.Errorf("%d nights of mode %s", n, mode)
			}
			last := nights[len(nights)-1]
			var sqlText string
			if err := db.QueryRow(`SELECT sql FROM duckdb_views() WHERE schema_name = 'analytics' AND ` +
				`view_name = 'portraits_latest'`).Scan(&sqlText); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sqlText, "snapshot_date = CAST('"+last.Date+"' AS DATE)") &&
				!strings.Contains(sqlText, "DATE '"+last.Date+"'") {
				t.Errorf("portraits_latest does not name %s as a constant:\n%s", last.Date, sqlText)
			}
			if got := count(t, db, `SELECT count(*) FROM analytics.portraits_latest`); got != int64(
				len(last.Tables["portraits"]),
			) {
				t.Errorf("portraits_latest: %d rows, want %d", got, len(last.Tables["portraits"]))
			}
			if n := count(t, db, `SELECT count(*) FROM analytics.data_tests WHERE NOT passed`); n != 0 {
				t.Errorf("%d failed data tests recorded", n)
			}
			if n := count(t, db, `SELECT count(DISTINCT snapshot_date) FROM analytics.data_tests`); n != 10 {
				t.Errorf("data tests of %d nights", n)
			}
			if n := count(t, db, `SELECT count(*) FROM analytics.persons`); n != int64(
				len(last.Tables["persons"]),
			) {
				t.Errorf(
					"persons holds %d rows, want the last night's %d",
					n,
					len(last.Tables["persons"]),
				)
			}
			if n := count(t, db, `SELECT count(*) FROM analytics.merge_history`); n != 1 {
				t.Errorf("merge_history: %d rows", n)
			}
			// Staging tables are temporary: none is ever written to the file. Whether the
			// publishing connection dropped its own, TestNoStagingLeftOnTheConnection sees.
			if n := count(t, db, `SELECT count(*) FROM duckdb_tables()
				WHERE table_name LIKE '%staging%'`); n != 0 {
				t.Errorf("%d staging tables in the file", n)
			}
		})
	}
}

// TestBrokenNightChangesNothing: a night whose tables fail a test of severity error is refused
// before the switch; what readers see stays as it was, and data_tests says why.
func TestBrokenNightChangesNothing(t *testing.T) {
	nights, _ := publishtest.World{Persons: 8, Start: "2026-11-12", Nights: 3}.Build()
	out := t.TempDir()
	dbPath := filepath.Join(out, "w.duckdb")
	opts := options(t)
	for _, n := range nights[:2] {
		mustPublish(t, dbPath, publishtest.WriteNight(t, out, n), opts)
	}
	before := dump(t, dbPath, "data_tests")
	broken := nights[2]
	// A person twice, and a segment member without a portrait.
	broken.Tables["portraits"] = append(broken.Tables["portraits"], broken.Tables["portraits"][0])
	broken.Tables["segment_membership"] = append(broken.Tables["segment_membership"],
		schemas.SegmentMembership{PersonID: "p999", Segment: "seg_even", Kind: "rule"})
	rep, err := publishDir(t, dbPath, publishtest.WriteNight(t, out, broken), opts)
	if !errors.Is(err, publish.ErrTestsFailed) {
		t.Fatalf("err = %v, want the data tests failed", err)
	}
	failed := datatests.Failures(rep.Tests)
	if len(failed) != 2 || failed[0].Test != "unique(person_id)" || failed[0].FailingRows != 1 ||
		failed[1].Test != "relationships(person_id -> portraits.person_id)" {
		t.Errorf("failed tests %+v", failed)
	}
	if after := dump(t, dbPath, "data_tests"); after != before {
		t.Error("a refused night changed the published tables")
	}
	db := open(t, dbPath)
	if n := count(t, db, `SELECT count(*) FROM analytics.data_tests WHERE snapshot_date = ?::DATE `+
		`AND NOT passed AND severity = 'error'`, broken.Date); n != 2 {
		t.Errorf("data_tests records %d failures of the refused night", n)
	}
}
