package bigquery

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
)

// testRow is one data test's result as a query parameter.
type testRow struct {
	Test        string              `bigquery:"test"`
	TableName   string              `bigquery:"table_name"`
	Severity    string              `bigquery:"severity"`
	Passed      bool                `bigquery:"passed"`
	FailingRows int64               `bigquery:"failing_rows"`
	Detail      bigquery.NullString `bigquery:"detail"`
}

// test runs the data tests on the staging tables and records their results in data_tests, in a
// transaction of its own, so that a refused night leaves its reasons. A failed test of severity
// error stops the publish here, before the switch.
func (p *publisher) test(ctx context.Context, previous string, rep *publish.Report) error {
	night := datatests.Night{Date: p.plan.Date, Previous: previous, Zone: p.opts.Zone}
	results, skipped, err := datatests.Run(ctx, p.opts.Tests, p.plan, testWarehouse{p}, night)
	if err != nil {
		return err
	}
	rep.Tests, rep.Skipped = results, skipped
	rows := []testRow{}
	for _, r := range results {
		rows = append(rows, testRow{r.Test, r.Table, r.Severity, r.Passed, r.FailingRows,
			bigquery.NullString{StringVal: r.Detail, Valid: r.Detail != ""}})
	}
	name := p.cfg.qualified(publish.Analytics, publish.DataTests.Name)
	stmts := []string{
		fmt.Sprintf("DELETE FROM %s WHERE snapshot_date = DATE '%s'", name, p.plan.Date),
		fmt.Sprintf(
			"INSERT INTO %s (snapshot_date, test, table_name, severity, passed, failing_rows, detail)\n"+
				"SELECT DATE '%s', r.test, r.table_name, r.severity, r.passed, r.failing_rows, "+
				"r.detail FROM UNNEST(@results) AS r",
			name,
			p.plan.Date,
		),
	}
	params := []bigquery.QueryParameter{{Name: "results", Value: rows}}
	if _, err := p.query(ctx, "data_tests", script(stmts, nil), params); err != nil {
		return fmt.Errorf("recording the data tests: %w", err)
	}
	if failed := datatests.Failures(results); len(failed) > 0 {
		return fmt.Errorf(
			"%w: %d of %s's tests of severity error (%s.%s ...): the night was not published",
			publish.ErrTestsFailed,
			len(failed),
			p.plan.Date,
			failed[0].Table,
			failed[0].Test,
		)
	}
	return nil
}

// testWarehouse is what the data tests need of BigQuery.
type testWarehouse struct{ p *publisher }

func (t testWarehouse) Staging(table string) string {
	return t.p.cfg.qualified(publish.Restricted, stagingTable(t.p.plan, table))
}

func (t testWarehouse) Published(table string) (string, bool) {
	for _, z := range publish.Zones {
		if t.p.held[z][table] {
			return t.p.cfg.qualified(z, table), true
		}
	}
	return "", false
}

func (testWarehouse) Ident(name string) string { return quote(name) }

func (testWarehouse) Timestamp(ts time.Time) string {
	return "TIMESTAMP '" + ts.UTC().Format("2006-01-02 15:04:05.999999") + "+00'"
}

func (t testWarehouse) Count(ctx context.Context, query string) (int64, error) {
	rows, err := t.p.read(ctx, "data_test", query, nil)
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		return 0, fmt.Errorf("%s: %d rows, want one count", query, len(rows))
	}
	n, ok := rows[0][0].(int64)
	if !ok {
		return 0, fmt.Errorf("%s: %v is not a count", query, rows[0][0])
	}
	return n, nil
}
