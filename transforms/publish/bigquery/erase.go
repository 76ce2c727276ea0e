package bigquery

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"

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
func (p *publisher) findErased(ctx context.Context) (erasure, error) {
	var e erasure
	var err error
	if e.folders, err = publish.ReadRunFolderLog(ctx, p.plan.Output(), p.plan.Date); err != nil {
		return e, err
	}
	if _, ok := p.plan.Table("erasures"); !ok {
		return e, nil
	}
	q := fmt.Sprintf(
		"SELECT DISTINCT id_hash FROM %s WHERE id_hash NOT IN (SELECT id_hash FROM %s) ORDER BY 1",
		p.cfg.qualified(
			publish.Restricted,
			stagingTable(p.plan, "erasures"),
		),
		p.cfg.qualified(publish.Restricted, "erasures"),
	)
	requests, err := p.strings(ctx, "erasures", q, nil)
	if err != nil {
		return e, fmt.Errorf("new erasure requests: %w", err)
	}
	e.Erased, err = publish.FindErased(ctx, p.distinct, p.opts.Salt, requests)
	return e, err
}

// distinct answers the erasure's lookups in the published tables.
func (p *publisher) distinct(ctx context.Context, l publish.Lookup) ([]string, error) {
	var name string
	for _, z := range publish.Zones {
		if p.held[z][l.Table] {
			name = p.cfg.qualified(z, l.Table)
			break
		}
	}
	if name == "" {
		return nil, nil
	}
	var params []bigquery.QueryParameter
	in := func(m publish.Match) string {
		params = append(
			params,
			bigquery.QueryParameter{Name: fmt.Sprintf("v%d", len(params)), Value: m.Values},
		)
		return fmt.Sprintf("%s IN UNNEST(@v%d)", quote(m.Column), len(params)-1)
	}
	c := quote(l.Column)
	conds := []string{c + " IS NOT NULL", "CAST(" + c + " AS STRING) != ''"}
	for _, m := range l.All {
		conds = append(conds, in(m))
	}
	if len(l.Any) > 0 {
		var any []string
		for _, m := range l.Any {
			any = append(any, in(m))
		}
		conds = append(conds, "("+strings.Join(any, " OR ")+")")
	}
	if t, err := publish.ModelTable(l.Table); err == nil && t.Kind == publish.Snapshot {
		conds = append(conds, anyNight)
	}
	q := fmt.Sprintf(
		"SELECT DISTINCT CAST(%s AS STRING) FROM %s WHERE %s",
		c,
		name,
		strings.Join(conds, " AND "),
	)
	return p.strings(ctx, "erasure", q, params)
}

// anyNight is a partition filter that keeps every night: BigQuery asks one of every query of a
// snapshot table.
const anyNight = publish.SnapshotDate + " >= DATE '1970-01-01'"

// strings runs a query and returns the first column of its rows.
func (p *publisher) strings(
	ctx context.Context,
	step, q string,
	params []bigquery.QueryParameter,
) ([]string, error) {
	rows, err := p.read(ctx, step, q, params)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if len(r) > 0 {
			if s, ok := r[0].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// folderRow is one cleaning of a run folder as a query parameter.
type folderRow struct {
	Place       string    `bigquery:"place"`
	Requests    int64     `bigquery:"requests"`
	RowsRemoved int64     `bigquery:"rows_removed"`
	CleanedAt   time.Time `bigquery:"cleaned_at"`
}

// eraseStatements delete the erased persons' rows from every published table of both zones, each
// followed by its erasure_log row (@@row_count is the rows the DELETE removed), then record the run
// folders' cleaning. The values erased travel as query parameters.
func (p *publisher) eraseStatements(
	e erasure,
	rep *publish.Report,
) ([]string, []bigquery.QueryParameter, error) {
	log := p.cfg.qualified(publish.Restricted, publish.ErasureLog.Name)
	date := "DATE '" + p.plan.Date + "'"
	var stmts []string
	var params []bigquery.QueryParameter
	if len(e.Requests) > 0 && len(e.Persons) > 0 {
		names := make([]string, 0, len(publish.Models))
		for name := range publish.Models {
			names = append(names, name)
		}
		sort.Strings(names)
		used := map[string]bool{}
		for _, name := range names {
			t, err := publish.ModelTable(name)
			if err != nil {
				return nil, nil, err
			}
			for _, z := range publish.Zones {
				zt, ok := t.In(z)
				if !ok || !p.held[z][name] {
					continue
				}
				have := map[string]bool{}
				for _, c := range zt.Columns {
					have[c.Name] = true
				}
				var conds []string
				for _, m := range e.Matches(zt) {
					if !have[m.Column] {
						continue
					}
					param := "erase_" + m.Column
					if !used[param] {
						used[param] = true
						params = append(
							params,
							bigquery.QueryParameter{Name: param, Value: m.Values},
						)
					}
					conds = append(conds, fmt.Sprintf("%s IN UNNEST(@%s)", quote(m.Column), param))
				}
				if len(conds) == 0 {
					continue
				}
				where := strings.Join(conds, " OR ")
				if t.Kind == publish.Snapshot {
					where = anyNight + " AND (" + where + ")"
				}
				stmts = append(
					stmts,
					fmt.Sprintf("DELETE FROM %s WHERE %s", p.cfg.qualified(z, name), where),
					fmt.Sprintf(
						"INSERT INTO %s (snapshot_date, place, requests, rows_removed, cleaned_at)\n"+
							"VALUES (%s, '%s.%s', %d, @@row_count, @cleaned_at)",
						log,
						date,
						z,
						name,
						len(e.Requests),
					),
				)
			}
		}
		params = append(
			params,
			bigquery.QueryParameter{Name: "cleaned_at", Value: p.opts.Now().UTC()},
		)
		rep.ErasedPersons = len(e.Persons)
	}
	if len(e.folders) > 0 {
		rows := make([]folderRow, len(e.folders))
		for i, f := range e.folders {
			rows[i] = folderRow{f.Place, f.Requests, f.RowsRemoved, f.CleanedAt.UTC()}
		}
		params = append(params, bigquery.QueryParameter{Name: "folders", Value: rows})
		stmts = append(
			stmts,
			fmt.Sprintf(
				"DELETE FROM %s WHERE snapshot_date = %s AND STARTS_WITH(place, 'run ')",
				log,
				date,
			),
			fmt.Sprintf(
				"INSERT INTO %s (snapshot_date, place, requests, rows_removed, cleaned_at)\n"+
					"SELECT %s, f.place, f.requests, f.rows_removed, f.cleaned_at FROM UNNEST(@folders) AS f",
				log,
				date,
			),
		)
	}
	return stmts, params, nil
}
