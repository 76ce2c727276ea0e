package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
)

// migrate brings a warehouse of the model that copied every table under each night's snapshot_date
// to the model of facts, snapshots and current tables, in the caller's transaction, and returns
// what it changed. Each step is idempotent:
//   - a fact table without record_date keeps each record's latest copy, with record_date from its
//     own time (an order line's from its order) and loaded_date from the copy's snapshot_date;
//   - on first use (no published_runs yet), the erasures requested so far reach the nights
//     published before (the old model copied them as they were; the identity maps of every night
//     find their persons), a current table keeps its newest night only, erasures keep each
//     identifier's first night, and published_runs lists the nights published so far.
//
// Snapshot tables and merge_history keep their rows as they are.
func (w *warehouse) migrate(
	ctx context.Context,
	tx *sql.Tx,
	rep *publish.Report,
) ([]string, error) {
	held, err := tables(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []string
	names := make([]string, 0, len(publish.Models))
	for name, m := range publish.Models {
		if m.Kind == publish.Fact {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	facts, err := modelTables(names)
	if err != nil {
		return nil, err
	}
	for _, t := range loadOrder(facts) {
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok || !held[string(z)+"."+t.Name] {
				continue
			}
			have, err := existingColumns(ctx, tx, z, t.Name)
			if err != nil {
				return nil, err
			}
			if _, ok := have[publish.RecordDate]; ok {
				continue
			}
			if err := w.migrateFact(ctx, tx, z, zt, have); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", z, t.Name, err)
			}
			out = append(out, string(z)+"."+t.Name+" (one row per record)")
		}
	}
	if held[string(publish.Analytics)+"."+publish.PublishedRuns.Name] {
		return out, nil
	}
	if held[string(publish.Restricted)+".erasures"] {
		n, err := w.eraseHistory(ctx, tx, held, rep)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(
				out,
				fmt.Sprintf("%d rows of %d persons erased before", n, rep.ErasedPersons),
			)
		}
	}
	var nights []string
	for _, name := range sortedModels() {
		m := publish.Models[name]
		for _, z := range publish.Zones {
			qn := qualified(z, name)
			if !held[string(z)+"."+name] {
				continue
			}
			switch {
			case m.Kind == publish.Current:
				err = exec(
					ctx,
					tx,
					fmt.Sprintf(
						"DELETE FROM %s WHERE snapshot_date < (SELECT MAX(snapshot_date) FROM %s)",
						qn,
						qn,
					),
				)
				out = append(out, string(z)+"."+name+" (newest night only)")
			case name == "erasures":
				err = exec(
					ctx,
					tx,
					fmt.Sprintf("DELETE FROM %s WHERE EXISTS (SELECT 1 FROM %s AS f "+
						"WHERE f.id_hash = erasures.id_hash AND f.snapshot_date < erasures.snapshot_date)", qn, qn),
				)
				out = append(out, string(z)+"."+name+" (first night of each identifier)")
			case m.Kind == publish.Snapshot && z == publish.Analytics:
				nights = append(nights, "SELECT snapshot_date FROM "+qn)
			}
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", z, name, err)
			}
		}
	}
	if len(nights) == 0 {
		return out, nil
	}
	if err := ensureTable(ctx, tx, publish.Analytics, publish.PublishedRuns); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(
		ctx,
		fmt.Sprintf(
			`INSERT INTO %s SELECT DISTINCT snapshot_date, NULL, NULL, CAST(? AS TIMESTAMPTZ), 'full',
		'published before published_runs existed' FROM (%s) AS n`,
			qualified(publish.Analytics, publish.PublishedRuns.Name),
			strings.Join(nights, " UNION ALL "),
		),
		w.opts.Now().UTC(),
	)
	if err != nil {
		return nil, fmt.Errorf("published_runs: %w", err)
	}
	return append(out, "analytics.published_runs (the nights published so far)"), nil
}

// eraseHistory applies every erasure requested so far to the tables of the old model, and records
// it.
func (w *warehouse) eraseHistory(
	ctx context.Context,
	tx *sql.Tx,
	held map[string]bool,
	rep *publish.Report,
) (int64, error) {
	rows, err := tx.QueryContext(
		ctx,
		"SELECT DISTINCT id_hash FROM "+qualified(publish.Restricted, "erasures")+" ORDER BY 1",
	)
	if err != nil {
		return 0, err
	}
	requests, err := strings1(rows)
	if err != nil {
		return 0, err
	}
	e, err := publish.FindErased(ctx, distinct(tx, held), w.opts.Salt, requests)
	if err != nil {
		return 0, err
	}
	before := rep.ErasedRows
	entries, err := w.eraseRows(ctx, tx, e, rep)
	if err != nil {
		return 0, err
	}
	if len(entries) == 0 {
		return 0, nil
	}
	if err := ensureTable(ctx, tx, publish.Restricted, publish.ErasureLog); err != nil {
		return 0, err
	}
	return rep.ErasedRows - before, w.record(ctx, tx, entries)
}

// migrateFact rebuilds a fact table of the old model.
func (w *warehouse) migrateFact(
	ctx context.Context,
	tx *sql.Tx,
	z publish.Zone,
	t publish.Table,
	have map[string]existing,
) error {
	name, tmp := qualified(z, t.Name), qualified(z, t.Name+"__migrating")
	keys := make([]string, len(t.Key))
	for i, k := range t.Key {
		keys[i] = ident(k)
	}
	from := fmt.Sprintf(
		"(SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY %s "+
			"ORDER BY snapshot_date DESC) AS rn FROM %s) AS c WHERE rn = 1) AS o",
		strings.Join(keys, ", "),
		name,
	)
	var day string
	if t.Parent == "" {
		expr, err := dayExpr(ctx, tx, name, t.Day, w.opts.Zone)
		if err != nil {
			return err
		}
		day = expr
	} else {
		day = "p." + publish.RecordDate
		from += fmt.Sprintf(" LEFT JOIN %s AS p ON p.%s = o.%s", qualified(z, t.Parent), ident(t.Key[0]),
			ident(t.Key[0]))
	}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = "NULL"
		if _, ok := have[c.Name]; ok {
			cols[i] = "o." + ident(c.Name)
		}
	}
	return exec(
		ctx,
		tx,
		"DROP TABLE IF EXISTS "+tmp,
		fmt.Sprintf("CREATE TABLE %s (%s)", tmp, definitions(t.Stored())),
		fmt.Sprintf(
			"INSERT INTO %s SELECT %s, %s, o.snapshot_date FROM %s",
			tmp,
			day,
			strings.Join(cols, ", "),
			from,
		),
		"DROP TABLE "+name,
		fmt.Sprintf("ALTER TABLE %s RENAME TO %s", tmp, ident(t.Name)),
	)
}

// modelTables are the named tables of the runs, without files.
func modelTables(names []string) ([]publish.Table, error) {
	out := make([]publish.Table, 0, len(names))
	for _, n := range names {
		t, err := publish.ModelTable(n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func sortedModels() []string {
	out := make([]string, 0, len(publish.Models))
	for n := range publish.Models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
