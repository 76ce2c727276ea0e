package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
)

// staging names the staging table of a run table. Staging tables are temporary: they hold every
// column, personal data included, and vanish with the connection, whatever becomes of the publish.
func staging(table string) string { return `"temp"."main".` + ident("_staging_"+table) }

// stage loads every table of the plan into its staging table, checking the types and NOT NULL of
// the schemas and the row count of the manifest.
func (w *warehouse) stage(ctx context.Context) error {
	for _, t := range w.plan.Tables {
		name := staging(t.Name)
		stmts := []string{"DROP TABLE IF EXISTS " + name,
			fmt.Sprintf("CREATE TEMP TABLE %s (%s)", ident("_staging_"+t.Name), definitions(t.Columns))}
		if len(t.Files) > 0 {
			files := make([]string, len(t.Files))
			for i, f := range t.Files {
				files[i] = literal(f)
			}
			stmts = append(stmts, fmt.Sprintf("INSERT INTO %s BY NAME SELECT %s FROM read_parquet([%s])",
				name, columnList(t.Columns, ""), strings.Join(files, ", ")))
		}
		for _, s := range stmts {
			if _, err := w.conn.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("staging %s: %s: %w", t.Name, firstWords(s), err)
			}
		}
		var n int64
		if err := w.conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+name).Scan(&n); err != nil {
			return fmt.Errorf("staging %s: %w", t.Name, err)
		}
		if n != t.Rows {
			return fmt.Errorf("staging %s: loaded %d rows, the manifest says %d", t.Name, n, t.Rows)
		}
	}
	return nil
}

// unstage drops the staging tables.
func (w *warehouse) unstage(ctx context.Context) {
	for _, t := range w.plan.Tables {
		// Best effort: they go with the connection anyway.
		_, _ = w.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+staging(t.Name))
	}
}

// columnList is the quoted columns, each prefixed with prefix ("s." ...).
func columnList(cols []publish.Column, prefix string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = prefix + ident(c.Name)
	}
	return strings.Join(out, ", ")
}

// dayExpr is the business day of a timestamp column of table (read for its range): DuckDB as bundled
// has no time zone database (no ICU), so the column is shifted by the zone's UTC offset, written as
// a CASE over the offsets in force between the column's first and last instants (one, in zones
// without daylight saving time).
func dayExpr(ctx context.Context, q querier, table, col string, zone *time.Location) (string, error) {
	var first, last sql.NullTime
	c := ident(col)
	if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT MIN(%s), MAX(%s) FROM %s", c, c, table)).Scan(&first, &last); err != nil {
		return "", fmt.Errorf("range of %s: %w", col, err)
	}
	if !first.Valid {
		first.Time, last.Time = time.Now(), time.Now()
	}
	offset := func(t time.Time) string {
		_, off := t.In(zone).Zone()
		return fmt.Sprint(off)
	}
	shift := offset(first.Time)
	var cases []string
	for t := first.Time; ; {
		_, end := t.In(zone).ZoneBounds()
		if end.IsZero() || end.After(last.Time) {
			break
		}
		cases = append(cases, fmt.Sprintf("WHEN %s < %s THEN %s", c, timestamp(end), offset(t)))
		t = end
	}
	if len(cases) > 0 {
		shift = "CASE " + strings.Join(cases, " ") + " ELSE " + offset(last.Time) + " END"
	}
	return fmt.Sprintf("CAST(CAST(%s AS TIMESTAMP) + to_seconds(%s) AS DATE)", c, shift), nil
}

// timestamp is a UTC instant as a literal.
func timestamp(t time.Time) string {
	return "TIMESTAMPTZ '" + t.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
}
