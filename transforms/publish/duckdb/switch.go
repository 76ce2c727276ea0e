package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// switchIn moves the staged night into the published tables, in the caller's transaction: the
// erasure first, then every table by its kind, the night's published_runs row, and, when the night
// is the newest, the views with its date; the catalogues last.
func (w *warehouse) switchIn(
	ctx context.Context,
	tx *sql.Tx,
	newest bool,
	e erasure,
	rep *publish.Report,
) error {
	if err := w.erase(ctx, tx, e, rep); err != nil {
		return err
	}
	for _, t := range loadOrder(w.plan.Tables) {
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				continue
			}
			stmts, err := w.statements(ctx, tx, z, zt, newest)
			if err != nil {
				return fmt.Errorf("table %s.%s: %w", z, t.Name, err)
			}
			if err := exec(ctx, tx, stmts...); err != nil {
				return fmt.Errorf("table %s.%s: %w", z, t.Name, err)
			}
		}
	}
	runs := qualified(publish.Analytics, publish.PublishedRuns.Name)
	var reason sql.NullString
	if w.plan.Reason != "" {
		reason = sql.NullString{String: w.plan.Reason, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+runs+
		" WHERE snapshot_date = ?::DATE", w.plan.Date); err != nil {
		return fmt.Errorf("published_runs: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+runs+" VALUES (?::DATE, ?, ?, ?, ?, ?)",
		w.plan.Date, w.plan.RunID,
		w.plan.ManifestHash, w.opts.Now().UTC(), w.plan.Mode, reason); err != nil {
		return fmt.Errorf("published_runs: %w", err)
	}
	if newest {
		created, waiting, err := createViews(ctx, tx, w.opts.Settings, w.plan.Date)
		if err != nil {
			return err
		}
		rep.Created, rep.Waiting = created, waiting
	}
	for _, z := range publish.Zones {
		rows := publish.Catalog(append(w.plan.In(z), publish.ManagedIn(z)...))
		if z == publish.Analytics {
			rows = append(rows, views.CatalogRows(rep.Created)...)
		}
		if err := catalogue(ctx, tx, z, rows); err != nil {
			return fmt.Errorf("catalogue of %s: %w", z, err)
		}
	}
	return nil
}

// loadOrder sorts the tables so that a fact comes after the fact it takes its day from.
func loadOrder(tables []publish.Table) []publish.Table {
	out := append([]publish.Table{}, tables...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Parent == "" && out[j].Parent != "" })
	return out
}

// statements move one zone's table of the night from its staging table, by the table's kind.
func (w *warehouse) statements(
	ctx context.Context,
	tx *sql.Tx,
	z publish.Zone,
	t publish.Table,
	newest bool,
) ([]string, error) {
	name, src, date := qualified(z, t.Name), staging(t.Name), "DATE "+literal(w.plan.Date)
	cols := columnList(t.Columns, "")
	switch t.Kind {
	case publish.Fact:
		return w.merge(ctx, tx, z, t)
	case publish.Snapshot:
		stmts := []string{
			fmt.Sprintf("DELETE FROM %s WHERE %s = %s", name, publish.SnapshotDate, date),
			insertNight(name, cols, date, src),
		}
		if newest {
			// BigQuery expires partitions by their age; the twin keeps as many nights up to the newest.
			stmts = append(
				stmts,
				fmt.Sprintf("DELETE FROM %s WHERE %s <= %s - INTERVAL %d DAY", name,
					publish.SnapshotDate, date, w.opts.SnapshotDays),
			)
		}
		return stmts, nil
	case publish.Current:
		if !newest {
			return nil, nil
		}
		if w.plan.Mode == publish.Incremental && t.Changes {
			return upsert(t, name, src, date, cols), nil
		}
		return []string{"DELETE FROM " + name, insertNight(name, cols, date, src)}, nil
	case publish.Append:
		if t.Name == "erasures" {
			return []string{
				fmt.Sprintf("INSERT INTO %s (%s, %s) SELECT %s, %s FROM %s AS s WHERE NOT EXISTS "+
					"(SELECT 1 FROM %s AS t WHERE %s)", name, publish.SnapshotDate, cols, date,
					columnList(t.Columns, "s."), src,
					name, keyMatch(t.Key)),
			}, nil
		}
		return []string{
			fmt.Sprintf("DELETE FROM %s WHERE %s = %s", name, publish.SnapshotDate, date),
			insertNight(name, cols, date, src),
		}, nil
	}
	return nil, fmt.Errorf("kind %q cannot be loaded", t.Kind)
}

