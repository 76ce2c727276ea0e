package main

import (
	"context"
	"fmt"
	"io"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
	bqpublish "github.com/shopportraits/portraits/transforms/publish/bigquery"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// toBigQuery publishes (or describes) the plan into the warehouse URI's datasets, with the
// application default credentials; jobs run and bill in the URI's project.
func toBigQuery(ctx context.Context, w io.Writer, plan *publish.Plan, o options) (views.Outcome, error) {
	cfg, err := bqpublish.ParseURI(o.Warehouse)
	if err != nil {
		return views.Outcome{}, err
	}
	cfg.AuthorizeViews = o.AuthorizeViews
	if o.DryRun {
		return views.Outcome{}, bqpublish.Describe(w, plan, cfg)
	}
	c, err := bigquery.NewClient(ctx, cfg.Project)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("bigquery client for %s: %w", cfg.Project, err)
	}
	defer c.Close()
	return bqpublish.Publish(ctx, c, plan, cfg)
}
