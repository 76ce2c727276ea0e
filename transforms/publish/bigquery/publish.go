package bigquery

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/bigquery"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/iterator"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

var labels = map[string]string{"managed_by": "portraits_publish"}

var datasetDocs = map[publish.Zone]string{
	publish.Analytics: "customer portraits for analysts and BI: no contact point and " +
		"no hashed identifier",
	publish.Restricted: "customer portraits with hashed identifiers and masked contact points, for " +
		"the activation service only",
}

// Options are the choices of a publish besides where it goes.
type Options struct {
	publish.Settings
	// Tests are the data tests the night must pass before it is switched in.
	Tests datatests.Suite
}

type publisher struct {
	c    *bigquery.Client
	cfg  Config
	plan *publish.Plan
	opts Options
	// held lists the tables and views of each zone's dataset.
	held map[publish.Zone]map[string]bool
}

// Publish loads a run into BigQuery: it creates the two datasets and the tables where missing
// (evolving existing tables, migrating a warehouse of the model that copied every table every night
// on first use); loads each table's Parquet files into a staging table that expires after a day;
// runs the data tests there and records them in data_tests, stopping before the switch when a test
// of severity error fails; then one transaction (one multi-statement query job) switches the night
// in: the erasure of newly forgotten persons from every published partition, the MERGE of the
// facts, the night's partition of the snapshots, the current tables when the night is the newest,
// the appended tables and the night's published_runs row. When the night is the newest, the same
// script recreates the views with its date right after the COMMIT (a transaction cannot hold DDL on
// views); then the table catalogues are refreshed and the staging tables dropped. The client's
// project runs the jobs; cfg.Project holds the datasets.
func Publish(
	ctx context.Context,
	c *bigquery.Client,
	plan *publish.Plan,
	cfg Config,
	opts Options,
) (publish.Report, error) {
	var rep publish.Report
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return rep, fmt.Errorf("bigquery: %w", err)
	}
	set, err := opts.Settings.WithDefaults()
	if err != nil {
		return rep, err
	}
	opts.Settings = set
	p := &publisher{c: c, cfg: cfg, plan: plan, opts: opts}
	if err := p.publish(ctx, &rep); err != nil {
		if errors.Is(err, publish.ErrTestsFailed) {
			return rep, err
		}
		return rep, fmt.Errorf("bigquery: %w", err)
	}
	return rep, nil
}

func (p *publisher) publish(ctx context.Context, rep *publish.Report) error {
	for _, z := range publish.Zones {
		if err := p.ensureDataset(ctx, z); err != nil {
			return err
		}
	}
	if err := p.list(ctx); err != nil {
		return err
	}
	migrated, err := p.migrate(ctx, rep)
	if err != nil {
		return fmt.Errorf("migrating to the model of facts, snapshots and current tables: %w", err)
	}
	rep.Migrated = migrated
	for _, t := range append(append([]publish.Table{}, p.plan.Tables...), publish.ManagedTables...) {
		for _, z := range publish.Zones {
			if zt, ok := t.In(z); ok {
				if err := p.ensureTable(ctx, z, zt); err != nil {
					return err
				}
			}
		}
	}
	if err := p.list(ctx); err != nil {
		return err
	}
	newest, previous, err := p.published(ctx)
	if err != nil {
		return err
	}
	rep.Newest = newest == "" || p.plan.Date >= newest
	staged, err := p.stage(ctx)
	defer p.unstage(context.WithoutCancel(ctx), staged)
	if err != nil {
		return err
	}
	if err := p.test(ctx, previous, rep); err != nil {
		return err
	}
	erased, err := p.findErased(ctx)
	if err != nil {
		return err
	}
	stmts, params, err := p.switchStatements(rep.Newest, erased, rep)
	if err != nil {
		return err
	}
	var ready []views.View
	if rep.Newest {
		ready, rep.Waiting = views.Ready(
			p.opts.AuthorizeViews,
			func(z publish.Zone, t string) bool { return p.held[z][t] },
		)
		if err := p.checkViews(ctx, ready); err != nil {
			return err
		}
	}
	ddl, err := p.viewStatements(ready)
	if err != nil {
		return err
	}
	if _, err := p.query(ctx, "switch", script(stmts, ddl), params); err != nil {
		return fmt.Errorf("switching %s in, or recreating the views after its commit "+
			"(publishing the night again recreates them): %w", p.plan.Date, err)
	}
	for _, v := range ready {
		if v.Authorized {
			if err := p.authorize(ctx, v.Name); err != nil {
				return fmt.Errorf("view %s: %w", v.Name, err)
			}
		}
		rep.Created = append(rep.Created, v.Name)
	}
	for _, z := range publish.Zones {
		if err := p.catalog(ctx, z, rep.Created); err != nil {
			return err
		}
	}
	return nil
}

