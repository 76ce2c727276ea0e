// Package duckdb publishes finished runs into a DuckDB file, the embedded warehouse for laptops and
// the twin of the BigQuery warehouse: the same tables, kinds, views and data tests. Tables go to
// two schemas, analytics (no contact points, no hashed identifiers) and restricted (the tables that
// have them, in full). go-duckdb bundles DuckDB itself (cgo), so this package is kept out of the
// Beam pipeline packages, which build with CGO_ENABLED=0.
package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	// The database/sql driver "duckdb".
	_ "github.com/marcboeker/go-duckdb"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
)

// Options tune a publish.
type Options struct {
	publish.Settings
	// Tests are the data tests the night must pass before it is switched in.
	Tests datatests.Suite
	// ReadOnlyCopy, when set, is a DuckDB file rewritten after the publish with the analytics schema
	// only, for analysts: DuckDB has no access control, and one writer locks the warehouse file.
	ReadOnlyCopy string
}

// Publish loads a run into the database file. Every table loads into a temporary staging table
// first (its rows counted against the manifest), the data tests run there, and only when no test of
// severity error fails does one transaction switch the night in: the erasure of newly forgotten
// persons, the MERGE of the facts, the night's partition of the snapshots, the current tables (when
// the night is the newest), the appended tables, the night's published_runs row, the views
// (recreated with the newest night's date) and the catalogues. A failed publish, or a failed test,
// leaves the tables as they were (only data_tests records the failure). A warehouse of the model
// that kept a copy of every table per night is migrated on first use. Columns carry their
// documentation as comments.
func Publish(
	ctx context.Context,
	dbPath string,
	plan *publish.Plan,
	opts Options,
) (publish.Report, error) {
	var rep publish.Report
	set, err := opts.Settings.WithDefaults()
	if err != nil {
		return rep, err
	}
	opts.Settings = set
	db, err := sql.Open("duckdb", dbPath)
	if err != nil {
		return rep, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer db.Close()
	// One connection: the staging tables are temporary, and live as long as it does.
	conn, err := db.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	defer conn.Close()
	w := &warehouse{conn: conn, plan: plan, opts: opts}
	if err := w.publish(ctx, &rep); err != nil {
		if errors.Is(err, publish.ErrTestsFailed) {
			return rep, err
		}
		return rep, fmt.Errorf("duckdb %s: %w", dbPath, err)
	}
	if opts.ReadOnlyCopy != "" {
		if err := w.readOnlyCopy(ctx, opts.ReadOnlyCopy); err != nil {
			return rep, fmt.Errorf(
				"duckdb %s: read-only copy %s: %w",
				dbPath,
				opts.ReadOnlyCopy,
				err,
			)
		}
	}
	return rep, nil
}

// warehouse is one publish into one file.
type warehouse struct {
	conn *sql.Conn
	plan *publish.Plan
	opts Options
}

func (w *warehouse) publish(ctx context.Context, rep *publish.Report) error {
	if err := w.inTx(ctx, func(tx *sql.Tx) error { return w.prepare(ctx, tx, rep) }); err != nil {
		return err
	}
	newest, previous, err := w.published(ctx)
	if err != nil {
		return err
	}
	rep.Newest = newest == "" || w.plan.Date >= newest
	if err := w.stage(ctx); err != nil {
		return err
	}
	defer w.unstage(context.WithoutCancel(ctx))
	if err := w.test(ctx, previous, rep); err != nil {
		return err
	}
	erased, err := w.findErased(ctx)
	if err != nil {
		return err
	}
	return w.inTx(
		ctx,
		func(tx *sql.Tx) error { return w.switchIn(ctx, tx, rep.Newest, erased, rep) },
	)
}

// inTx runs f in a transaction, committed when f succeeds.
func (w *warehouse) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// published returns the newest published night and the last one before the plan's, "" for none.
func (w *warehouse) published(ctx context.Context) (newest, previous string, err error) {
	q := fmt.Sprintf(
		`SELECT CAST(MAX(%[1]s) AS VARCHAR), CAST(MAX(CASE WHEN %[1]s < DATE %[2]s THEN `+
			`%[1]s END) AS VARCHAR)
		FROM %[3]s`,
		publish.SnapshotDate,
		literal(w.plan.Date),
		qualified(publish.Analytics, publish.PublishedRuns.Name),
	)
	var n, p sql.NullString
	if err := w.conn.QueryRowContext(ctx, q).Scan(&n, &p); err != nil {
		return "", "", fmt.Errorf("published nights: %w", err)
	}
	return n.String, p.String, nil
}

// exec runs statements in order, each error naming its statement.
func exec(ctx context.Context, tx *sql.Tx, stmts ...string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstWords(s), err)
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

// inList is "col IN ('a', 'b')".
func inList(col string, vals []string) string {
	quoted := make([]string, len(vals))
	for i, v := range vals {
		quoted[i] = literal(v)
	}
	return ident(col) + " IN (" + strings.Join(quoted, ", ") + ")"
}

func firstWords(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
