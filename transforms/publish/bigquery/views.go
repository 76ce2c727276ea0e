package bigquery

import (
	"context"
	"fmt"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// views creates or refreshes every view whose tables exist in the datasets, with the plan's night
// as the newest, authorizing those that read the restricted dataset on it.
func (p *publisher) views(ctx context.Context) (created, waiting []string, err error) {
	ready, waiting := views.Ready(
		p.opts.AuthorizeViews,
		func(z publish.Zone, t string) bool { return p.held[z][t] },
	)
	nights := views.Nights{Latest: p.plan.Date, Days: p.opts.SnapshotDays}
	for _, v := range ready {
		sql, err := v.SQL(p.cfg.qualified, nights)
		if err != nil {
			return nil, nil, err
		}
		want := &bigquery.TableMetadata{ViewQuery: sql, Description: v.Doc, Labels: labels}
		err = p.ensure(
			ctx,
			publish.Analytics,
			v.Name,
			want,
			func(have *bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error) {
				if have.Type != bigquery.ViewTable {
					return nil, fmt.Errorf(
						"%s.%s exists and is not a view",
						p.cfg.AnalyticsDataset,
						v.Name,
					)
				}
				if have.ViewQuery == sql && have.Description == v.Doc {
					return nil, nil
				}
				return &bigquery.TableMetadataToUpdate{ViewQuery: sql, Description: v.Doc}, nil
			},
		)
		if err != nil {
			return nil, nil, fmt.Errorf("view %s: %w", v.Name, err)
		}
		if v.Authorized {
			if err := p.authorize(ctx, v.Name); err != nil {
				return nil, nil, fmt.Errorf("view %s: %w", v.Name, err)
			}
		}
		created = append(created, v.Name)
	}
	return created, waiting, nil
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
	if _, err := ds.Update(ctx, bigquery.DatasetMetadataToUpdate{Access: access}, md.ETag); err != nil {
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