// list reads the names of the tables and views of both datasets.
func (p *publisher) list(ctx context.Context) error {
	p.held = map[publish.Zone]map[string]bool{}
	for _, z := range publish.Zones {
		names := map[string]bool{}
		it := p.dataset(z).Tables(ctx)
		for {
			t, err := it.Next()
			if err == iterator.Done {
				break
			}
			if err != nil {
				return fmt.Errorf("listing the tables of %s: %w", p.cfg.dataset(z), err)
			}
			names[t.TableID] = true
		}
		p.held[z] = names
	}
	return nil
}

// published returns the newest published night and the last one before the plan's, "" for none.
func (p *publisher) published(ctx context.Context) (newest, previous string, err error) {
	q := fmt.Sprintf(
		"SELECT CAST(MAX(snapshot_date) AS STRING), CAST(MAX(CASE WHEN snapshot_date < DATE '%s' "+
			"THEN snapshot_date END) AS STRING) FROM %s",
		p.plan.Date,
		p.cfg.qualified(publish.Analytics, publish.PublishedRuns.Name),
	)
	rows, err := p.read(ctx, "published", q, nil)
	if err != nil {
		return "", "", fmt.Errorf("published nights: %w", err)
	}
	if len(rows) == 1 && len(rows[0]) == 2 {
		newest, _ = rows[0][0].(string)
		previous, _ = rows[0][1].(string)
	}
	return newest, previous, nil
}

// stage uploads a local run's files and loads every table into its staging table, a few at a
// time, and returns the tables staged.
func (p *publisher) stage(ctx context.Context) ([]publish.Table, error) {
	var mu sync.Mutex
	var staged []publish.Table
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.cfg.Parallel)
	for _, t := range p.plan.Tables {
		g.Go(func() error {
			mu.Lock()
			staged = append(staged, t)
			mu.Unlock()
			return p.load(gctx, t)
		})
	}
	return staged, g.Wait()
}

// load creates a table's staging table, expiring a day later, and loads the run's files into it.
func (p *publisher) load(ctx context.Context, t publish.Table) error {
	uris, err := p.cfg.sourceURIs(p.plan, t)
	if err != nil {
		return err
	}
	if err := stage(ctx, p.plan, t, uris); err != nil {
		return err
	}
	staging := p.dataset(publish.Restricted).Table(stagingTable(p.plan, t.Name))
	if err := staging.Delete(ctx); err != nil && !notFound(err) {
		return fmt.Errorf(
			"table %s: dropping the leftover %s: %w",
			t.Name,
			staging.FullyQualifiedName(),
			err,
		)
	}
	schema, err := Schema(t.Name, t.Columns)
	if err != nil {
		return err
	}
	md := &bigquery.TableMetadata{
		Schema:         schema,
		Labels:         labels,
		ExpirationTime: p.opts.Now().Add(24 * time.Hour),
		Description: "staging of " + t.Name + " for " + p.plan.Date +
			": dropped after the publish, expires a day after it began",
	}
	if err := staging.Create(ctx, md); err != nil {
		return fmt.Errorf("table %s: creating %s: %w", t.Name, staging.FullyQualifiedName(), err)
	}
	src := bigquery.NewGCSReference(uris...)
	src.SourceFormat = bigquery.Parquet
	// Lists as REPEATED columns rather than the records of Parquet's three-level list layout.
	src.ParquetOptions = &bigquery.ParquetOptions{EnableListInference: true}
	load := staging.LoaderFrom(src)
	load.WriteDisposition = bigquery.WriteEmpty
	load.CreateDisposition = bigquery.CreateNever
	load.JobIDConfig = p.jobID(t.Name, "load")
	load.Labels = labels
	job, err := load.Run(ctx)
	if err != nil {
		return fmt.Errorf(
			"table %s: starting the load into %s: %w",
			t.Name,
			staging.FullyQualifiedName(),
			err,
		)
	}
	status, err := p.wait(ctx, t.Name, job)
	if err != nil {
		return err
	}
	if st, ok := status.Statistics.Details.(*bigquery.LoadStatistics); ok &&
		st.OutputRows != t.Rows {
		return fmt.Errorf(
			"table %s: load job %s loaded %d rows, the run's manifest says %d",
			t.Name,
			job.ID(),
			st.OutputRows,
			t.Rows,
		)
	}
	return nil
}

