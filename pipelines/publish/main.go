// Command publish switches a finished nightly run into a warehouse: its facts merged once each into
// the partitions of their own days, its snapshots as the night's partitions, its current tables
// replaced, after the data tests pass on the night's staging tables (docs/warehouse.md). It refuses
// a run without its manifest. Exit codes: 2 for a bad flag or file, 3 when a data test of severity
// error fails (nothing readers see has changed), 1 for anything else.
//
//	go run ./pipelines/publish --run out/dt=2026-11-21 --warehouse duckdb://out/warehouse.duckdb
//	go run ./pipelines/publish --run gs://bucket/out/dt=2026-11-21 \
//	    --warehouse 'bigquery://PROJECT/DATASET?location=EU&staging=gs://BUCKET/PREFIX' [--dry-run]
//
// DuckDB needs cgo; a binary built with CGO_ENABLED=0 publishes to BigQuery only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
)

// options are the command's flags.
type options struct {
	Run, Warehouse         string
	DryRun, AuthorizeViews bool
	// DataTests is the YAML file of data tests; "" runs the built-in ones.
	DataTests string
	// SnapshotDays is how many nights the snapshot tables keep.
	SnapshotDays int
	// Timezone is the business time zone whose days partition the facts.
	Timezone string
	// Salt says where the runs' hashing salt is, needed when a night brings new erasure requests.
	Salt saltflag.Flags
	// ReadOnlyCopy is the analysts' copy of a DuckDB warehouse.
	ReadOnlyCopy string
}

// configError is a bad flag or file: exit code 2.
type configError struct{ error }

func (e configError) Unwrap() error { return e.error }

func main() {
	var o options
	flag.StringVar(&o.Run, "run", "", "run folder to load: OUTPUT/dt=YYYY-MM-DD (local or gs://)")
	flag.StringVar(
		&o.Warehouse,
		"warehouse",
		"duckdb://out/warehouse.duckdb",
		"where to load: duckdb://FILE or "+
			"bigquery://PROJECT/DATASET?location=LOC&staging=gs://BUCKET/PREFIX",
	)
	flag.BoolVar(
		&o.DryRun,
		"dry-run",
		false,
		"print what would be loaded and created, and call nothing",
	)
	flag.BoolVar(
		&o.AuthorizeViews,
		"authorize-views",
		false,
		"also create the views that read the restricted zone (BigQuery: authorized on the "+
			"restricted dataset)",
	)
	flag.StringVar(
		&o.DataTests,
		"data-tests",
		"",
		"YAML file of the data tests the night must pass (default: the built-in tests)",
	)
	flag.IntVar(&o.SnapshotDays, "snapshot-days", publish.DefaultSnapshotDays,
		"nights the snapshot tables keep (BigQuery: their partition expiration)")
	flag.StringVar(
		&o.Timezone,
		"timezone",
		publish.DefaultZone,
		"business time zone whose days partition the fact tables",
	)
	o.Salt.Register(flag.CommandLine)
	flag.StringVar(&o.ReadOnlyCopy, "read-only-copy", "",
		"DuckDB only: also write FILE, a copy of the analytics schema alone, for analysts")
	flag.Parse()
	err := publishRun(context.Background(), os.Stdout, o)
	if err != nil {
		log.Print(err)
	}
	os.Exit(exitCode(err))
}

// exitCode is the command's exit status after err: 3 when a data test of severity error failed
// (nothing readers see has changed), 2 for a bad flag or file, 1 for anything else, 0 for none.
func exitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, publish.ErrTestsFailed):
		return 3
	case errors.As(err, new(configError)):
		return 2
	}
	return 1
}

