//go:build cgo

package main

import (
	"context"
	"io"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/duckdb"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// toDuckDB publishes (or describes) the plan into the DuckDB file.
func toDuckDB(ctx context.Context, w io.Writer, file string, plan *publish.Plan, o options) (views.Outcome, error) {
	opts := duckdb.Options{AuthorizeViews: o.AuthorizeViews}
	if o.DryRun {
		duckdb.Describe(w, file, plan, opts)
		return views.Outcome{}, nil
	}
	return duckdb.Publish(ctx, file, plan, opts)
}
