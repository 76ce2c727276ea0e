// Command sampledata writes the synthetic sample data of the portraits pipeline: every source of
// sources.yaml, with the mess real exports have, plus the ground truth of who is who.
//
//	go run ./pipelines/sampledata --persons 1000 --days 30 --seed 1 --output sample
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/shopportraits/portraits/pipelines/sampledata/gen"
)

// sourcesTemplate is the sources config of the generated files, copied to DIR/sources.yaml.
//
//go:embed sources.yaml.tmpl
var sourcesTemplate []byte

func main() {
	persons := flag.Int("persons", 1000, "number of true persons")
	days := flag.Int("days", 90, "days of data, ending with --date")
	seed := flag.Uint64("seed", 1, "random seed; the same flags give byte-identical output")
	date := flag.String("date", "2026-11-21", "business day (Asia/Shanghai), the last day of data")
	output := flag.String(
		"output",
		"sample",
		"output folder; its generated subfolders are replaced",
	)
	workers := flag.Int("workers", 0, "generating goroutines (0: GOMAXPROCS)")
	flag.Parse()

	day, err := time.ParseInLocation("2006-01-02", *date, gen.Shanghai)
	if err != nil {
		fail(fmt.Errorf("--date: %w", err))
	}
	sum, err := gen.Run(gen.Config{
		Persons: *persons, Days: *days, Seed: *seed, Date: day, Output: *output,
		SourcesYAML: sourcesTemplate, Workers: *workers,
	})
	if err != nil {
		fail(err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "family\tfiles\trows\tMB\t\n")
	var files int
	var bytes int64
	for _, f := range sum.Families {
		fmt.Fprintf(
			tw,
			"%s\t%d\t%d\t%.2f\t\n",
			f.Name,
			len(f.Files),
			f.Rows,
			float64(f.Bytes)/(1<<20),
		)
		files += len(f.Files)
		bytes += f.Bytes
	}
	fmt.Fprintf(tw, "total\t%d\t\t%.2f\t\n", files, float64(bytes)/(1<<20))
	tw.Flush()
	c := gen.Total(sum.Days)
	fmt.Printf("in %d daily partitions: %d late events and %d late touches (a day late), "+
		"%d events and %d touches delivered again in a later partition, "+
		"%d order states exported after the order's first export, "+
		"%d accounts with a new phone or e-mail, %d price changes\n",
		len(sum.Days), c.LateEvents, c.LateTouches, c.EventReplays, c.TouchReplays,
		c.OrderChanges, c.ContactChanges, c.PriceChanges)
	fmt.Printf(
		"%d persons, %d days to %s, seed %d, into %s in %s\n",
		*persons,
		*days,
		*date,
		*seed,
		*output,
		sum.Elapsed.Round(time.Millisecond),
	)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sampledata:", err)
	os.Exit(1)
}
