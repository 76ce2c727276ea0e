package bigquery

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
)

// migrate brings a warehouse of the model that copied every table under each night's snapshot_date
// to the model of facts, snapshots and current tables, and returns what it changed. Each step can
// be run again after a failure:
//   - a fact table partitioned on snapshot_date is rebuilt as <table>__migrating (each record's
//     latest copy, record_date from its own time or its parent's, loaded_date from the copy's
//     night), then the old table is dropped and the new one renamed; a rebuilt table whose old one
//     is gone is only renamed;
//   - on first use (no published_runs yet), one transaction applies the erasures requested so far
//     to the nights published before (the identity maps of every night find their persons), keeps
//     the newest night of each current table and the first night of each erased identifier, and
//     lists the nights published so far in published_runs.
//
// Snapshot tables and merge_history keep their rows; the next step sets the snapshots' partition
// expiration and filter requirement.
func (p *publisher) migrate(ctx context.Context, rep *publish.Report) ([]string, error) {
	var out []string
	var facts []publish.Table
	for _, name := range sortedModels() {
		if publish.Models[name].Kind == publish.Fact {
			t, err := publish.ModelTable(name)
			if err != nil {
				return nil, err
			}
			facts = append(facts, t)
		}
	}
	sort.SliceStable(
		facts,
		func(i, j int) bool { return facts[i].Parent == "" && facts[j].Parent != "" },
	)
	for _, t := range facts {
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				continue
			}
			done, err := p.migrateFact(ctx, z, zt)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", p.cfg.dataset(z), t.Name, err)
			}
			if done {
				out = append(out, string(z)+"."+t.Name+" (one row per record)")
			}
		}
	}
	if p.held[publish.Analytics][publish.PublishedRuns.Name] {
		return out, nil
	}
	var stmts, nights []string
	var params []bigquery.QueryParameter
	if p.held[publish.Restricted]["erasures"] {
		q := "SELECT DISTINCT id_hash FROM " + p.cfg.qualified(
			publish.Restricted,
			"erasures",
		) + " ORDER BY 1"
		requests, err := p.strings(ctx, "migrate", q, nil)
		if err != nil {
			return nil, err
		}
		e, err := publish.FindErased(ctx, p.distinct, p.opts.Salt, requests)
		if err != nil {
			return nil, err
		}
		if len(e.Persons) > 0 {
			if err := p.ensureTable(ctx, publish.Restricted, publish.ErasureLog); err != nil {
				return nil, err
			}
			stmts, params, err = p.eraseStatements(erasure{Erased: e}, rep)
			if err != nil {
				return nil, err
			}
			out = append(
				out,
				fmt.Sprintf("the nights before cleaned of %d persons erased", len(e.Persons)),
			)
		}
	}
	for _, name := range sortedModels() {
		m := publish.Models[name]
		for _, z := range publish.Zones {
			if !p.held[z][name] {
				continue
			}
			qn := p.cfg.qualified(z, name)
			switch {
			case m.Kind == publish.Current:
				stmts = append(
					stmts,
					fmt.Sprintf(
						"DELETE FROM %s WHERE snapshot_date < (SELECT MAX(snapshot_date) FROM %s)",
						qn,
						qn,
					),
				)
				out = append(out, string(z)+"."+name+" (newest night only)")
			case name == "erasures":
				stmts = append(
					stmts,
					fmt.Sprintf("DELETE FROM %s AS e WHERE EXISTS (SELECT 1 FROM %s AS f "+
						"WHERE f.id_hash = e.id_hash AND f.snapshot_date < e.snapshot_date)", qn, qn),
				)
				out = append(out, string(z)+"."+name+" (first night of each identifier)")
			case m.Kind == publish.Snapshot && z == publish.Analytics:
				nights = append(
					nights,
					fmt.Sprintf("SELECT snapshot_date FROM %s WHERE %s", qn, anyNight),
				)
			}
		}
	}
	if len(nights) > 0 {
		if err := p.ensureTable(ctx, publish.Analytics, publish.PublishedRuns); err != nil {
			return nil, err
		}
		stmts = append(
			stmts,
			fmt.Sprintf(
				"INSERT INTO %s (snapshot_date, run_id, manifest_hash, published_at, mode, reason)\n"+
					"SELECT DISTINCT snapshot_date, CAST(NULL AS STRING), CAST(NULL AS STRING), "+
					"@migrated_at, 'full', 'published before published_runs existed' FROM (%s)",
				p.cfg.qualified(publish.Analytics, publish.PublishedRuns.Name),
				strings.Join(nights, " UNION ALL "),
			),
		)
		params = append(
			params,
			bigquery.QueryParameter{Name: "migrated_at", Value: p.opts.Now().UTC()},
		)
		out = append(out, "analytics.published_runs (the nights published so far)")
	}
	if len(stmts) == 0 {
		return out, nil
	}
	if _, err := p.query(ctx, "migrate", script(stmts, nil), params); err != nil {
		return nil, err
	}
	return out, p.list(ctx)
}

