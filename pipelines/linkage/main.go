// Command linkage deduplicates a CSV file with the Fellegi-Sunter model of
// transforms/resolve/linkage: blocking rules choose candidate pairs, EM estimates the m and u
// probabilities without labels, pairs at or above the threshold are joined into clusters.
//
//	go run ./pipelines/linkage --config linkage.yaml --input records.csv --output clusters.csv \
//		[--truth-regex 'rec-(\d+)-'] [--params]
//
// The output has the header record_id,cluster_id and one row per input record, in input order;
// a cluster's id is its smallest record id. A summary (pairs compared, EM, timings) goes to
// stderr. With --truth-regex, the first capture group of the regex applied to each record id is
// taken as the true entity and pairwise precision, recall and F1 are reported. See febrl.yaml for
// a documented example.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "linkage:", err)
		os.Exit(1)
	}
}

func run(args []string, log io.Writer) error {
	fs := flag.NewFlagSet("linkage", flag.ContinueOnError)
	fs.SetOutput(log)
	configPath := fs.String("config", "", "linkage config (YAML)")
	input := fs.String("input", "", "input CSV with a header row")
	output := fs.String("output", "", "output CSV (record_id,cluster_id)")
	truth := fs.String(
		"truth-regex",
		"",
		"optional regex whose first group, applied to a record id, names its true entity; reports "+
			"pairwise precision/recall/F1",
	)
	showParams := fs.Bool("params", false, "print the estimated m, u and weights per field level")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configPath == "" || *input == "" || *output == "" {
		fs.Usage()
		return errors.New("--config, --input and --output are required")
	}
	var truthRE *regexp.Regexp
	if *truth != "" {
		var err error
		if truthRE, err = regexp.Compile(*truth); err != nil {
			return fmt.Errorf("--truth-regex: %w", err)
		}
		if truthRE.NumSubexp() < 1 {
			return errors.New("--truth-regex needs a capture group")
		}
	}
	start := time.Now()
	cfg, err := linkage.Load(*configPath)
	if err != nil {
		return err
	}
	header, rows, err := readCSV(*input)
	if err != nil {
		return err
	}
	readTime := time.Since(start)
	l, err := linkage.New(cfg, header)
	if err != nil {
		return fmt.Errorf("%s: %w", *configPath, err)
	}
	res, err := l.Link(rows)
	if err != nil {
		return fmt.Errorf("%s: %w", *input, err)
	}
	t := time.Now()
	if err := writeCSV(*output, res); err != nil {
		return err
	}
	writeTime := time.Since(t)

	st := res.Stats
	fmt.Fprintf(
		log,
		"records %d; all pairs %d; candidate pairs compared %d (%.4f%%)\n",
		st.Records,
		st.Blocking.AllPairs,
		st.Blocking.Candidates,
		100*float64(st.Blocking.Candidates)/float64(max(st.Blocking.AllPairs, 1)),
	)
	for _, r := range st.Blocking.Rules {
		fmt.Fprintf(
			log,
			"  rule %-20s blocks %6d pairs %8d new %8d skipped blocks %d (%d records)\n",
			r.Name,
			r.Blocks,
			r.Pairs,
			r.NewPairs,
			r.SkippedBlocks,
			r.SkippedRecords,
		)
	}
	fmt.Fprintf(
		log,
		"u initialised from %d random pairs; EM over %d pairs (%d patterns): %d iterations, converged "+
			"%v (max change %.2g); match share %.4f\n",
		st.RandomPairs,
		st.EM.Pairs,
		st.EM.Patterns,
		st.EM.Iterations,
		st.EM.Converged,
		st.EM.MaxChange,
		res.Params.Lambda,
	)
	if !st.EM.Converged {
		fmt.Fprintf(
			log,
			"warning: EM stopped after %d iterations without converging; raise em.max_iterations or check "+
				"the candidate pairs\n",
			st.EM.Iterations,
		)
	}
	if st.EM.Patterns < 2*len(cfg.Fields) {
		fmt.Fprintf(
			log,
			"warning: only %d distinct comparison patterns; EM needs varied candidate pairs to "+
				"separate matches\n",
			st.EM.Patterns,
		)
	}
	fmt.Fprintf(log, "matches %d; clusters %d\n", st.Matches, st.Clusters)
	if *showParams {
		p := res.Params
		for f, name := range p.Fields {
			for lv, lname := range p.Levels[f] {
				fmt.Fprintf(
					log,
					"  %-16s %-12s m %.4f u %.6f weight %+6.2f\n",
					name,
					lname,
					p.M[f][lv],
					p.U[f][lv],
					p.Weight(f, lv),
				)
			}
		}
	}
	fmt.Fprintf(
		log,
		"timings: read %v normalise %v block %v compare %v estimate %v score %v cluster %v "+
			"write %v; total %v\n",
		readTime.Round(
			time.Microsecond,
		),
		st.Normalize.Round(time.Microsecond),
		st.Block.Round(time.Microsecond),
		st.Compare.Round(
			time.Microsecond,
		),
		st.Estimate.Round(time.Microsecond),
		st.Score.Round(time.Microsecond),
		st.Cluster.Round(
			time.Microsecond,
		),
		writeTime.Round(time.Microsecond),
		time.Since(start).Round(time.Microsecond),
	)
	if truthRE != nil {
		truthLabels := make([]string, len(res.IDs))
		for i, id := range res.IDs {
			m := truthRE.FindStringSubmatch(id)
			if m == nil {
				truthLabels[i] = "\x00" + id // no match: its own entity
				continue
			}
			truthLabels[i] = m[1]
		}
		s := linkage.PairwiseScores(truthLabels, res.ClusterIDs)
		fmt.Fprintf(
			log,
			"pairwise precision %.4f recall %.4f F1 %.4f (true pairs %d, predicted %d, correct %d)\n",
			s.Precision,
			s.Recall,
			s.F1,
			s.True,
			s.Predicted,
			s.Correct,
		)
	}
	return nil
}

// readCSV reads a CSV file with a header; spaces after separators are ignored.
func readCSV(path string) ([]string, [][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: header: %w", path, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	rows, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return header, rows, nil
}

// writeCSV writes record_id,cluster_id rows through a temporary file renamed into place.
func writeCSV(path string, res *linkage.Result) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"record_id", "cluster_id"})
	for i, id := range res.IDs {
		_ = w.Write([]string{id, res.ClusterIDs[i]})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
