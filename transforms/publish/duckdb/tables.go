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
	publish.Date:      "DATE",
}

func columnType(c publish.Column) string {
	if c.Mode == publish.Repeated {
		return types[c.Type] + "[]"
	}
	return types[c.Type]
}

// definitions are the column definitions of a CREATE TABLE.
func definitions(cols []publish.Column) string {
	defs := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = ident(c.Name) + " " + columnType(c)
		if c.Mode == publish.Required {
			defs[i] += " NOT NULL"
		}
	}
	return strings.Join(defs, ", ")
}

// prepare makes the schemas, migrates a warehouse of the old model, and brings every table of the
// plan, and the warehouse's own, up to the schemas, with their comments.
func (w *warehouse) prepare(ctx context.Context, tx *sql.Tx, rep *publish.Report) error {
	for _, z := range publish.Zones {
		if err := exec(ctx, tx, "CREATE SCHEMA IF NOT EXISTS "+ident(string(z))); err != nil {
			return fmt.Errorf("schema %s: %w", z, err)
		}
	}
	migrated, err := w.migrate(ctx, tx, rep)
	if err != nil {
		return fmt.Errorf("migrating to the model of facts, snapshots and current tables: %w", err)
	}
	rep.Migrated = migrated
	for _, t := range append(append([]publish.Table{}, w.plan.Tables...), publish.ManagedTables...) {
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				continue
			}
			if err := ensureTable(ctx, tx, z, zt); err != nil {
				return fmt.Errorf("table %s.%s: %w", z, t.Name, err)
			}
		}
	}
	return nil
}

// ensureTable creates the table from its columns, or evolves an existing one: a new column is added
// as nullable, a column the schemas made optional or dropped loses NOT NULL, a changed type is an
// error for a person to migrate. Then it comments the table and its columns.
func ensureTable(ctx context.Context, tx *sql.Tx, z publish.Zone, t publish.Table) error {
	name := qualified(z, t.Name)
	have, err := existingColumns(ctx, tx, z, t.Name)
	if err != nil {
		return err
	}
	stored := t.Stored()
	if len(have) == 0 {
		if err := exec(ctx, tx, fmt.Sprintf("CREATE TABLE %s (%s)", name,
			definitions(stored))); err != nil {
			return err
		}
	} else if err := evolve(ctx, tx, name, have, stored); err != nil {
		return err
	}
	stmts := []string{fmt.Sprintf("COMMENT ON TABLE %s IS %s", name, literal(t.Doc))}
	for _, c := range stored {
		stmts = append(
			stmts,
			fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", name, ident(c.Name), literal(c.Doc)),
		)
	}
	return exec(ctx, tx, stmts...)
}

func evolve(
	ctx context.Context,
	tx *sql.Tx,
	name string,
	have map[string]existing,
	stored []publish.Column,
) error {
	wanted := map[string]bool{}
	for _, c := range stored {
		wanted[c.Name] = true
		h, ok := have[c.Name]
		var stmt string
		switch {
		case !ok:
			stmt = fmt.Sprintf(
				"ALTER TABLE %s ADD COLUMN %s %s",
				name,
				ident(c.Name),
				columnType(c),
			)
		case h.Type != columnType(c):
			return fmt.Errorf(
				"column %s is %s, the schemas want %s: migrate the table",
				c.Name,
				h.Type,
				columnType(c),
			)
		case h.NotNull && c.Mode != publish.Required:
			stmt = fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", name, ident(c.Name))
		}
		if stmt != "" {
			if err := exec(ctx, tx, stmt); err != nil {
				return err
			}
		}
	}
	for col, h := range have {
		if !wanted[col] && h.NotNull {
			if err := exec(ctx, tx, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", name,
				ident(col))); err != nil {
				return err
			}
		}
	}
	return nil
}

type existing struct {
	Type    string
	NotNull bool
}

// existingColumns are a table's columns; none when it does not exist.
func existingColumns(
	ctx context.Context,
	q querier,
	z publish.Zone,
	table string,
) (map[string]existing, error) {
	rows, err := q.QueryContext(
		ctx,
		`SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?`,
		string(z),
		table,
	)
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

// querier is a connection or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// tables lists the base tables of the file as "schema.table".
func tables(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT table_schema, table_name FROM information_schema.tables
		WHERE table_catalog = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var schema, table string
		if err := rows.Scan(&schema, &table); err != nil {
			return nil, fmt.Errorf("listing tables: %w", err)
		}
		out[schema+"."+table] = true
	}
	return out, rows.Err()
}