// migrateFact rebuilds one zone's fact table of the old model, and reports whether it did.
func (p *publisher) migrateFact(
	ctx context.Context,
	z publish.Zone,
	t publish.Table,
) (bool, error) {
	ds := p.dataset(z)
	tmpName := t.Name + "__migrating"
	rename := func() error {
		_, err := p.query(
			ctx,
			"migrate",
			fmt.Sprintf("ALTER TABLE %s RENAME TO %s", p.cfg.qualified(z, tmpName), quote(t.Name)),
			nil,
		)
		if err != nil {
			return err
		}
		return p.list(ctx)
	}
	if !p.held[z][t.Name] {
		if p.held[z][tmpName] {
			return true, rename()
		}
		return false, nil
	}
	have, err := ds.Table(t.Name).Metadata(ctx)
	if err != nil {
		return false, err
	}
	if partitionField(have) == publish.RecordDate {
		return false, nil
	}
	if err := ds.Table(tmpName).Delete(ctx); err != nil && !notFound(err) {
		return false, err
	}
	md, err := Metadata(t, p.opts.SnapshotDays)
	if err != nil {
		return false, err
	}
	if err := ds.Table(tmpName).Create(ctx, md); err != nil {
		return false, err
	}
	old := map[string]bool{}
	for _, f := range have.Schema {
		old[f.Name] = true
	}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = "NULL"
		if old[c.Name] {
			cols[i] = "o." + quote(c.Name)
		}
	}
	keys := make([]string, len(t.Key))
	for i, k := range t.Key {
		keys[i] = quote(k)
	}
	from := fmt.Sprintf(
		"(SELECT * FROM %s WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY %s ORDER BY "+
			"snapshot_date DESC) = 1) AS o",
		p.cfg.qualified(z, t.Name),
		strings.Join(keys, ", "),
	)
	day := fmt.Sprintf("DATE(o.%s, '%s')", quote(t.Day), p.opts.Zone.String())
	if t.Parent != "" {
		day = "p." + publish.RecordDate
		from += fmt.Sprintf(
			" LEFT JOIN %s AS p ON p.%s = o.%s",
			p.cfg.qualified(z, t.Parent),
			quote(t.Key[0]),
			quote(t.Key[0]),
		)
	}
	insert := fmt.Sprintf(
		"INSERT INTO %s (%s, %s, %s)\nSELECT %s, %s, o.snapshot_date FROM %s",
		p.cfg.qualified(z, tmpName),
		publish.RecordDate,
		columnList(t.Columns, ""),
		publish.LoadedDate,
		day,
		strings.Join(cols, ", "),
		from,
	)
	if _, err := p.query(ctx, "migrate", insert, nil); err != nil {
		return false, err
	}
	if err := ds.Table(t.Name).Delete(ctx); err != nil {
		return false, err
	}
	return true, rename()
}

func sortedModels() []string {
	out := make([]string, 0, len(publish.Models))
	for n := range publish.Models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
