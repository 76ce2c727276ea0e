// Command clv fits the customer-lifetime-value models of
// transforms/portrait/clv to a transaction file, as the Python lifetimes
// library would: it buckets purchases per calendar day (freq='D'), reports
// recency and T in units of --unit-days days (freq_multiplier), fits BG/NBD
// and Gamma-Gamma by maximum likelihood, and writes
//
//	DIR/summary.csv  customer_id,frequency,recency,T,monetary_value (sorted by customer id)
//	DIR/params.json  {"bgnbd":{"r","alpha","a","b"},"gammagamma":{"p","q","v"},"log_likelihood"}
//
// log_likelihood is the BG/NBD log-likelihood summed over all customers.
//
// Example, on the CDNOW sample (no header, whitespace separated):
//
//	go run ./pipelines/clv --input CDNOW_sample.txt --separator whitespace --no-header \
//	  --customer-col 2 --date-col 3 --amount-col 5 --date-format 20060102 \
//	  --observation-end 1997-09-30 --unit-days 7 --output /tmp/cdnow
package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"github.com/shopportraits/portraits/transforms/predict/txfile"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "clv:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	input, output       string
	format              txfile.Format
	observationEnd      time.Time
	unitDays, penalizer float64
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("clv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.input, "input", "", "transaction file (required)")
	fs.StringVar(&o.output, "output", "", "output directory (required)")
	o.format.RegisterFlags(fs)
	end := fs.String(
		"observation-end",
		"",
		"last day observed, YYYY-MM-DD (required); later purchases are ignored",
	)
	fs.Float64Var(
		&o.unitDays,
		"unit-days",
		7,
		"days per time unit of recency and T (lifetimes' freq_multiplier)",
	)
	fs.Float64Var(
		&o.penalizer,
		"penalizer",
		0,
		"L2 penalizer coefficient of both fits (lifetimes' penalizer_coef)",
	)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for name, v := range map[string]string{"--input": o.input, "--output": o.output,
		"--observation-end": *end} {
		if v == "" {
			return o, fmt.Errorf("%s is required", name)
		}
	}
	if err := o.format.Validate(); err != nil {
		return o, err
	}
	if !(o.unitDays > 0) {
		return o, fmt.Errorf("--unit-days %v: must be positive", o.unitDays)
	}
	if !(o.penalizer >= 0) {
		return o, fmt.Errorf("--penalizer %v: must not be negative", o.penalizer)
	}
	var err error
	if o.observationEnd, err = time.Parse("2006-01-02", *end); err != nil {
		return o, fmt.Errorf("--observation-end: %v", err)
	}
	return o, nil
}

func run(args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	sum, transactions, err := summaries(o)
	if err != nil {
		return err
	}
	if len(sum) == 0 {
		return fmt.Errorf(
			"%s: no purchases on or before %s",
			o.input,
			o.observationEnd.Format("2006-01-02"),
		)
	}
	bg, err := clv.FitBGNBD(sum, o.penalizer)
	if err != nil {
		return err
	}
	gg, err := clv.FitGammaGamma(sum, o.penalizer)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.output, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(o.output, "summary.csv"), summaryCSV(sum)); err != nil {
		return err
	}
	p := params{LogLikelihood: bg.LogLikelihood(sum)}
	p.BGNBD.R, p.BGNBD.Alpha, p.BGNBD.A, p.BGNBD.B = bg.R, bg.Alpha, bg.A, bg.B
	p.GammaGamma.P, p.GammaGamma.Q, p.GammaGamma.V = gg.P, gg.Q, gg.V
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(o.output, "params.json"), append(js, '\n')); err != nil {
		return err
	}
	for name, v := range map[string]float64{"r": bg.R, "alpha": bg.Alpha, "a": bg.A, "b": bg.B,
		"p": gg.P, "q": gg.Q, "v": gg.V} {
		if v > 1e6 {
			fmt.Fprintf(
				stderr,
				"clv: warning: %s = %.4g runs off to infinity; the data barely identify the model (try "+
					"--penalizer 0.001)\n",
				name,
				v,
			)
		}
	}
	fmt.Fprintf(
		stderr,
		"clv: %d transactions, %d customers; BG/NBD r=%.4f alpha=%.4f a=%.4f b=%.4f (log-likelihood "+
			"%.4f); Gamma-Gamma p=%.4f q=%.4f v=%.4f\n",
		transactions,
		len(sum),
		bg.R,
		bg.Alpha,
		bg.A,
		bg.B,
		p.LogLikelihood,
		gg.P,
		gg.Q,
		gg.V,
	)
	return nil
}

// params is the layout of params.json.
type params struct {
	BGNBD struct {
		R     float64 `json:"r"`
		Alpha float64 `json:"alpha"`
		A     float64 `json:"a"`
		B     float64 `json:"b"`
	} `json:"bgnbd"`
	GammaGamma struct {
		P float64 `json:"p"`
		Q float64 `json:"q"`
		V float64 `json:"v"`
	} `json:"gammagamma"`
	LogLikelihood float64 `json:"log_likelihood"`
}

// summaries reads the input's transactions and summarises each customer: amounts are read
// exactly in minor units and each mean is one division of their sum, so the summaries' money,
// fitted and written in major units, is the exact mean rounded once.
func summaries(o options) (sum []clv.Summary, transactions int, err error) {
	tx, err := txfile.Read(o.input, o.format)
	if err != nil {
		return nil, 0, err
	}
	sum = clv.Summarize(tx, o.observationEnd, o.unitDays)
	for i := range sum {
		sum[i] = sum[i].InUnits(o.format.MinorPerMajor())
	}
	return sum, len(tx), nil
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

func summaryCSV(sum []clv.Summary) []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"customer_id", "frequency", "recency", "T", "monetary_value"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, s := range sum {
		_ = w.Write([]string{s.Customer, f(s.Frequency), f(s.Recency), f(s.T), f(s.MonetaryValue)})
	}
	w.Flush()
	return []byte(b.String())
}

// recordReader yields the fields of each record and the line it starts on.
type recordReader func() (fields []string, line int, err error)
