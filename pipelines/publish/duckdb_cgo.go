//go:build cgo

package main

import (
	"context"
	"io"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/publish/duckdb"
)

// toDuckDB publishes (or describes) the plan into the DuckDB file.
func toDuckDB(
	ctx context.Context,
	w io.Writer,
	file string,
	plan *publish.Plan,
	o options,
	set publish.Settings,
	suite datatests.Suite,
) (publish.Report, error) {
	opts := duckdb.Options{Settings: set, Tests: suite, ReadOnlyCopy: o.ReadOnlyCopy}
	if o.DryRun {
		return publish.Report{}, duckdb.Describe(w, file, plan, opts)
	}
	return duckdb.Publish(ctx, file, plan, opts)
}
