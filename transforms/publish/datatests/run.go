package datatests

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
)

// Warehouse is what the tests need of a warehouse: names, literals and a way to count.
type Warehouse interface {
	// Staging names the night's staging table of a run table: every column, as the run wrote them.
	Staging(table string) string
	// Published names a published table (as the restricted zone holds it when it does, else as
	// analytics does), and false when the warehouse has no such table yet.
	Published(table string) (string, bool)
	// Ident quotes a column name.
	Ident(name string) string
	// Timestamp writes a UTC instant as a literal that compares with a timestamp column.
	Timestamp(t time.Time) string
	// Count runs a query that returns one integer.
	Count(ctx context.Context, query string) (int64, error)
}

// Night is the night under test.
type Night struct {
	Date string // YYYY-MM-DD
	// Previous is the last published night before Date, "" when there is none.
	Previous string
	// Zone is the business time zone, whose days freshness counts.
	Zone *time.Location
}

// Run runs every test of the suite whose tables the plan holds, in the suite's order, and names
// the tests it skipped because the night did not write their tables. A query that fails is an
// error, not a failed test.
func Run(
	ctx context.Context,
	s Suite,
	plan *publish.Plan,
	w Warehouse,
	n Night,
) ([]publish.TestResult, []string, error) {
	var out []publish.TestResult
	var skipped []string
	for _, t := range s.Tests {
		table, ok := plan.Table(t.Table)
		to, _, _ := strings.Cut(t.To, ".")
		if _, toOK := plan.Table(to); !ok || (t.Test == Relationships && !toOK) {
			skipped = append(skipped, t.Table+": "+t.Name())
			continue
		}
		r := publish.TestResult{Test: t.Name(), Table: t.Table, Severity: t.Severity}
		var err error
		switch t.Test {
		case Unique, NotNull, AcceptedValues, Relationships:
			r.FailingRows, err = w.Count(ctx, rowQuery(t, table, w))
			r.Passed = r.FailingRows == 0
			if !r.Passed {
				r.Detail = fmt.Sprintf("%d rows of %s fail %s", r.FailingRows, n.Date, t.Name())
			}
		case RowCountChange:
			err = rowCountChange(ctx, t, table, w, n, &r)
		case Freshness:
			err = freshness(ctx, t, w, n, &r)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("data test %s of %s: %w", t.Name(), t.Table, err)
		}
		out = append(out, r)
	}
	return out, skipped, nil
}

// Failures are the failed tests of error severity: those that stop a publish.
func Failures(rs []publish.TestResult) []publish.TestResult {
	var out []publish.TestResult
	for _, r := range rs {
		if !r.Passed && r.Severity == Error {
			out = append(out, r)
		}
	}
	return out
}

// rowQuery counts the rows that fail a row-level test.
func rowQuery(t Test, table publish.Table, w Warehouse) string {
	s := w.Staging(t.Table)
	switch t.Test {
	case Unique:
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = w.Ident(c)
		}
		return fmt.Sprintf(
			"SELECT CAST(COALESCE(SUM(n - 1), 0) AS BIGINT) FROM (SELECT COUNT(*) AS n FROM %s "+
				"GROUP BY %s HAVING COUNT(*) > 1) AS d",
			s,
			strings.Join(cols, ", "),
		)
	case NotNull:
		types := map[string]publish.Type{}
		for _, c := range table.Columns {
			types[c.Name] = c.Type
		}
		var conds []string
		for _, c := range t.Columns {
			cond := w.Ident(c) + " IS NULL"
			if types[c] == publish.String {
				cond = "(" + cond + " OR " + w.Ident(c) + " = '')"
			}
			conds = append(conds, cond)
		}
		return fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", s, strings.Join(conds, " OR "))
	case AcceptedValues:
		vals := make([]string, len(t.Values))
		for i, v := range t.Values {
			vals[i] = "'" + v + "'"
		}
		c := w.Ident(t.Column)
		return fmt.Sprintf(
			"SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s)",
			s,
			c,
			c,
			strings.Join(vals, ", "),
		)
	}
	// Relationships.
	toTable, toCol, _ := strings.Cut(t.To, ".")
	c, f := w.Ident(t.Column), w.Ident(toCol)
	return fmt.Sprintf("SELECT COUNT(*) FROM %s AS a WHERE a.%s IS NOT NULL AND a.%s NOT IN "+
		"(SELECT b.%s FROM %s AS b WHERE b.%s IS NOT NULL)", s, c, c, f, w.Staging(toTable), f)
}

// rowCountChange compares tonight's rows with the last published night's: the partition of that
// night for a snapshot table, the whole table for a current one.
func rowCountChange(
	ctx context.Context,
	t Test,
	table publish.Table,
	w Warehouse,
	n Night,
	r *publish.TestResult,
) error {
	now, err := w.Count(ctx, "SELECT COUNT(*) FROM "+w.Staging(t.Table))
	if err != nil {
		return err
	}
	published, ok := w.Published(t.Table)
	if n.Previous == "" || !ok {
		r.Passed, r.Detail = true, fmt.Sprintf("%d rows; no earlier night to compare with", now)
		return nil
	}
	q := "SELECT COUNT(*) FROM " + published
	if table.Kind == publish.Snapshot {
		q += fmt.Sprintf(" WHERE %s = DATE '%s'", publish.SnapshotDate, n.Previous)
	}
	before, err := w.Count(ctx, q)
	if err != nil {
		return err
	}
	if before == 0 {
		r.Passed, r.Detail = true, fmt.Sprintf(
			"%d rows; none on %s to compare with",
			now,
			n.Previous,
		)
		return nil
	}
	ratio := float64(now) / float64(before)
	r.Passed = ratio >= t.MinRatio && ratio <= t.MaxRatio
	r.Detail = fmt.Sprintf(
		"%d rows against %d on %s (x%.3f; bounds x%g to x%g)",
		now,
		before,
		n.Previous,
		ratio,
		t.MinRatio,
		t.MaxRatio,
	)
	if !r.Passed {
		r.FailingRows = max(now-before, before-now)
	}
	return nil
}

// freshness checks that some record is of the run's day or at most max_lag_days before, in the
// business time zone.
func freshness(ctx context.Context, t Test, w Warehouse, n Night, r *publish.TestResult) error {
	day, err := time.ParseInLocation(time.DateOnly, n.Date, n.Zone)
	if err != nil {
		return err
	}
	since := day.AddDate(0, 0, -t.lagDays())
	col := w.Ident(t.column())
	fresh, err := w.Count(
		ctx,
		fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s >= %s", w.Staging(t.Table), col,
			w.Timestamp(since.UTC())),
	)
	if err != nil {
		return err
	}
	r.Passed = fresh > 0
	if r.Passed {
		return nil
	}
	if r.FailingRows, err = w.Count(ctx, "SELECT COUNT(*) FROM "+w.Staging(t.Table)); err != nil {
		return err
	}
	r.Detail = fmt.Sprintf(
		"no %s on or after %s (%s)",
		t.column(),
		since.Format(time.DateOnly),
		n.Zone,
	)
	return nil
}