// merge is the MERGE of a fact table on its natural key, written as an UPDATE of the rows the night
// changed and an INSERT of those it adds (the bundled DuckDB has no MERGE): a row changes when some
// column differs and the night is not older than the one that wrote it, so that publishing an older
// night again never brings back an older state of a record.
func (w *warehouse) merge(
	ctx context.Context,
	tx *sql.Tx,
	z publish.Zone,
	t publish.Table,
) ([]string, error) {
	name, date := qualified(z, t.Name), "DATE "+literal(w.plan.Date)
	var day, from string
	if t.Parent == "" {
		expr, err := dayExpr(ctx, tx, staging(t.Name), t.Day, w.opts.Zone)
		if err != nil {
			return nil, err
		}
		day, from = expr, staging(t.Name)+" AS st"
	} else {
		// The parent's rows of the night are merged already: the line takes its order's day.
		day = "p." + publish.RecordDate
		from = fmt.Sprintf("%s AS st LEFT JOIN %s AS p ON p.%s = st.%s", staging(t.Name),
			qualified(z, t.Parent),
			ident(t.Key[0]), ident(t.Key[0]))
	}
	source := fmt.Sprintf(
		"(SELECT %s AS %s, %s FROM %s)",
		day,
		publish.RecordDate,
		columnList(t.Columns, "st."),
		from,
	)
	changed := []string{"t." + publish.RecordDate + " IS DISTINCT FROM s." + publish.RecordDate}
	sets := []string{publish.RecordDate + " = s." + publish.RecordDate}
	for _, c := range t.Columns {
		changed = append(
			changed,
			fmt.Sprintf("t.%s IS DISTINCT FROM s.%s", ident(c.Name), ident(c.Name)),
		)
		sets = append(sets, fmt.Sprintf("%s = s.%s", ident(c.Name), ident(c.Name)))
	}
	sets = append(sets, publish.LoadedDate+" = "+date)
	update := fmt.Sprintf(
		"UPDATE %s AS t SET %s FROM %s AS s WHERE %s AND t.%s <= %s AND (%s)",
		name,
		strings.Join(
			sets,
			", ",
		),
		source,
		keyMatch(t.Key),
		publish.LoadedDate,
		date,
		strings.Join(changed, " OR "),
	)
	insert := fmt.Sprintf(
		"INSERT INTO %s (%s, %s, %s) SELECT s.%s, %s, %s FROM %s AS s WHERE NOT EXISTS "+
			"(SELECT 1 FROM %s AS t WHERE %s)",
		name,
		publish.RecordDate,
		columnList(t.Columns, ""),
		publish.LoadedDate,
		publish.RecordDate,
		columnList(t.Columns, "s."),
		date,
		source,
		name,
		keyMatch(t.Key),
	)
	return []string{update, insert}, nil
}

// insertNight copies the staged rows of src into the table name, dated date.
func insertNight(name, cols, date, src string) string {
	return fmt.Sprintf("INSERT INTO %s (%s, %s) SELECT %s, %s FROM %s",
		name, publish.SnapshotDate, cols, date, cols, src)
}

// upsert updates a current table's rows the night changed and adds its new ones (an incremental
// night may hold only the rows that changed).
func upsert(t publish.Table, name, src, date, cols string) []string {
	var changed, sets []string
	for _, c := range t.Columns {
		changed = append(
			changed,
			fmt.Sprintf("t.%s IS DISTINCT FROM s.%s", ident(c.Name), ident(c.Name)),
		)
		sets = append(sets, fmt.Sprintf("%s = s.%s", ident(c.Name), ident(c.Name)))
	}
	sets = append(sets, publish.SnapshotDate+" = "+date)
	return []string{
		fmt.Sprintf(
			"UPDATE %s AS t SET %s FROM %s AS s WHERE %s AND (%s)",
			name,
			strings.Join(sets, ", "),
			src,
			keyMatch(t.Key),
			strings.Join(changed, " OR "),
		),
		fmt.Sprintf(
			"INSERT INTO %s (%s, %s) SELECT %s, %s FROM %s AS s WHERE NOT EXISTS (SELECT 1 "+
				"FROM %s AS t WHERE %s)",
			name,
			publish.SnapshotDate,
			cols,
			date,
			columnList(t.Columns, "s."),
			src,
			name,
			keyMatch(t.Key),
		),
	}
}

// keyMatch is "t.k1 = s.k1 AND ...".
func keyMatch(key []string) string {
	out := make([]string, len(key))
	for i, k := range key {
		out[i] = fmt.Sprintf("t.%s = s.%s", ident(k), ident(k))
	}
	return strings.Join(out, " AND ")
}

// catalogue replaces the rows of a zone's table_catalog that describe the given tables and views.
func catalogue(ctx context.Context, tx *sql.Tx, z publish.Zone, rows []publish.CatalogRow) error {
	name := qualified(z, publish.CatalogName)
	if err := exec(ctx, tx, `CREATE TABLE IF NOT EXISTS `+name+
		` (table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, description VARCHAR)`); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	var names []string
	values := make([]string, len(rows))
	for i, r := range rows {
		if i == 0 || rows[i-1].Table != r.Table { // rows come grouped by table
			names = append(names, r.Table)
		}
		values[i] = "(" + literal(
			r.Table,
		) + ", " + literal(
			r.Column,
		) + ", " + literal(
			r.Description,
		) + ")"
	}
	return exec(ctx, tx, "DELETE FROM "+name+" WHERE "+inList("table_name", names),
		"INSERT INTO "+name+" VALUES "+strings.Join(values, ", "))
}
