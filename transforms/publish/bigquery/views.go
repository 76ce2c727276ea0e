package bigquery

import (
	"context"
	"fmt"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// viewStatements create or replace the views ready with the plan's night as the newest: DDL that
// the switch's script runs right after its COMMIT (BigQuery refuses DDL on views inside a
// transaction), so that no other job stands between a night's published_runs row and its views.
func (p *publisher) viewStatements(ready []views.View) ([]string, error) {
	nights := views.Nights{Latest: p.plan.Date, Days: p.opts.SnapshotDays}
	var out []string
	for _, v := range ready {
		sql, err := v.SQL(p.cfg.qualified, nights)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf(
			"CREATE OR REPLACE VIEW %s\nOPTIONS (description = %s, labels = [%s])\nAS\n%s",
			p.cfg.qualified(publish.Analytics, v.Name), literal(v.Doc), labelList(), sql))
	}
	return out, nil
}

// checkViews refuses, before the switch, a table or materialized view of the analytics dataset
// that holds the name of a view to create: the DDL after the commit would fail on it every night.
func (p *publisher) checkViews(ctx context.Context, ready []views.View) error {
	for _, v := range ready {
		if !p.held[publish.Analytics][v.Name] {
			continue
		}
		ref := p.dataset(publish.Analytics).Table(v.Name)
		md, err := ref.Metadata(ctx)
		if err != nil {
			return fmt.Errorf("view %s: %w", v.Name, err)
		}
		if md.Type != bigquery.ViewTable {
			return fmt.Errorf("%s.%s exists and is not a view", p.cfg.AnalyticsDataset, v.Name)
		}
	}
	return nil
}

// authorize lets a view of the analytics dataset read the restricted dataset, so that analysts who
// may query the view need no access to the restricted data it reads (an authorized view).
func (p *publisher) authorize(ctx context.Context, view string) error {
	ds := p.dataset(publish.Restricted)
	md, err := ds.Metadata(ctx)
	if err != nil {
		return fmt.Errorf("dataset %s: %w", ds.DatasetID, err)
	}
	ref := p.dataset(publish.Analytics).Table(view)
	for _, a := range md.Access {
		if a.EntityType == bigquery.ViewEntity && a.View != nil && a.View.ProjectID == ref.ProjectID &&
			a.View.DatasetID == ref.DatasetID &&
			a.View.TableID == ref.TableID {
			return nil
		}
	}
	access := append(md.Access, &bigquery.AccessEntry{EntityType: bigquery.ViewEntity, View: ref})
	if _, err := ds.Update(ctx, bigquery.DatasetMetadataToUpdate{Access: access},
		md.ETag); err != nil {
		return fmt.Errorf("authorizing it on %s: %w", ds.DatasetID, err)
	}
	return nil
}

// catalogRow is one row of table_catalog as a query parameter.
type catalogRow struct {
	TableName   string `bigquery:"table_name"`
	ColumnName  string `bigquery:"column_name"`
	Description string `bigquery:"description"`
}

var catalogSchema = bigquery.Schema{
	{
		Name:        "table_name",
		Type:        bigquery.StringFieldType,
		Required:    true,
		Description: "table or view",
	},
	{
		Name:        "column_name",
		Type:        bigquery.StringFieldType,
		Required:    true,
		Description: "column; empty for the table or view itself",
	},
	{
		Name:        "description",
		Type:        bigquery.StringFieldType,
		Description: "what the table, view or column holds",
	},
}

// catalog replaces the rows of a zone's table_catalog that describe this run's tables and the views
// created.
func (p *publisher) catalog(ctx context.Context, z publish.Zone, created []string) error {
	want := &bigquery.TableMetadata{
		Description: "every table, view and column of the dataset with its description",
		Schema:      catalogSchema,
		Labels:      labels,
	}
	err := p.ensure(
		ctx,
		z,
		publish.CatalogName,
		want,
		func(*bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error) { return nil, nil },
	)
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	all := publish.Catalog(append(p.plan.In(z), publish.ManagedIn(z)...))
	if z == publish.Analytics {
		all = append(all, views.CatalogRows(created)...)
	}
	var rows []catalogRow
	names := []string{}
	for i, r := range all {
		rows = append(rows, catalogRow{r.Table, r.Column, r.Description})
		if i == 0 || all[i-1].Table != r.Table { // rows come grouped by table
			names = append(names, r.Table)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	q := p.c.Query(p.cfg.catalogMerge(z))
	q.Parameters = []bigquery.QueryParameter{
		{Name: "rows", Value: rows},
		{Name: "tables", Value: names},
	}
	q.JobIDConfig = p.jobID(publish.CatalogName, string(z))
	q.Labels = labels
	job, err := q.Run(ctx)
	if err != nil {
		return fmt.Errorf("catalogue of %s: %w", p.cfg.dataset(z), err)
	}
	_, err = p.wait(ctx, p.cfg.dataset(z)+"."+publish.CatalogName, job)
	return err
}
