// Command report (re-)renders a finished run's report.html: one self-contained HTML page with the
// record balance, rejects, identity guards and links, the lifecycle funnel, the RFM grid, the CLV
// distribution, segment sizes, the top affinity rules and the model card; and, given the run's
// sources config, the data-quality gates.
//
//	go run ./pipelines/report --run out/dt=2026-11-21 [--sources sample/sources.yaml] [--lang zh|en]
//	go run ./pipelines/report --run gs://bucket/out/dt=2026-11-21
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/shopportraits/portraits/transforms/report"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

func main() {
	run := flag.String("run", "", "run folder: OUTPUT/dt=YYYY-MM-DD (local or gs://)")
	var o report.Options
	flag.IntVar(&o.TopRules, "top-rules", 15, "affinity rules listed per level")
	flag.IntVar(&o.CLVBins, "clv-bins", 20, "about how many bars the CLV histogram has")
	flag.StringVar(
		&o.ModelCardFile,
		"model-card",
		"model_card.json",
		"model card JSON file in the run folder, read when the run has no model_card table",
	)
	sourcesFile := flag.String(
		"sources",
		"",
		"the run's sources config (YAML), whose data-quality gates the report shows; default: none, "+
			"the gates are left out",
	)
	flag.StringVar(&o.Lang, "lang", "", "language of the page: zh or en (default: zh when the "+
		"--sources config's business_timezone is in China, Hong Kong, Macau or Taiwan, else en)")
	flag.Parse()
	if *sourcesFile != "" {
		cfg, err := sources.Load(*sourcesFile)
		if err != nil {
			log.Fatalf("report: %v", err)
		}
		o.Sources = cfg
	}
	if err := render(context.Background(), os.Stdout, *run, o); err != nil {
		log.Fatalf("report: %v", err)
	}
}

func render(ctx context.Context, w io.Writer, run string, o report.Options) error {
	if err := report.CheckLang(o.Lang); err != nil {
		return fmt.Errorf("--lang: %w", err)
	}
	output, date, err := splitRun(run)
	if err != nil {
		return err
	}
	if err := report.RenderWith(ctx, output, date, o); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "wrote %s/%s\n", strings.TrimRight(run, "/"), report.FileName)
	return err
}

// splitRun cuts a run folder OUTPUT/dt=YYYY-MM-DD into its output and date.
func splitRun(run string) (output, date string, err error) {
	if run == "" {
		return "", "", fmt.Errorf("--run is required: a run folder OUTPUT/dt=YYYY-MM-DD")
	}
	output, date, err = sink.SplitRunDir(run)
	if err != nil {
		return "", "", fmt.Errorf("--run %w", err)
	}
	return output, date, nil
}
