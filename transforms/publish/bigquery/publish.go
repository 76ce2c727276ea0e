package bigquery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"cloud.google.com/go/bigquery"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/googleapi"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

var labels = map[string]string{"managed_by": "portraits_publish"}

var datasetDocs = map[publish.Zone]string{
	publish.Analytics:  "customer portraits for analysts and BI: no contact point and no hashed identifier",
	publish.Restricted: "customer portraits with hashed identifiers and masked contact points, for the activation service only",
}

type publisher struct {
	c    *bigquery.Client
	cfg  Config
	plan *publish.Plan
}

// Publish loads a run into BigQuery: it creates the two datasets and the run's tables where missing
// (evolving existing tables' schemas), loads each table's Parquet files into a staging table and
// replaces the date's partition of every zone from it in one transaction, then creates the views
// whose tables exist and refreshes both table catalogues. Publishing a date again replaces its rows.
// The client's project runs the jobs; cfg.Project holds the datasets.
func Publish(ctx context.Context, c *bigquery.Client, plan *publish.Plan, cfg Config) (views.Outcome, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return views.Outcome{}, fmt.Errorf("bigquery: %w", err)
	}
	p := &publisher{c: c, cfg: cfg, plan: plan}
	for _, z := range publish.Zones {
		if err := p.ensureDataset(ctx, z); err != nil {
			return views.Outcome{}, err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cfg.Parallel)
	for _, t := range plan.Tables {
		g.Go(func() error { return p.table(gctx, t) })
	}
	if err := g.Wait(); err != nil {
		return views.Outcome{}, fmt.Errorf("bigquery: %w", err)
	}
	out, err := p.views(ctx)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("bigquery: %w", err)
	}
	for _, z := range publish.Zones {
		if err := p.catalog(ctx, z, out.Created); err != nil {
			return views.Outcome{}, fmt.Errorf("bigquery: %w", err)
		}
	}
	return out, nil
}

func (p *publisher) dataset(z publish.Zone) *bigquery.Dataset {
	return p.c.DatasetInProject(p.cfg.Project, p.cfg.dataset(z))
}

// ensureDataset creates a zone's dataset where missing, and refuses one in another location.
func (p *publisher) ensureDataset(ctx context.Context, z publish.Zone) error {
	ds := p.dataset(z)
	md, err := ds.Metadata(ctx)
	switch {
	case notFound(err):
		err = ds.Create(ctx, &bigquery.DatasetMetadata{Location: p.cfg.Location, Description: datasetDocs[z], Labels: labels})
		if err != nil && !conflict(err) {
			return fmt.Errorf("bigquery: creating dataset %s:%s: %w", p.cfg.Project, ds.DatasetID, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("bigquery: dataset %s:%s: %w", p.cfg.Project, ds.DatasetID, err)
	case !sameLocation(md.Location, p.cfg.Location):
		return fmt.Errorf("bigquery: dataset %s:%s is in %s, the warehouse URI says %s", p.cfg.Project, ds.DatasetID, md.Location, p.cfg.Location)
	}
	return nil
}

// table publishes one table: its zone tables, staging, load, replace, and the staging table and the
// staged copies of a local run's files removed.
func (p *publisher) table(ctx context.Context, t publish.Table) error {
	for _, z := range publish.Zones {
		if zt, ok := t.In(z); ok {
			if err := p.ensureTable(ctx, z, zt); err != nil {
				return err
			}
		}
	}
	uris, err := p.cfg.sourceURIs(p.plan, t)
	if err != nil {
		return err
	}
	if err := stage(ctx, p.plan, t, uris); err != nil {
		return err
	}
	staging := p.dataset(publish.Restricted).Table(stagingTable(p.plan, t.Name))
	src := bigquery.NewGCSReference(uris...)
	src.SourceFormat = bigquery.Parquet
	// Lists as REPEATED columns rather than the records of Parquet's three-level list layout.
	src.ParquetOptions = &bigquery.ParquetOptions{EnableListInference: true}
	load := staging.LoaderFrom(src)
	load.WriteDisposition = bigquery.WriteTruncate
	load.CreateDisposition = bigquery.CreateIfNeeded
	load.JobIDConfig = p.jobID(t.Name, "load")
	load.Labels = labels
	job, err := load.Run(ctx)
	if err != nil {
		return fmt.Errorf("table %s: starting the load into %s: %w", t.Name, staging.FullyQualifiedName(), err)
	}
	status, err := p.wait(ctx, t.Name, job)
	if err != nil {
		return err
	}
	if st, ok := status.Statistics.Details.(*bigquery.LoadStatistics); ok && st.OutputRows != t.Rows {
		return fmt.Errorf("table %s: load job %s loaded %d rows, the run's manifest says %d", t.Name, job.ID(), st.OutputRows, t.Rows)
	}
	q := p.c.Query(p.cfg.replaceScript(p.plan, t))
	q.JobIDConfig = p.jobID(t.Name, "replace")
	q.Labels = labels
	if job, err = q.Run(ctx); err != nil {
		return fmt.Errorf("table %s: starting the replace of %s: %w", t.Name, p.plan.Date, err)
	}
	if _, err := p.wait(ctx, t.Name, job); err != nil {
		return err
	}
	if err := staging.Delete(ctx); err != nil && !notFound(err) {
		return fmt.Errorf("table %s: dropping %s: %w", t.Name, staging.FullyQualifiedName(), err)
	}
	return unstage(ctx, p.plan, t, uris)
}

func (p *publisher) jobID(table, step string) bigquery.JobIDConfig {
	id := jobID(p.plan.Date, table, step)
	id.Location = p.cfg.Location
	return id
}

// ensureTable creates a zone's table from the schemas, or brings an existing one up to them.
func (p *publisher) ensureTable(ctx context.Context, z publish.Zone, t publish.Table) error {
	want, err := Metadata(t)
	if err != nil {
		return err
	}
	return p.ensure(ctx, z, t.Name, want, func(have *bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error) {
		return evolve(p.cfg.dataset(z)+"."+t.Name, have, want)
	})
}

// ensure creates a table or view where missing, else applies what update asks of the existing one.
func (p *publisher) ensure(ctx context.Context, z publish.Zone, name string, want *bigquery.TableMetadata,
	update func(*bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error)) error {
	ref := p.dataset(z).Table(name)
	have, err := ref.Metadata(ctx)
	if notFound(err) {
		if err := ref.Create(ctx, want); err != nil && !conflict(err) {
			return fmt.Errorf("creating %s: %w", ref.FullyQualifiedName(), err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ref.FullyQualifiedName(), err)
	}
	u, err := update(have)
	if err != nil || u == nil {
		return err
	}
	if _, err := ref.Update(ctx, *u, have.ETag); err != nil {
		return fmt.Errorf("updating %s: %w", ref.FullyQualifiedName(), err)
	}
	return nil
}

func notFound(err error) bool { return httpCode(err) == http.StatusNotFound }

func conflict(err error) bool { return httpCode(err) == http.StatusConflict }

func httpCode(err error) int {
	var e *googleapi.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func sameLocation(a, b string) bool { return strings.EqualFold(a, b) }
