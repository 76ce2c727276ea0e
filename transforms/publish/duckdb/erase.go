package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
)

// erasure is what the switch removes for the night's new erasure requests, and the cleaning of the
// kept run folders to record.
type erasure struct {
	publish.Erased
	folders []publish.Cleaning
}

// findErased finds the identifier hashes of the night's erasures table that the warehouse has not
// erased yet, and what of theirs the published tables hold.
func (w *warehouse) findErased(ctx context.Context) (erasure, error) {
	var e erasure
	var err error
	if e.folders, err = publish.ReadRunFolderLog(ctx, w.plan.Output(), w.plan.Date); err != nil {
		return e, err
	}
	if _, ok := w.plan.Table("erasures"); !ok {
		return e, nil
	}
	rows, err := w.conn.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT id_hash FROM %s
		WHERE id_hash NOT IN (SELECT id_hash FROM %s) ORDER BY 1`, staging("erasures"),
		qualified(publish.Restricted, "erasures")))
	if err != nil {
		return e, fmt.Errorf("new erasure requests: %w", err)
	}
	requests, err := strings1(rows)
	if err != nil {
		return e, fmt.Errorf("new erasure requests: %w", err)
	}
	held, err := tables(ctx, w.conn)
	if err != nil {
		return e, err
	}
	e.Erased, err = publish.FindErased(ctx, distinct(w.conn, held), w.opts.Salt, requests)
	return e, err
}

// distinct answers the erasure's lookups in the published tables.
func distinct(q querier, held map[string]bool) publish.Distinct {
	return func(ctx context.Context, l publish.Lookup) ([]string, error) {
		var name string
		for _, z := range publish.Zones {
			if held[string(z)+"."+l.Table] {
				name = qualified(z, l.Table)
				break
			}
		}
		if name == "" {
			return nil, nil
		}
		c := ident(l.Column)
		conds := []string{c + " IS NOT NULL", "CAST(" + c + " AS VARCHAR) <> ''"}
		for _, m := range l.All {
			conds = append(conds, inList(m.Column, m.Values))
		}
		if len(l.Any) > 0 {
			var any []string
			for _, m := range l.Any {
				any = append(any, inList(m.Column, m.Values))
			}
			conds = append(conds, "("+strings.Join(any, " OR ")+")")
		}
		rows, err := q.QueryContext(
			ctx,
			fmt.Sprintf("SELECT DISTINCT CAST(%s AS VARCHAR) FROM %s WHERE %s",
				c, name, strings.Join(conds, " AND ")),
		)
		if err != nil {
			return nil, err
		}
		return strings1(rows)
	}
}

// erase removes the erased persons' rows from the published tables and records each table cleaned,
// and the run folders' cleaning, in erasure_log.
func (w *warehouse) erase(ctx context.Context, tx *sql.Tx, e erasure, rep *publish.Report) error {
	entries, err := w.eraseRows(ctx, tx, e.Erased, rep)
	if err != nil {
		return err
	}
	log := qualified(publish.Restricted, publish.ErasureLog.Name)
	if len(e.folders) > 0 {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+log+
			" WHERE snapshot_date = ?::DATE AND place LIKE 'run %'", w.plan.Date); err != nil {
			return err
		}
		entries = append(entries, e.folders...)
	}
	return w.record(ctx, tx, entries)
}

// eraseRows removes the erased persons' rows from every published table of both zones, and returns
// the cleaning of each table that could hold some.
func (w *warehouse) eraseRows(
	ctx context.Context,
	tx *sql.Tx,
	e publish.Erased,
	rep *publish.Report,
) ([]publish.Cleaning, error) {
	if len(e.Requests) == 0 || len(e.Persons) == 0 {
		return nil, nil
	}
	held, err := tables(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := w.opts.Now().UTC()
	var entries []publish.Cleaning
	for _, name := range sortedModels() {
		for _, z := range publish.Zones {
			if !held[string(z)+"."+name] {
				continue
			}
			have, err := existingColumns(ctx, tx, z, name)
			if err != nil {
				return nil, err
			}
			var conds []string
			for _, m := range e.Matches(publish.Table{Name: name, Model: publish.Models[name]}) {
				if _, ok := have[m.Column]; ok {
					conds = append(conds, inList(m.Column, m.Values))
				}
			}
			if len(conds) == 0 {
				continue
			}
			res, err := tx.ExecContext(
				ctx,
				fmt.Sprintf(
					"DELETE FROM %s WHERE %s",
					qualified(z, name),
					strings.Join(conds, " OR "),
				),
			)
			if err != nil {
				return nil, fmt.Errorf("erasing from %s.%s: %w", z, name, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return nil, err
			}
			rep.ErasedRows += n
			entries = append(
				entries,
				publish.Cleaning{Date: w.plan.Date, Place: string(z) + "." + name,
					Requests: int64(len(e.Requests)), RowsRemoved: n, CleanedAt: now},
			)
		}
	}
	rep.ErasedPersons += len(e.Persons)
	return entries, nil
}

// record adds cleanings to erasure_log, under the plan's night.
func (w *warehouse) record(ctx context.Context, tx *sql.Tx, entries []publish.Cleaning) error {
	log := qualified(publish.Restricted, publish.ErasureLog.Name)
	for _, c := range entries {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+log+" VALUES (?::DATE, ?, ?, ?, ?)",
			w.plan.Date, c.Place, c.Requests, c.RowsRemoved, c.CleanedAt.UTC()); err != nil {
			return fmt.Errorf("erasure log: %w", err)
		}
	}
	return nil
}

// strings1 reads the first column of every row.
func strings1(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
