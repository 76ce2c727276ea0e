// Package duckdb publishes finished runs into a DuckDB file, the embedded warehouse for laptops: BI
// tools and SQL users query it directly. Tables go to two schemas, analytics (no contact points, no
// hashed identifiers) and restricted (the tables that have them, in full). go-duckdb bundles DuckDB
// itself (cgo), so this package is kept out of the Beam pipeline packages, which build with
// CGO_ENABLED=0.
package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	// The database/sql driver "duckdb".
	_ "github.com/marcboeker/go-duckdb"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// Options tune a publish.
type Options struct {
	// AuthorizeViews creates the views of the analytics schema that read the restricted one. DuckDB
	// has no grants: whoever can read the file reads both schemas, so this only mirrors BigQuery.
	AuthorizeViews bool
}

// Publish loads every table of the plan into the database file, in one transaction: each zone's
// schema gets the tables it holds (created from the schemas structs, new columns added), the rows of
// the plan's date are replaced, so that a rerun of the same date leaves the same rows, then the views
// whose tables exist and both table catalogues are refreshed. Columns carry their documentation as
// comments.
func Publish(ctx context.Context, dbPath string, plan *publish.Plan, opts Options) (views.Outcome, error) {
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer tx.Rollback()
	for _, z := range publish.Zones {
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+ident(string(z))); err != nil {
			return views.Outcome{}, fmt.Errorf("duckdb %s: schema %s: %w", dbPath, z, err)
		}
	}
	for _, t := range plan.Tables {
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				continue
			}
			if err := loadTable(ctx, tx, plan.Date, z, zt); err != nil {
				return views.Outcome{}, fmt.Errorf("duckdb %s: table %s.%s: %w", dbPath, z, t.Name, err)
			}
		}
	}
	out, err := createViews(ctx, tx, opts)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	for _, z := range publish.Zones {
		rows := publish.Catalog(plan.In(z))
		if z == publish.Analytics {
			rows = append(rows, views.CatalogRows(out.Created)...)
		}
		if err := catalogue(ctx, tx, z, rows); err != nil {
			return views.Outcome{}, fmt.Errorf("duckdb %s: catalogue of %s: %w", dbPath, z, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return views.Outcome{}, fmt.Errorf("duckdb %s: commit: %w", dbPath, err)
	}
	return out, nil
}

// catalogue replaces the rows of a zone's table_catalog that describe the given tables and views.
func catalogue(ctx context.Context, tx *sql.Tx, z publish.Zone, rows []publish.CatalogRow) error {
	name := qualified(z, publish.CatalogName)
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+name+` (table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, description VARCHAR)`); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, r := range rows {
		if !done[r.Table] {
			done[r.Table] = true
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+name+` WHERE table_name = ?`, r.Table); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+name+` VALUES (?, ?, ?)`, r.Table, r.Column, r.Description); err != nil {
			return err
		}
	}
	return nil
}

// qualified names a zone's table: "analytics"."users".
func qualified(z publish.Zone, table string) string { return ident(string(z)) + "." + ident(table) }

// ident quotes an identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// literal quotes a string literal.
func literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