// settings reads the flags every warehouse shares, the salt and the data tests.
func settings(ctx context.Context, o options) (publish.Settings, datatests.Suite, error) {
	zone, err := time.LoadLocation(o.Timezone)
	if err != nil {
		return publish.Settings{}, datatests.Suite{}, configError{fmt.Errorf("--timezone: %w", err)}
	}
	if o.SnapshotDays < 1 {
		return publish.Settings{}, datatests.Suite{}, configError{
			fmt.Errorf("--snapshot-days %d: want at least 1", o.SnapshotDays),
		}
	}
	suite, err := datatests.Load(o.DataTests)
	if err != nil {
		return publish.Settings{}, datatests.Suite{}, configError{err}
	}
	value, err := runsSalt(ctx, o.Salt)
	if err != nil {
		return publish.Settings{}, datatests.Suite{}, configError{err}
	}
	set := publish.Settings{SnapshotDays: o.SnapshotDays, Zone: zone, Salt: value,
		AuthorizeViews: o.AuthorizeViews}
	return set, suite, nil
}

// runsSalt reads the salt from the first place the flags name that holds one. Only erasure
// requests need it, so with no secret or file given and the variable unset there is none ("");
// a secret or file given that cannot be read is an error.
func runsSalt(ctx context.Context, f saltflag.Flags) (string, error) {
	src, err := salt.Choose(ctx, f.Sources(), nil)
	if err != nil {
		if f.Secret == "" && f.File == "" {
			return "", nil
		}
		return "", err
	}
	return src.Read(ctx)
}

func publishRun(ctx context.Context, w io.Writer, o options) error {
	if o.Run == "" {
		return configError{fmt.Errorf("--run is required")}
	}
	scheme, target, ok := strings.Cut(o.Warehouse, "://")
	if !ok || (scheme != "duckdb" && scheme != "bigquery") {
		return configError{
			fmt.Errorf(
				"--warehouse %q: want duckdb://FILE or bigquery://PROJECT/DATASET?location=...",
				o.Warehouse,
			),
		}
	}
	if o.ReadOnlyCopy != "" && scheme != "duckdb" {
		return configError{
			fmt.Errorf(
				"--read-only-copy is for a DuckDB warehouse: BigQuery grants access by dataset",
			),
		}
	}
	set, suite, err := settings(ctx, o)
	if err != nil {
		return err
	}
	plan, err := publish.Load(ctx, o.Run)
	if err != nil {
		return err
	}
	var rep publish.Report
	switch scheme {
	case "duckdb":
		rep, err = toDuckDB(ctx, w, target, plan, o, set, suite)
	case "bigquery":
		rep, err = toBigQuery(ctx, w, plan, o, set, suite)
	}
	if o.DryRun {
		return err
	}
	report(w, rep)
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range plan.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(
		w,
		"published %s (%s night, %d tables, %d rows) into %s\n",
		o.Run,
		plan.Mode,
		len(plan.Tables),
		rows,
		o.Warehouse,
	)
	return nil
}

// report prints what a publish did: its migration, data tests, erasures and views.
func report(w io.Writer, rep publish.Report) {
	for _, m := range rep.Migrated {
		fmt.Fprintf(w, "migrated %s\n", m)
	}
	if len(rep.Tests) > 0 {
		failed := 0
		for _, r := range rep.Tests {
			if !r.Passed {
				failed++
			}
		}
		fmt.Fprintf(
			w,
			"data tests: %d run, %d failed, %d skipped (tables the night did not write)\n",
			len(rep.Tests),
			failed,
			len(rep.Skipped),
		)
		for _, r := range rep.Tests {
			if !r.Passed {
				fmt.Fprintf(
					w,
					"  FAILED %-5s %s.%s: %d rows; %s\n",
					r.Severity,
					r.Table,
					r.Test,
					r.FailingRows,
					r.Detail,
				)
			}
		}
	}
	if rep.ErasedPersons > 0 {
		fmt.Fprintf(
			w,
			"erased %d persons from the published nights (%d rows; see erasure_log)\n",
			rep.ErasedPersons,
			rep.ErasedRows,
		)
	}
	if len(rep.Tests) > 0 && !rep.Newest {
		fmt.Fprintln(
			w,
			"an older night published again: the current tables and the views still show the newest",
		)
	}
	if len(rep.Created) > 0 {
		fmt.Fprintf(w, "views: %s\n", strings.Join(rep.Created, ", "))
	}
	for _, v := range rep.Waiting {
		fmt.Fprintf(w, "view not created yet: %s\n", v)
	}
}
