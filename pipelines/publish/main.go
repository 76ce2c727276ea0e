// Command publish loads a finished nightly run into a warehouse, replacing that date's rows so that
// reruns are idempotent. It refuses a run without its manifest.
//
//	go run ./pipelines/publish --run out/dt=2026-11-21 --warehouse duckdb://out/warehouse.duckdb
//	go run ./pipelines/publish --run gs://bucket/out/dt=2026-11-21 \
//	    --warehouse 'bigquery://PROJECT/DATASET?location=EU&staging=gs://BUCKET/PREFIX' [--dry-run]
//
// DuckDB needs cgo; a binary built with CGO_ENABLED=0 publishes to BigQuery only.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// options are the command's flags.
type options struct {
	Run, Warehouse         string
	DryRun, AuthorizeViews bool
}

func main() {
	var o options
	flag.StringVar(&o.Run, "run", "", "run folder to load: OUTPUT/dt=YYYY-MM-DD (local or gs://)")
	flag.StringVar(&o.Warehouse, "warehouse", "duckdb://out/warehouse.duckdb",
		"where to load: duckdb://FILE or bigquery://PROJECT/DATASET?location=LOC&staging=gs://BUCKET/PREFIX")
	flag.BoolVar(&o.DryRun, "dry-run", false, "print what would be loaded and created, and call nothing")
	flag.BoolVar(&o.AuthorizeViews, "authorize-views", false, "also create the views that read the restricted zone (BigQuery: authorized on the restricted dataset)")
	flag.Parse()
	if err := publishRun(context.Background(), os.Stdout, o); err != nil {
		log.Fatal(err)
	}
}

func publishRun(ctx context.Context, w io.Writer, o options) error {
	if o.Run == "" {
		return fmt.Errorf("--run is required")
	}
	scheme, target, ok := strings.Cut(o.Warehouse, "://")
	if !ok || (scheme != "duckdb" && scheme != "bigquery") {
		return fmt.Errorf("--warehouse %q: want duckdb://FILE or bigquery://PROJECT/DATASET?location=...", o.Warehouse)
	}
	plan, err := publish.Load(ctx, o.Run)
	if err != nil {
		return err
	}
	var out views.Outcome
	switch scheme {
	case "duckdb":
		out, err = toDuckDB(ctx, w, target, plan, o)
	case "bigquery":
		out, err = toBigQuery(ctx, w, plan, o)
	}
	if err != nil || o.DryRun {
		return err
	}
	var rows int64
	for _, t := range plan.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(w, "published %s (%d tables, %d rows) into %s\n", o.Run, len(plan.Tables), rows, o.Warehouse)
	if len(out.Created) > 0 {
		fmt.Fprintf(w, "views: %s\n", strings.Join(out.Created, ", "))
	}
	for _, v := range out.Waiting {
		fmt.Fprintf(w, "view not created yet: %s\n", v)
	}
	return nil
}