// unstage drops the staging tables and removes a local run's staged copies of their files. Best
// effort: what a failure leaves, the tables' expiration and the staging prefix's lifecycle rule
// remove.
func (p *publisher) unstage(ctx context.Context, staged []publish.Table) {
	for _, t := range staged {
		_ = p.dataset(publish.Restricted).Table(stagingTable(p.plan, t.Name)).Delete(ctx)
		if uris, err := p.cfg.sourceURIs(p.plan, t); err == nil {
			_ = unstage(ctx, p.plan, t, uris)
		}
	}
}

// query runs a query job and waits for it.
func (p *publisher) query(
	ctx context.Context,
	step, sql string,
	params []bigquery.QueryParameter,
) (*bigquery.Job, error) {
	q := p.c.Query(sql)
	q.Parameters = params
	q.JobIDConfig = p.jobID(step, "query")
	q.Labels = labels
	job, err := q.Run(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: starting the query: %w", step, err)
	}
	if _, err := p.wait(ctx, step, job); err != nil {
		return nil, err
	}
	return job, nil
}

// read runs a query and returns its rows.
func (p *publisher) read(
	ctx context.Context,
	step, sql string,
	params []bigquery.QueryParameter,
) ([][]bigquery.Value, error) {
	job, err := p.query(ctx, step, sql, params)
	if err != nil {
		return nil, err
	}
	it, err := job.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: reading job %s: %w", step, job.ID(), err)
	}
	var out [][]bigquery.Value
	for {
		var row []bigquery.Value
		err := it.Next(&row)
		if err == iterator.Done {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading job %s: %w", step, job.ID(), err)
		}
		out = append(out, row)
	}
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
		err = ds.Create(
			ctx,
			&bigquery.DatasetMetadata{
				Location:    p.cfg.Location,
				Description: datasetDocs[z],
				Labels:      labels,
			},
		)
		if err != nil && !conflict(err) {
			return fmt.Errorf("creating dataset %s:%s: %w", p.cfg.Project, ds.DatasetID, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("dataset %s:%s: %w", p.cfg.Project, ds.DatasetID, err)
	case !sameLocation(md.Location, p.cfg.Location):
		return fmt.Errorf(
			"dataset %s:%s is in %s, the warehouse URI says %s",
			p.cfg.Project,
			ds.DatasetID,
			md.Location,
			p.cfg.Location,
		)
	}
	return nil
}

func (p *publisher) jobID(table, step string) bigquery.JobIDConfig {
	id := jobID(p.plan.Date, table, step)
	id.Location = p.cfg.Location
	return id
}

// ensureTable creates a zone's table from the schemas, or brings an existing one up to them.
func (p *publisher) ensureTable(ctx context.Context, z publish.Zone, t publish.Table) error {
	want, err := Metadata(t, p.opts.SnapshotDays)
	if err != nil {
		return err
	}
	return p.ensure(
		ctx,
		z,
		t.Name,
		want,
		func(have *bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error) {
			return evolve(p.cfg.dataset(z)+"."+t.Name, have, want)
		},
	)
}

// ensure creates a table or view where missing, else applies what update asks of the existing one.
func (p *publisher) ensure(
	ctx context.Context,
	z publish.Zone,
	name string,
	want *bigquery.TableMetadata,
	update func(*bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error),
) error {
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
