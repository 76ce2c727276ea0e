package bigquery

import (
	"fmt"
	"sort"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
)

// switchStatements are the statements of the transaction that switches the night in: the erasure,
// every table of the plan by its kind (a fact after the fact it takes its day from), and the
// night's published_runs row, last.
func (p *publisher) switchStatements(
	newest bool,
	e erasure,
	rep *publish.Report,
) ([]string, []bigquery.QueryParameter, error) {
	stmts, params, err := p.eraseStatements(e, rep)
	if err != nil {
		return nil, nil, err
	}
	tables := append([]publish.Table{}, p.plan.Tables...)
	sort.SliceStable(
		tables,
		func(i, j int) bool { return tables[i].Parent == "" && tables[j].Parent != "" },
	)
	for _, t := range tables {
		for _, z := range publish.Zones {
			if zt, ok := t.In(z); ok {
				stmts = append(
					stmts,
					p.cfg.statements(p.plan, z, zt, newest, p.opts.Zone.String())...)
			}
		}
	}
	runs := p.cfg.qualified(publish.Analytics, publish.PublishedRuns.Name)
	stmts = append(
		stmts,
		fmt.Sprintf("DELETE FROM %s WHERE snapshot_date = DATE '%s'", runs, p.plan.Date),
		fmt.Sprintf(
			"INSERT INTO %s (snapshot_date, run_id, manifest_hash, published_at, mode, reason)\n"+
				"VALUES (DATE '%s', @run_id, @manifest_hash, @published_at, @mode, @reason)",
			runs,
			p.plan.Date,
		),
	)
	params = append(
		params,
		bigquery.QueryParameter{Name: "run_id", Value: p.plan.RunID},
		bigquery.QueryParameter{Name: "manifest_hash", Value: p.plan.ManifestHash},
		bigquery.QueryParameter{Name: "published_at", Value: p.opts.Now().UTC()},
		bigquery.QueryParameter{Name: "mode", Value: p.plan.Mode},
		bigquery.QueryParameter{
			Name:  "reason",
			Value: bigquery.NullString{StringVal: p.plan.Reason, Valid: p.plan.Reason != ""},
		},
	)
	return stmts, params, nil
}
