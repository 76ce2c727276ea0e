// Command publish loads a finished nightly run into a warehouse, replacing that date's rows so that
// reruns are idempotent. It refuses a run without its manifest.
//
//	go run ./pipelines/publish --run out/dt=2026-11-21 --warehouse duckdb://out/warehouse.duckdb
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/duckdb"
)

func main() {
	run := flag.String("run", "", "run folder to load: OUTPUT/dt=YYYY-MM-DD")
	warehouse := flag.String("warehouse", "duckdb://out/warehouse.duckdb", "where to load: duckdb://FILE")
	flag.Parse()
	if err := publishRun(context.Background(), *run, *warehouse); err != nil {
		log.Fatal(err)
	}
}

func publishRun(ctx context.Context, run, warehouse string) error {
	if run == "" {
		return fmt.Errorf("--run is required")
	}
	plan, err := publish.Load(ctx, run)
	if err != nil {
		return err
	}
	scheme, target, ok := strings.Cut(warehouse, "://")
	if !ok || scheme != "duckdb" {
		return fmt.Errorf("--warehouse %q: only duckdb://FILE is supported", warehouse)
	}
	if err := duckdb.Publish(ctx, target, plan); err != nil {
		return err
	}
	var rows int64
	for _, t := range plan.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(os.Stdout, "published %s (%d tables, %d rows) into %s\n", run, len(plan.Tables), rows, warehouse)
	return nil
}
