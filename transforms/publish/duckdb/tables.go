package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
)

// types maps the schemas' column types to DuckDB's, named as information_schema names them; Parquet
// timestamps adjusted to UTC read as TIMESTAMP WITH TIME ZONE.
var types = map[publish.Type]string{
	publish.String:    "VARCHAR",
	publish.Int32:     "INTEGER",
	publish.Int64:     "BIGINT",
	publish.Float64:   "DOUBLE",
	publish.Bool:      "BOOLEAN",
	publish.Timestamp: "TIMESTAMP WITH TIME ZONE",
}

func columnType(c publish.Column) string {
	if c.Mode == publish.Repeated {
		return types[c.Type] + "[]"
	}
	return types[c.Type]
}

// loadTable brings a zone's table up to its schema, then replaces the date's rows with the run's.
func loadTable(ctx context.Context, tx *sql.Tx, date string, z publish.Zone, t publish.Table) error {
	if err := ensureTable(ctx, tx, z, t); err != nil {
		return err
	}
	name := qualified(z, t.Name)
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = ident(c.Name)
	}
	files := make([]string, len(t.Files))
	for i, f := range t.Files {
		files[i] = literal(f)
	}
	stmts := []string{fmt.Sprintf("DELETE FROM %s WHERE %s = DATE %s", name, publish.SnapshotDate, literal(date))}
	if len(files) > 0 {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO %s BY NAME SELECT DATE %s AS %s, %s FROM read_parquet([%s])",
			name, literal(date), publish.SnapshotDate, strings.Join(cols, ", "), strings.Join(files, ", ")))
	}
	stmts = append(stmts,
		fmt.Sprintf("COMMENT ON TABLE %s IS %s", name, literal(t.Doc)),
		fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", name, publish.SnapshotDate, literal(publish.SnapshotDateDoc)))
	for _, c := range t.Columns {
		stmts = append(stmts, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", name, ident(c.Name), literal(c.Doc)))
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstWords(s), err)
		}
	}
	var n int64
	q := fmt.Sprintf("SELECT count(*) FROM %s WHERE %s = DATE %s", name, publish.SnapshotDate, literal(date))
	if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return err
	}
	if n != t.Rows {
		return fmt.Errorf("loaded %d rows, the manifest says %d", n, t.Rows)
	}
	return nil
}

// ensureTable creates the table from its columns, or evolves an existing one: a new column is added
// as nullable, a column the schemas made optional or dropped loses NOT NULL, a changed type is an
// error for a person to migrate.
func ensureTable(ctx context.Context, tx *sql.Tx, z publish.Zone, t publish.Table) error {
	name := qualified(z, t.Name)
	have, err := existingColumns(ctx, tx, z, t.Name)
	if err != nil {
		return err
	}
	if len(have) == 0 {
		defs := []string{publish.SnapshotDate + " DATE NOT NULL"}
		for _, c := range t.Columns {
			d := ident(c.Name) + " " + columnType(c)
			if c.Mode == publish.Required {
				d += " NOT NULL"
			}
			defs = append(defs, d)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %s (%s)", name, strings.Join(defs, ", ")))
		return err
	}
	wanted := map[string]publish.Column{}
	for _, c := range t.Columns {
		wanted[c.Name] = c
		h, ok := have[c.Name]
		var stmt string
		switch {
		case !ok:
			stmt = fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", name, ident(c.Name), columnType(c))
		case h.Type != columnType(c):
			return fmt.Errorf("column %s is %s, the schemas want %s: migrate the table", c.Name, h.Type, columnType(c))
		case h.NotNull && c.Mode != publish.Required:
			stmt = fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", name, ident(c.Name))
		}
		if stmt != "" {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
	}
	for col, h := range have {
		if _, ok := wanted[col]; !ok && h.NotNull && col != publish.SnapshotDate {
			stmt := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", name, ident(col))
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s: %w", stmt, err)
			}
		}
	}
	return nil
}

type existing struct {
	Type    string
	NotNull bool
}

func existingColumns(ctx context.Context, tx *sql.Tx, z publish.Zone, table string) (map[string]existing, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?`, string(z), table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]existing{}
	for rows.Next() {
		var name, typ, nullable string
		if err := rows.Scan(&name, &typ, &nullable); err != nil {
			return nil, err
		}
		out[name] = existing{Type: typ, NotNull: nullable == "NO"}
	}
	return out, rows.Err()
}

func firstWords(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
