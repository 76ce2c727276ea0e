package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/sink"
)

// writeRun writes a finished run by hand: a quality and a rejects table and the manifest.
func writeRun(t *testing.T, out, date string, quality []schemas.QualityCount, rejects []schemas.Reject) string {
	t.Helper()
	dir := sink.RunDir(out, date)
	m := sink.Manifest{SchemaVersion: schemas.Version, RunID: "r", Date: date, Tables: map[string]sink.TableInfo{}}
	write := func(table string, rows []any) {
		tb, err := schemas.Lookup(table)
		if err != nil {
			t.Fatal(err)
		}
		buf := tb.NewBuffer()
		for _, r := range rows {
			if err := buf.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		rel := table + "/part-00000.parquet"
		os.MkdirAll(filepath.Join(dir, table), 0o755)
		f, err := os.Create(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := buf.Flush(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		m.Tables[table] = sink.TableInfo{Files: []string{rel}, Rows: int64(len(rows))}
	}
	var q, r []any
	for _, x := range quality {
		q = append(q, x)
	}
	for _, x := range rejects {
		r = append(r, x)
	}
	write("quality", q)
	write("rejects", r)
	data, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, sink.ManifestName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestPublishIsIdempotentPerDate(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	q := []schemas.QualityCount{{Source: "events", Stage: "ingest", Measure: "in", Count: 3}, {Source: "events", Stage: "ingest", Measure: "out", Count: 2},
		{Source: "events", Stage: "ingest", Measure: "rejected", Reason: "bad_json", Count: 1}}
	rej := []schemas.Reject{{Source: "events", Stage: "ingest", Reason: "bad_json", File: "e.jsonl", Line: 2}}
	day1 := writeRun(t, out, "2026-11-20", q, rej)
	day2 := writeRun(t, out, "2026-11-21", q[:2], nil)
	dbPath := filepath.Join(out, "warehouse.duckdb")
	for _, dir := range []string{day1, day1, day2, day2} {
		plan, err := publish.Load(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := Publish(ctx, dbPath, plan); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT count(*) FROM quality"); n != 5 {
		t.Errorf("quality has %d rows after loading two days twice, want 5", n)
	}
	if n := count(t, db, "SELECT count(*) FROM rejects WHERE snapshot_date = DATE '2026-11-20' AND reason = 'bad_json' AND line = 2"); n != 1 {
		t.Errorf("rejects of day 1: %d", n)
	}
	if n := count(t, db, "SELECT rejected FROM quality_daily WHERE snapshot_date = DATE '2026-11-20'"); n != 1 {
		t.Errorf("quality_daily rejected = %d", n)
	}
	if n := count(t, db, "SELECT count(*) FROM rejects_by_reason_daily"); n != 1 {
		t.Errorf("rejects_by_reason_daily rows = %d", n)
	}
	if n := count(t, db, "SELECT count(*) FROM table_catalog WHERE table_name = 'quality' AND column_name = 'measure' AND description LIKE '%rejected%'"); n != 1 {
		t.Errorf("catalogue lacks quality.measure")
	}
	if n := count(t, db, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'rejects' AND column_name = 'reason' AND comment LIKE 'reason code%'"); n != 1 {
		t.Errorf("rejects.reason has no comment")
	}
}

func TestUnfinishedRunIsRefused(t *testing.T) {
	out := t.TempDir()
	dir := writeRun(t, out, "2026-11-21", nil, nil)
	os.Remove(filepath.Join(dir, sink.ManifestName))
	_, err := publish.Load(context.Background(), dir)
	if !errors.Is(err, sink.ErrUnfinished) {
		t.Fatalf("err = %v", err)
	}
	if _, err := publish.Load(context.Background(), out); err == nil {
		t.Fatal("a folder that is no run was accepted")
	}
}
