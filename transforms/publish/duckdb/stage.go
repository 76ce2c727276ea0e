package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/sink"
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
			fmt.Sprintf(
				"CREATE TEMP TABLE %s (%s)",
				ident("_staging_"+t.Name),
				definitions(t.Columns),
			)}
		if err := w.load(ctx, t, stmts); err != nil {
			return err
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

// load runs stmts, then inserts the table's files into its staging table. Files of a run on gs://
// are copied to a local folder first, removed after the insert: DuckDB reads gs:// only through
// its httpfs extension, which it downloads at run time and which needs credentials of its own.
func (w *warehouse) load(ctx context.Context, t publish.Table, stmts []string) error {
	if len(t.Files) > 0 {
		files := t.Files
		if w.plan.Remote() {
			dir, err := os.MkdirTemp("", "portraits-publish-*")
			if err != nil {
				return fmt.Errorf("staging %s: %w", t.Name, err)
			}
			defer os.RemoveAll(dir)
			if files, err = localCopies(ctx, t.Files, dir); err != nil {
				return fmt.Errorf("staging %s: %w", t.Name, err)
			}
		}
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = literal(f)
		}
		stmts = append(
			stmts,
			fmt.Sprintf("INSERT INTO %s BY NAME SELECT %s FROM read_parquet([%s])",
				staging(t.Name), columnList(t.Columns, ""), strings.Join(quoted, ", ")),
		)
	}
	for _, s := range stmts {
		if _, err := w.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("staging %s: %s: %w", t.Name, firstWords(s), err)
		}
	}
	return nil
}

// localCopies copies files (URLs of Beam's filesystems) into dir, streaming, and returns the
// copies' paths.
func localCopies(ctx context.Context, files []string, dir string) ([]string, error) {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = filepath.Join(dir, fmt.Sprintf("%05d.parquet", i))
		if err := copyTo(ctx, f, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copyTo copies the file at url to the local path to.
func copyTo(ctx context.Context, url, to string) error {
	f, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := sink.Download(ctx, url, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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

// dayExpr is the business day of a timestamp column of table (read for its range): DuckDB as
// bundled has no time zone database (no ICU), so the column is shifted by the zone's UTC offset,
// written as a CASE over the offsets in force between the column's first and last instants (one, in
// zones without daylight saving time).
func dayExpr(
	ctx context.Context,
	q querier,
	table, col string,
	zone *time.Location,
) (string, error) {
	var first, last sql.NullTime
	c := ident(col)
	if err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT MIN(%s), MAX(%s) FROM %s", c, c, table)).Scan(
		&first, &last); err != nil {
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
