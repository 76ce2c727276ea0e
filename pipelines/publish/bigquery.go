package main

import (
	"context"
	"fmt"
	"io"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
	bqpublish "github.com/shopportraits/portraits/transforms/publish/bigquery"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
)

// toBigQuery publishes (or describes) the plan into the warehouse URI's datasets, with the
// application default credentials; jobs run and bill in the URI's project.
func toBigQuery(
	ctx context.Context,
	w io.Writer,
	plan *publish.Plan,
	o options,
	set publish.Settings,
	suite datatests.Suite,
) (publish.Report, error) {
	cfg, err := bqpublish.ParseURI(o.Warehouse)
	if err != nil {
		return publish.Report{}, configError{err}
	}
	opts := bqpublish.Options{Settings: set, Tests: suite}
	if o.DryRun {
		return publish.Report{}, bqpublish.Describe(w, plan, cfg, opts)
	}
	c, err := bigquery.NewClient(ctx, cfg.Project)
	if err != nil {
		return publish.Report{}, fmt.Errorf("bigquery client for %s: %w", cfg.Project, err)
	}
	defer c.Close()
	return bqpublish.Publish(ctx, c, plan, cfg, opts)
}
