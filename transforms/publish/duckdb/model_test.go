package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// TestOlderNightAgainMovesNothing: publishing an older night again replaces its own partitions
// with the same rows and leaves the facts, the current tables and the views of the newest night.
func TestOlderNightAgainMovesNothing(t *testing.T) {
	nights, _ := publishtest.World{
		Persons:     8,
		Start:       "2026-11-12",
		Nights:      4,
		Incremental: true,
	}.Build()
	out := t.TempDir()
	dbPath := filepath.Join(out, "w.duckdb")
	opts := options(t)
	var dirs []string
	for _, n := range nights {
		dirs = append(dirs, publishtest.WriteNight(t, out, n))
		mustPublish(t, dbPath, dirs[len(dirs)-1], opts)
	}
	before := dump(t, dbPath)
	rep := mustPublish(t, dbPath, dirs[1], opts)
	if rep.Newest || len(rep.Created) != 0 {
		t.Errorf("an older night moved the views: %+v", rep)
	}
	if after := dump(t, dbPath); after != before {
		t.Error("publishing an older night again changed the warehouse")
	}
}

// TestErasureReachesPublishedNights: a person forgotten on the fourth night leaves every published
// partition of the nights before, in both zones, including the events their devices sent logged
// out; erasure_log records every table cleaned and the run folders the nightly cleaned.
func TestErasureReachesPublishedNights(t *testing.T) {
	const forgotten = 3 // logged out on every other event: found through the device
	nights, truth := publishtest.World{
		Persons:  8,
		Start:    "2026-11-12",
		Nights:   5,
		Erasures: map[int]int{3: forgotten},
	}.Build()
	out := t.TempDir()
	dbPath := filepath.Join(out, "w.duckdb")
	opts := options(t)
	for _, n := range nights[:3] {
		mustPublish(t, dbPath, publishtest.WriteNight(t, out, n), opts)
	}
	db := open(t, dbPath)
	theirs := []string{
		`SELECT count(*) FROM analytics.events WHERE user_id = 'u003' OR device_id = '` +
			publishtest.IDHash(identity.Device, "d003") + `'`,
		`SELECT count(*) FROM analytics.events WHERE anonymous_id = '` +
			publishtest.IDHash(identity.Anonymous, "a003") + `' AND user_id IS NULL`,
		`SELECT count(*) FROM analytics.orders WHERE user_id = 'u003'`,
		`SELECT count(*) FROM analytics.order_items WHERE order_id LIKE '%-003'`,
		`SELECT count(*) FROM analytics.portraits WHERE person_id = 'p003'`,
		`SELECT count(*) FROM restricted.portraits WHERE person_id = 'p003'`,
		`SELECT count(*) FROM analytics.segment_membership WHERE person_id = 'p003'`,
		`SELECT count(*) FROM restricted.users WHERE user_id = 'u003'`,
	}
	for _, q := range theirs {
		if count(t, db, q) == 0 {
			t.Fatalf("before the request: %s finds nothing", q)
		}
	}
	db.Close()
	// The nightly cleaned the kept run folders and recorded it.
	night := nights[3]
	folders := []publish.Cleaning{
		{Date: night.Date, Place: "run dt=2026-11-12/events", Requests: 1, RowsRemoved: 7,
			CleanedAt: time.Date(2026, 11, 15, 19, 0, 0, 0, time.UTC)},
	}
	if err := publish.WriteRunFolderLog(context.Background(), out, night.Date, folders); err != nil {
		t.Fatal(err)
	}
	noSalt := opts
	noSalt.Salt = ""
	if _, err := publishDir(t, dbPath, publishtest.WriteNight(t, out, night), noSalt); err == nil ||
		!strings.Contains(err.Error(), "salt") {
		t.Fatalf("an erasure without the salt: %v", err)
	}
	rep := mustPublish(t, dbPath, publishtest.WriteNight(t, out, night), opts)
	if rep.ErasedPersons != 1 || rep.ErasedRows == 0 {
		t.Errorf("report %+v", rep)
	}
	db = open(t, dbPath)
	for _, q := range theirs {
		if n := count(t, db, q); n != 0 {
			t.Errorf("after the request: %s finds %d", q, n)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.events WHERE user_id = 'u002'`); n == 0 {
		t.Error("another person's events went too")
	}
	if n := count(t, db, `SELECT count(*) FROM restricted.erasure_log WHERE place = `+
		`'analytics.events' AND rows_removed > 0 AND requests = 1`); n != 1 {
		t.Errorf("erasure_log of analytics.events: %d rows", n)
	}
	if n := count(t, db, `SELECT count(*) FROM restricted.erasure_log WHERE place = 'run `+
		`dt=2026-11-12/events' AND rows_removed = 7`); n != 1 {
		t.Errorf("erasure_log of the run folders: %d rows", n)
	}
	if n := count(t, db, `SELECT count(*) FROM restricted.erasures`); n != 1 {
		t.Errorf("erasures: %d rows", n)
	}
	db.Close()
	// The next night erases nothing more, and the warehouse holds what the generator says.
	rep = mustPublish(t, dbPath, publishtest.WriteNight(t, out, nights[4]), opts)
	db = open(t, dbPath)
	if rep.ErasedPersons != 0 ||
		count(
			t,
			db,
			`SELECT count(*) FROM restricted.erasure_log`,
		) != int64(
			len(theirsPlaces(t, db)),
		) {
		t.Errorf("a later night erased again: %+v", rep)
	}
	if got := count(t, db, `SELECT count(*) FROM analytics.events`); got != int64(
		len(truth.Facts["events"]),
	) {
		t.Errorf("events: %d, want %d", got, len(truth.Facts["events"]))
	}
}

// theirsPlaces lists the places erasure_log names.
func theirsPlaces(t *testing.T, db *sql.DB) []string {
	rows, err := db.Query(`SELECT place FROM restricted.erasure_log`)
	if err != nil {
		t.Fatal(err)
	}
	s, err := strings1(rows)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// oldModel publishes nights as the model before facts and current tables did: every table of every
// night copied under its snapshot_date, the views reading MAX(snapshot_date).
func oldModel(t *testing.T, dbPath string, dirs []string) {
	t.Helper()
	db := open(t, dbPath)
	defer db.Close()
	for _, z := range publish.Zones {
		if _, err := db.Exec("CREATE SCHEMA IF NOT EXISTS " + ident(string(z))); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range dirs {
		plan, err := publish.Load(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range plan.Tables {
			for _, z := range publish.Zones {
				zt, ok := tb.In(z)
				if !ok {
					continue
				}
				files := make([]string, len(zt.Files))
				for i, f := range zt.Files {
					files[i] = literal(f)
				}
				src := fmt.Sprintf(
					"SELECT DATE %s AS snapshot_date, %s FROM read_parquet([%s])",
					literal(plan.Date),
					columnList(zt.Columns, ""),
					strings.Join(files, ", "),
				)
				for _, s := range []string{"CREATE TABLE IF NOT EXISTS " + qualified(z, tb.Name) + " AS " +
					src + " LIMIT 0",
					"INSERT INTO " + qualified(z, tb.Name) + " " + src} {
					if _, err := db.Exec(s); err != nil {
						t.Fatal(s, err)
					}
				}
			}
		}
	}
	if _, err := db.Exec(`CREATE VIEW analytics.portraits_latest AS SELECT * FROM analytics.portraits
		WHERE snapshot_date = (SELECT MAX(snapshot_date) FROM analytics.portraits)`); err != nil {
		t.Fatal(err)
	}
}

// TestMigratesTheOldModel: a warehouse that copied every table every night is migrated on its first
// publish: each fact once, in its own day's partition; the current tables of the newest night; each
// erased identifier once; the nights so far in published_runs; the snapshots kept.
func TestMigratesTheOldModel(t *testing.T) {
	w := publishtest.World{Persons: 8, Start: "2026-11-12", Nights: 4, Erasures: map[int]int{1: 5}}
	nights, truth := w.Build()
	out := t.TempDir()
	dbPath := filepath.Join(out, "w.duckdb")
	var dirs []string
	for _, n := range nights {
		dirs = append(dirs, publishtest.WriteNight(t, out, n))
	}
	oldModel(t, dbPath, dirs[:3])
	db := open(t, dbPath)
	if n := count(t, db, `SELECT count(*) FROM analytics.events`); n <= int64(
		len(truth.Facts["events"]),
	) {
		t.Fatalf("the old model holds %d events: not a copy per night", n)
	}
	db.Close()
	rep := mustPublish(t, dbPath, dirs[3], options(t))
	if len(rep.Migrated) == 0 {
		t.Fatal("nothing migrated")
	}
	t.Log(rep.Migrated)
	db = open(t, dbPath)
	for table, want := range map[string]int{"events": len(truth.Facts["events"]),
		"orders":      len(truth.Facts["orders"]),
		"order_items": len(truth.Facts["order_items"])} {
		if got := count(t, db, "SELECT count(*) FROM analytics."+table); got != int64(want) {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.events WHERE record_date <> `+
		`CAST(CAST(event_time AS TIMESTAMP) + INTERVAL 8 HOUR AS DATE)`); n != 0 {
		t.Errorf("%d events outside their day", n)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.orders WHERE status = 'refunded' AND `+
		`loaded_date < DATE '2026-11-15'`); n == 0 {
		t.Error("no order refunded on an old night kept its loaded_date")
	}
	for q, want := range map[string]int64{
		`SELECT count(*) FROM analytics.published_runs`:                                            4,
		`SELECT count(*) FROM analytics.published_runs WHERE run_id IS NULL`:                       3,
		`SELECT count(DISTINCT snapshot_date) FROM analytics.portraits`:                            4,
		`SELECT count(DISTINCT snapshot_date) FROM restricted.users`:                               1,
		`SELECT count(*) FROM restricted.erasures`:                                                 1,
		`SELECT count(*) FROM restricted.erasures WHERE snapshot_date = DATE '2026-11-13'`:         1,
		`SELECT count(*) FROM analytics.portraits_latest WHERE snapshot_date <> DATE '2026-11-15'`: 0,
	} {
		if got := count(t, db, q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	db.Close()
	before := dump(t, dbPath)
	if rep := mustPublish(t, dbPath, dirs[3], options(t)); len(rep.Migrated) != 0 {
		t.Errorf("migrated again: %v", rep.Migrated)
	}
	if dump(t, dbPath) != before {
		t.Error("publishing the night again after the migration changed the warehouse")
	}
}

// TestReadOnlyCopy: the analysts' copy holds the analytics schema, its views working, and nothing
// of the restricted one; opened read-only, it refuses writes.
func TestReadOnlyCopy(t *testing.T) {
	nights, _ := publishtest.World{Persons: 6, Start: "2026-11-12", Nights: 2}.Build()
	out := t.TempDir()
	dbPath, cp := filepath.Join(out, "w.duckdb"), filepath.Join(out, "analysts.duckdb")
	opts := authorized(t)
	opts.ReadOnlyCopy = cp
	for _, n := range nights {
		mustPublish(t, dbPath, publishtest.WriteNight(t, out, n), opts)
	}
	db, err := sql.Open("duckdb", cp+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, `SELECT count(*) FROM information_schema.schemata WHERE schema_name = `+
		`'restricted'`); n != 0 {
		t.Error("the copy has the restricted schema")
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.portraits_latest`); n != int64(
		len(nights[1].Tables["portraits"]),
	) {
		t.Errorf("portraits_latest in the copy: %d rows", n)
	}
	if n := count(t, db, `SELECT count(*) FROM duckdb_views() WHERE view_name = `+
		`'person_reachability'`); n != 0 {
		t.Error("the copy has a view of the restricted schema")
	}
	if n := count(t, db, `SELECT count(*) FROM duckdb_columns() WHERE table_name = 'events' AND `+
		`column_name = 'record_date' AND comment LIKE 'business day%'`); n != 1 {
		t.Error("the copy lost the column comments")
	}
	if _, err := db.Exec(`CREATE TABLE analytics.x (a INT)`); err == nil {
		t.Error("the copy opened read-only accepts writes")
	}
	if _, err := os.Stat(cp + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary copy left: %v", err)
	}
}
