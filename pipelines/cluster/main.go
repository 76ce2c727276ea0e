// Command cluster runs k-means (transforms/segment/kmeans) over chosen
// numeric columns of a CSV file with a header and writes
//
//	DIR/centroids.csv    cluster,<feature>...,size  (centroids in the input's units)
//	DIR/assignments.csv  row,cluster                (row: 1-based data row)
//	DIR/summary.json     {"k","inertia","silhouette","n"}
//
// Clusters are numbered from 0 by size, largest first. Features are
// standardised (z-scores) unless --standardize=false; inertia and silhouette
// are measured in the space the model was fitted in, the silhouette on at
// most 2,000 rows drawn with the seed. --k 0 chooses k in [--k-min, --k-max]
// by the silhouette.
//
// Example:
//
//	go run ./pipelines/cluster --input points.csv --features "recency,order count,spend" \
//	  --k 0 --seed 1 --output out/clusters
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopportraits/portraits/transforms/segment/kmeans"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	input, output string
	features      []string
	fit           kmeans.Options
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.input, "input", "", "CSV file with a header (required)")
	fs.StringVar(&o.output, "output", "", "output directory (required)")
	features := fs.String(
		"features",
		"",
		"comma-separated header names of the numeric feature columns (required)",
	)
	fs.IntVar(
		&o.fit.K,
		"k",
		0,
		"number of clusters; 0 chooses k in [--k-min, --k-max] by the silhouette",
	)
	fs.IntVar(&o.fit.KMin, "k-min", 2, "smallest k tried when --k is 0")
	fs.IntVar(&o.fit.KMax, "k-max", 10, "largest k tried when --k is 0")
	fs.IntVar(&o.fit.Restarts, "restarts", 10, "k-means++ restarts, the lowest inertia kept")
	fs.IntVar(&o.fit.MaxIter, "max-iter", 300, "most Lloyd iterations per restart")
	fs.Uint64Var(&o.fit.Seed, "seed", 1, "random seed: the same seed gives the same clusters")
	fs.BoolVar(
		&o.fit.Standardize,
		"standardize",
		true,
		"fit on z-scores of the features (false: raw values)",
	)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.input == "" || o.output == "" || *features == "" {
		return o, errors.New("--input, --features and --output are required")
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(*features, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return o, fmt.Errorf("--features %q: empty column name", *features)
		}
		if seen[f] {
			return o, fmt.Errorf("--features: column %q given twice", f)
		}
		seen[f] = true
		o.features = append(o.features, f)
	}
	switch {
	case o.fit.K < 0:
		return o, fmt.Errorf("--k %d: want 0 (choose) or a positive number", o.fit.K)
	case o.fit.K == 0 && (o.fit.KMin < 2 || o.fit.KMax < o.fit.KMin):
		return o, fmt.Errorf(
			"--k-min %d --k-max %d: want 2 <= k-min <= k-max",
			o.fit.KMin,
			o.fit.KMax,
		)
	case o.fit.Restarts < 1:
		return o, fmt.Errorf("--restarts %d: want at least 1", o.fit.Restarts)
	case o.fit.MaxIter < 1:
		return o, fmt.Errorf("--max-iter %d: want at least 1", o.fit.MaxIter)
	}
	return o, nil
}

func run(args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	points, err := readPoints(o.input, o.features)
	if err != nil {
		return err
	}
	if len(points) == 0 {
		return fmt.Errorf("%s: no data rows", o.input)
	}
	m, err := kmeans.Fit(points, o.fit)
	if err != nil {
		return fmt.Errorf("%s: %w", o.input, err)
	}
	if err := os.MkdirAll(o.output, 0o755); err != nil {
		return err
	}
	summary, err := json.MarshalIndent(
		summaryJSON{K: m.K, Inertia: m.Inertia, Silhouette: m.Silhouette, N: len(points)},
		"",
		"  ",
	)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"centroids.csv":   centroidsCSV(m, o.features),
		"assignments.csv": assignmentsCSV(m, points),
		"summary.json":    append(summary, '\n'),
	} {
		if err := writeFile(filepath.Join(o.output, name), data); err != nil {
			return err
		}
	}
	fmt.Fprintf(
		stderr,
		"cluster: %d rows, k = %d, sizes %v, inertia %.6g, silhouette %.4f; wrote %s\n",
		len(points),
		m.K,
		m.Sizes,
		m.Inertia,
		m.Silhouette,
		o.output,
	)
	return nil
}

// summaryJSON is the layout of summary.json.
type summaryJSON struct {
	K          int     `json:"k"`
	Inertia    float64 `json:"inertia"`
	Silhouette float64 `json:"silhouette"`
	N          int     `json:"n"`
}

// readPoints reads the feature columns of every data row of a CSV file with
// a header. A value that is not a finite number is an error naming its line
// and column.
func readPoints(path string, features []string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, expected a header", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	index := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if _, dup := index[strings.TrimSpace(h)]; !dup {
			index[strings.TrimSpace(h)] = i
		}
	}
	cols := make([]int, len(features))
	for i, name := range features {
		c, ok := index[name]
		if !ok {
			return nil, fmt.Errorf("%s: no column %q in the header %q", path, name, header)
		}
		cols[i] = c
	}
	var points [][]float64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return points, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err) // csv.ParseError names the line
		}
		p := make([]float64, len(cols))
		for i, c := range cols {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[c]), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				line, _ := r.FieldPos(c)
				return nil, fmt.Errorf(
					"%s:%d: column %q: %q is not a finite number",
					path,
					line,
					features[i],
					rec[c],
				)
			}
			p[i] = v
		}
		points = append(points, p)
	}
}

func centroidsCSV(m *kmeans.Model, features []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(append(append([]string{"cluster"}, features...), "size"))
	for c, cen := range m.Centroids {
		rec := []string{strconv.Itoa(c)}
		for _, v := range cen {
			rec = append(rec, strconv.FormatFloat(v, 'g', -1, 64))
		}
		_ = w.Write(append(rec, strconv.Itoa(m.Sizes[c])))
	}
	w.Flush()
	return b.Bytes()
}

func assignmentsCSV(m *kmeans.Model, points [][]float64) []byte {
	var b bytes.Buffer
	b.WriteString("row,cluster\n")
	for i, p := range points {
		fmt.Fprintf(&b, "%d,%d\n", i+1, m.Assign(p))
	}
	return b.Bytes()
}

// writeFile writes data to a temporary file beside path and renames it, so a
// reader never sees half a file.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
