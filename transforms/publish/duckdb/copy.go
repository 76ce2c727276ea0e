package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// copyCatalog is the name the read-only copy is attached under while it is written.
const copyCatalog = "analyst_copy"

// readOnlyCopy writes a DuckDB file holding the analytics schema only (its tables with their
// comments, and its views, except those that read the restricted schema) beside path and moves it
// into place, so that an analyst who opens the copy (read-only: duckdb -readonly FILE) never waits
// for the warehouse's writer and never sees the restricted schema.
func (w *warehouse) readOnlyCopy(ctx context.Context, path string) error {
	tmp := path + ".tmp"
	if err := os.Remove(tmp); err != nil && !os.IsNotExist(err) {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, "ATTACH "+literal(tmp)+" AS "+
		ident(copyCatalog)); err != nil {
		return err
	}
	err := w.fillCopy(ctx)
	if _, derr := w.conn.ExecContext(context.WithoutCancel(ctx), "DETACH "+
		ident(copyCatalog)); err == nil {
		err = derr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func (w *warehouse) fillCopy(ctx context.Context) error {
	schema := ident(copyCatalog) + "." + ident(string(publish.Analytics))
	stmts := []string{"CREATE SCHEMA " + schema}
	rows, err := w.conn.QueryContext(
		ctx,
		`SELECT table_name, COALESCE(comment, '') FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = ? ORDER BY 1`,
		string(publish.Analytics),
	)
	if err != nil {
		return err
	}
	type table struct{ name, comment string }
	var tabs []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.name, &t.comment); err != nil {
			rows.Close()
			return err
		}
		tabs = append(tabs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tabs {
		dst := schema + "." + ident(t.name)
		stmts = append(
			stmts,
			fmt.Sprintf(
				"CREATE TABLE %s AS SELECT * FROM %s",
				dst,
				qualified(publish.Analytics, t.name),
			),
			fmt.Sprintf("COMMENT ON TABLE %s IS %s", dst, literal(t.comment)),
		)
		cols, err := w.conn.QueryContext(
			ctx,
			`SELECT column_name, COALESCE(comment, '') FROM duckdb_columns()
			WHERE database_name = current_database() AND schema_name = ? AND table_name = ?`,
			string(publish.Analytics),
			t.name,
		)
		if err != nil {
			return err
		}
		for cols.Next() {
			var c, comment string
			if err := cols.Scan(&c, &comment); err != nil {
				cols.Close()
				return err
			}
			stmts = append(
				stmts,
				fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", dst, ident(c), literal(comment)),
			)
		}
		cols.Close()
		if err := cols.Err(); err != nil {
			return err
		}
	}
	var latest sql.NullString
	err = w.conn.QueryRowContext(ctx, "SELECT CAST(MAX(snapshot_date) AS VARCHAR) FROM "+
		qualified(publish.Analytics, publish.PublishedRuns.Name)).Scan(&latest)
	if err != nil {
		return err
	}
	if latest.Valid {
		held := map[string]bool{}
		for _, t := range tabs {
			held[string(publish.Analytics)+"."+t.name] = true
		}
		// The views name their tables without a catalogue, so in the copy they read the copy's.
		ready, _ := views.Ready(
			false,
			func(z publish.Zone, t string) bool { return held[string(z)+"."+t] },
		)
		for _, v := range ready {
			q, err := v.SQL(
				qualified,
				views.Nights{Latest: latest.String, Days: w.opts.SnapshotDays},
			)
			if err != nil {
				return err
			}
			stmts = append(stmts, "CREATE VIEW "+schema+"."+ident(v.Name)+" AS\n"+q,
				"COMMENT ON VIEW "+schema+"."+ident(v.Name)+" IS "+literal(v.Doc))
		}
	}
	for _, s := range stmts {
		if _, err := w.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstWords(s), err)
		}
	}
	return nil
}
