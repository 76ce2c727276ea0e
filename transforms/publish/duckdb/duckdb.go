// Package duckdb publishes finished runs into a DuckDB file, the embedded warehouse for laptops: BI
// tools and SQL users query it directly. go-duckdb bundles DuckDB itself (cgo), so this package is
// kept out of the Beam pipeline packages, which build with CGO_ENABLED=0.
package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	// The database/sql driver "duckdb".
	_ "github.com/marcboeker/go-duckdb"

	"github.com/shopportraits/portraits/transforms/publish"
)

// Publish loads every table of the plan into the database file, replacing the rows of the plan's date
// in one transaction, so that a rerun of the same date leaves the same rows. Tables get a leading
// snapshot_date column; columns carry their documentation as comments, and the table catalogue and
// the views are refreshed.
func Publish(ctx context.Context, dbPath string, plan *publish.Plan) error {
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer tx.Rollback()
	for _, t := range plan.Tables {
		if err := loadTable(ctx, tx, plan.Date, t); err != nil {
			return fmt.Errorf("duckdb %s: table %s: %w", dbPath, t.Name, err)
		}
	}
	if err := catalogue(ctx, tx, plan.Tables); err != nil {
		return fmt.Errorf("duckdb %s: catalogue: %w", dbPath, err)
	}
	for _, v := range Views {
		if _, err := tx.ExecContext(ctx, v.SQL); err != nil {
			return fmt.Errorf("duckdb %s: view %s: %w", dbPath, v.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("duckdb %s: commit: %w", dbPath, err)
	}
	return nil
}

func loadTable(ctx context.Context, tx *sql.Tx, date string, t publish.Table) error {
	files := make([]string, len(t.Files))
	for i, f := range t.Files {
		files[i] = literal(f)
	}
	source := fmt.Sprintf("read_parquet([%s])", strings.Join(files, ", "))
	name := ident(t.Name)
	stmts := []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s AS SELECT CAST(NULL AS DATE) AS snapshot_date, * FROM %s LIMIT 0", name, source),
		fmt.Sprintf("DELETE FROM %s WHERE snapshot_date = DATE %s", name, literal(date)),
		fmt.Sprintf("INSERT INTO %s BY NAME SELECT DATE %s AS snapshot_date, * FROM %s", name, literal(date), source),
		fmt.Sprintf("COMMENT ON TABLE %s IS %s", name, literal(t.Doc)),
		fmt.Sprintf("COMMENT ON COLUMN %s.snapshot_date IS %s", name, literal("business day of the nightly run that produced the row")),
	}
	for _, c := range t.Columns {
		stmts = append(stmts, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", name, ident(c.Name), literal(c.Doc)))
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstWords(s), err)
		}
	}
	var n int64
	q := fmt.Sprintf("SELECT count(*) FROM %s WHERE snapshot_date = DATE %s", name, literal(date))
	if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return err
	}
	if n != t.Rows {
		return fmt.Errorf("loaded %d rows, the manifest says %d", n, t.Rows)
	}
	return nil
}

// catalogue rewrites table_catalog: one row per table and column with its description.
func catalogue(ctx context.Context, tx *sql.Tx, tables []publish.Table) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS table_catalog (table_name VARCHAR, column_name VARCHAR, description VARCHAR)`); err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM table_catalog WHERE table_name = ?`, t.Name); err != nil {
			return err
		}
		rows := [][2]string{{"", t.Doc}, {"snapshot_date", "business day of the nightly run that produced the row"}}
		for _, c := range t.Columns {
			rows = append(rows, [2]string{c.Name, c.Doc})
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO table_catalog VALUES (?, ?, ?)`, t.Name, r[0], r[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// ident quotes an identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// literal quotes a string literal.
func literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func firstWords(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
