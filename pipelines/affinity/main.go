// Command affinity mines association rules from a basket file with the
// semantics of R's arules (see transforms/segment/affinity) and writes them
// as CSV.
//
// The input holds one transaction per line, its items separated by commas
// (no quoting); spaces around items are trimmed, empty items and lines
// without items are skipped, and the file must be UTF-8 (a leading BOM is
// allowed). The output has the header
//
//	antecedent,consequent,support,confidence,lift,count
//
// with the items of a side sorted and joined by "|", in the order of
// affinity.Mine: support, then confidence descending.
//
// Example:
//
//	go run ./pipelines/affinity --input baskets.csv --min-support 0.01 \
//	  --min-confidence 0.5 --minlen 2 --output rules.csv
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopportraits/portraits/transforms/segment/affinity"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "affinity:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	input, output string
	mine          affinity.Options
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	def := affinity.DefaultOptions()
	fs := flag.NewFlagSet("affinity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(
		&o.input,
		"input",
		"",
		"basket file: one transaction per line, items separated by commas (required)",
	)
	fs.StringVar(&o.output, "output", "", "rules CSV to write (required)")
	fs.Float64Var(
		&o.mine.MinSupport,
		"min-support",
		def.MinSupport,
		"least share of baskets holding all items of a rule, in [0, 1]",
	)
	fs.Float64Var(
		&o.mine.MinConfidence,
		"min-confidence",
		def.MinConfidence,
		"least confidence of a rule, in [0, 1]",
	)
	fs.IntVar(
		&o.mine.MinLen,
		"minlen",
		def.MinLen,
		"least number of items of a rule, both sides (1 lists {} => item rules)",
	)
	fs.IntVar(&o.mine.MaxLen, "maxlen", def.MaxLen, "largest number of items of a rule, both sides")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.input == "" || o.output == "" {
		return o, errors.New("--input and --output are required")
	}
	if !(o.mine.MinSupport >= 0 && o.mine.MinSupport <= 1) {
		return o, fmt.Errorf("--min-support %v: want a share in [0, 1]", o.mine.MinSupport)
	}
	if !(o.mine.MinConfidence >= 0 && o.mine.MinConfidence <= 1) {
		return o, fmt.Errorf("--min-confidence %v: want a share in [0, 1]", o.mine.MinConfidence)
	}
	if o.mine.MinLen < 1 || o.mine.MaxLen < o.mine.MinLen {
		return o, fmt.Errorf(
			"--minlen %d --maxlen %d: want 1 <= minlen <= maxlen",
			o.mine.MinLen,
			o.mine.MaxLen,
		)
	}
	return o, nil
}

func run(args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	f, err := os.Open(o.input)
	if err != nil {
		return err
	}
	defer f.Close()
	baskets, err := readBaskets(f, o.input)
	if err != nil {
		return err
	}
	if len(baskets) == 0 {
		return fmt.Errorf("%s: no transactions", o.input)
	}
	rules, err := affinity.Mine(baskets, o.mine)
	if err != nil {
		return err
	}
	if err := writeFile(o.output, rulesCSV(rules)); err != nil {
		return err
	}
	fmt.Fprintf(
		stderr,
		"affinity: %d transactions, %d rules (support >= %g, confidence >= %g, length "+
			"%d-%d) written to %s\n",
		len(
			baskets,
		),
		len(rules),
		o.mine.MinSupport,
		o.mine.MinConfidence,
		o.mine.MinLen,
		o.mine.MaxLen,
		o.output,
	)
	return nil
}

// readBaskets reads one transaction per line; name is the file's name for
// errors.
func readBaskets(r io.Reader, name string) ([][]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var baskets [][]string
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\ufeff"))
		}
		if !utf8.Valid(text) {
			return nil, fmt.Errorf("%s:%d: not valid UTF-8", name, line)
		}
		var items []string
		for _, it := range strings.Split(string(text), ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			baskets = append(baskets, items)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return baskets, nil
}

func rulesCSV(rules []affinity.Rule) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"antecedent", "consequent", "support", "confidence", "lift", "count"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, r := range rules {
		_ = w.Write(
			[]string{
				strings.Join(r.Antecedent, "|"),
				r.Consequent,
				f(r.Support),
				f(r.Confidence),
				f(r.Lift),
				strconv.Itoa(r.Count),
			},
		)
	}
	w.Flush()
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
