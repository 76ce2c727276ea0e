package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
)

// test runs the data tests on the staging tables and records their results in data_tests, in a
// transaction of its own, so that a refused night leaves its reasons. A failed test of severity
// error stops the publish here, before the switch.
func (w *warehouse) test(ctx context.Context, previous string, rep *publish.Report) error {
	held, err := tables(ctx, w.conn)
	if err != nil {
		return err
	}
	night := datatests.Night{Date: w.plan.Date, Previous: previous, Zone: w.opts.Zone}
	results, skipped, err := datatests.Run(
		ctx,
		w.opts.Tests,
		w.plan,
		testWarehouse{w.conn, held},
		night,
	)
	if err != nil {
		return err
	}
	rep.Tests, rep.Skipped = results, skipped
	err = w.inTx(ctx, func(tx *sql.Tx) error {
		name := qualified(publish.Analytics, publish.DataTests.Name)
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+name+" WHERE snapshot_date = ?::DATE",
			w.plan.Date); err != nil {
			return err
		}
		for _, r := range results {
			var detail sql.NullString
			if r.Detail != "" {
				detail = sql.NullString{String: r.Detail, Valid: true}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO "+name+" VALUES (?::DATE, ?, ?, ?, ?, ?, ?)",
				w.plan.Date, r.Test, r.Table, r.Severity, r.Passed, r.FailingRows, detail)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording the data tests: %w", err)
	}
	if failed := datatests.Failures(results); len(failed) > 0 {
		return fmt.Errorf(
			"%w: %d of %s's tests of severity error (%s.%s ...): the night was not published",
			publish.ErrTestsFailed,
			len(failed),
			w.plan.Date,
			failed[0].Table,
			failed[0].Test,
		)
	}
	return nil
}

// testWarehouse is what the data tests need of the file.
type testWarehouse struct {
	q    querier
	held map[string]bool
}

func (t testWarehouse) Staging(table string) string { return staging(table) }

func (t testWarehouse) Published(table string) (string, bool) {
	for _, z := range publish.Zones {
		if t.held[string(z)+"."+table] {
			return qualified(z, table), true
		}
	}
	return "", false
}

func (testWarehouse) Ident(name string) string { return ident(name) }

func (testWarehouse) Timestamp(ts time.Time) string { return timestamp(ts) }

func (t testWarehouse) Count(ctx context.Context, query string) (int64, error) {
	var n int64
	err := t.q.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}
