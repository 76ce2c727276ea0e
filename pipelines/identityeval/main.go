// Command identityeval scores a nightly run's identity map against the true persons of generated
// data (the sample generator's truth file): pairwise precision, recall and F1 over the identifiers.
//
//	go run ./pipelines/identityeval --run out/dt=2026-11-21 --truth sample/truth/persons.csv.gz
package main

import (
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

func main() {
	run := flag.String("run", "", "run folder OUTPUT/dt=YYYY-MM-DD")
	truth := flag.String(
		"truth",
		"sample/truth/persons.csv.gz",
		"truth file: CSV person_id,kind,value, gzip or plain",
	)
	var saltFlags saltflag.Flags
	saltFlags.Register(flag.CommandLine)
	flag.Parse()
	if err := evaluate(context.Background(), os.Stdout, *run, *truth, saltFlags); err != nil {
		log.Fatalf("identityeval: %v", err)
	}
}

func evaluate(ctx context.Context, w io.Writer, run, truthFile string,
	saltFlags saltflag.Flags) error {
	output, date, err := sink.SplitRunDir(run)
	if err != nil {
		return fmt.Errorf("--run: %w", err)
	}
	links, err := sink.ReadTable[schemas.IdentityLink](ctx, output, date, "identity_map")
	if err != nil {
		return err
	}
	f, err := os.Open(truthFile)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(truthFile, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", truthFile, err)
		}
		r = gz
	}
	s, err := runSalt(ctx, output, date, saltFlags)
	if err != nil {
		return err
	}
	ev, err := resolve.Evaluate(r, links, s)
	if err != nil {
		return fmt.Errorf("%s: %w", truthFile, err)
	}
	fmt.Fprintf(
		w,
		"identifiers %d, of which %d belong to nobody (missing from the map %d, shared by several "+
			"true persons %d)\n",
		ev.Identifiers,
		ev.Nobody,
		ev.Missing,
		ev.Ambiguous,
	)
	fmt.Fprintf(w, "pairs: true %d, predicted %d, correct %d\n", ev.True, ev.Predicted, ev.Correct)
	fmt.Fprintf(
		w,
		"all identifiers:    precision %.4f  recall %.4f  F1 %.4f\n",
		ev.Precision,
		ev.Recall,
		ev.F1,
	)
	fmt.Fprintf(
		w,
		"linked identifiers: precision %.4f  recall %.4f  F1 %.4f  (%d identifiers that no record "+
			"links to another left out)\n",
		ev.Linked.Precision,
		ev.Linked.Recall,
		ev.Linked.F1,
		ev.Alone,
	)
	fmt.Fprintf(
		w,
		"placeable:          precision %.4f  recall %.4f  F1 %.4f  (linked identifiers, and every "+
			"post and ticket)\n",
		ev.Placeable.Precision,
		ev.Placeable.Recall,
		ev.Placeable.F1,
	)
	types := slices.Sorted(maps.Keys(ev.ByType))
	fmt.Fprintf(
		w,
		"%-14s %11s %8s %8s %8s\n",
		"type",
		"identifiers",
		"placed",
		"alone",
		"elsewhere",
	)
	for _, typ := range types {
		f := ev.ByType[typ]
		fmt.Fprintf(
			w,
			"%-14s %11d %7.2f%% %7.2f%% %7.2f%%\n",
			typ,
			f.Identifiers,
			pct(
				f.Placed,
				f.Identifiers,
			),
			pct(f.Alone, f.Identifiers),
			pct(f.Elsewhere, f.Identifiers),
		)
	}
	return nil
}

// pct is n as a percentage of total (0 when total is 0).
func pct(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// runSalt reads the run's salt from the first place the flags name that holds one, else the
// sample's when the run read the bundled sample's files.
func runSalt(ctx context.Context, output, date string, saltFlags saltflag.Flags) (string, error) {
	readSample := func(ctx context.Context) (bool, error) {
		m, err := sink.ReadManifest(ctx, output, date)
		if err != nil {
			return false, err
		}
		files := make([]string, len(m.Inputs))
		for i, in := range m.Inputs {
			files[i] = in.File
		}
		return salt.IsSample(ctx, files)
	}
	src, err := salt.Choose(ctx, saltFlags.Sources(), readSample)
	if err != nil {
		return "", err
	}
	return src.Read(ctx)
}
