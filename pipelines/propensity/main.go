// Command propensity estimates each customer's probability of at least one
// purchase in the next H days from a transaction file, and measures it
// honestly (transforms/predict/propensity). Features are taken as of
// --cutoff from the purchases up to that day only; labels say whether the
// customer bought in the --horizon-days days after it. The customers are
// those with a purchase up to the cutoff; a seeded, label-stratified split
// gives a training part (logistic regression), a calibration part (Platt
// scaling) and a held-out test part on which the model and the BG/NBD
// baseline, P(X(H) > 0 | x, t_x, T) from the BG/NBD model fitted on the
// purchases up to the cutoff, are both measured. It writes
//
//	DIR/scores.csv    customer_id,probability,label,bgnbd_probability,part (sorted by customer id)
//	DIR/metrics.json  {"auc","log_loss","baseline_auc","baseline_log_loss",
//	                   "n_train","n_calibration","n_test",
//	                   "calibration":[{"lo","hi","mean_predicted","observed_rate","count"}...],
//	                   "baseline_calibration":[...]}
//	DIR/model.json    the model card: features, standardisation, coefficients, Platt A and B,
//	                  the BG/NBD fit, settings
//
// The metrics are the test part's alone; scores.csv scores every customer
// and names each one's part, so only rows of part "test" are out of sample.
// The input options are those of the clv command.
//
// Example, on the CDNOW sample (39 weeks of history, the next 39 weeks as labels):
//
//	go run ./pipelines/propensity --input CDNOW_sample.txt --separator whitespace --no-header \
//	  --customer-col 2 --date-col 3 --amount-col 5 --date-format 20060102 \
//	  --cutoff 1997-09-30 --horizon-days 273 --output out/propensity
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
	"github.com/shopportraits/portraits/transforms/predict/propensity"
	"github.com/shopportraits/portraits/transforms/predict/txfile"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "propensity:", err)
		os.Exit(1)
	}
}

// options are the command-line flags.
type options struct {
	input, output string
	format        txfile.Format
	cutoff        time.Time
	horizonDays   int
	features      propensity.FeatureOptions
	train         propensity.Options
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{train: propensity.DefaultOptions()}
	fs := flag.NewFlagSet("propensity", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.input, "input", "", "transaction file (required)")
	fs.StringVar(&o.output, "output", "", "output directory (required)")
	o.format.RegisterFlags(fs)
	cutoff := fs.String(
		"cutoff",
		"",
		"last day of the history, YYYY-MM-DD (required); labels come from the days after it",
	)
	fs.IntVar(
		&o.horizonDays,
		"horizon-days",
		0,
		"days after the cutoff in which a purchase makes a positive label (required)",
	)
	fs.Float64Var(
		&o.features.UnitDays,
		"unit-days",
		7,
		"days per time unit of recency, T and the BG/NBD fit (lifetimes' freq_multiplier)",
	)
	fs.Float64Var(
		&o.features.Penalizer,
		"penalizer",
		0,
		"L2 penalizer of the BG/NBD fit (lifetimes' penalizer_coef)",
	)
	fs.Float64Var(
		&o.train.L2,
		"l2",
		o.train.L2,
		"L2 penalty on the standardised coefficients of the logistic regression (1/C)",
	)
	fs.Uint64Var(
		&o.train.Seed,
		"seed",
		o.train.Seed,
		"seed of the split into training, calibration and test parts",
	)
	fs.Float64Var(
		&o.train.TestShare,
		"test-share",
		o.train.TestShare,
		"share of customers held out for the metrics",
	)
	fs.Float64Var(
		&o.train.CalibrationShare,
		"calibration-share",
		o.train.CalibrationShare,
		"share of customers the Platt scaling is fitted on",
	)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, f := range [][2]string{{"--input", o.input}, {"--output", o.output},
		{"--cutoff", *cutoff}} {
		if f[1] == "" {
			return o, fmt.Errorf("%s is required", f[0])
		}
	}
	if err := o.format.Validate(); err != nil {
		return o, err
	}
	if o.horizonDays < 1 {
		return o, fmt.Errorf("--horizon-days %d: must be at least 1", o.horizonDays)
	}
	var err error
	if o.cutoff, err = time.Parse(time.DateOnly, *cutoff); err != nil {
		return o, fmt.Errorf("--cutoff: %w", err)
	}
	return o, nil
}

func run(args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	tx, err := transactions(o)
	if err != nil {
		return err
	}
	ds, err := propensity.Features(tx, o.cutoff, o.horizonDays, o.features)
	if err != nil {
		return fmt.Errorf("%s: %w", o.input, err)
	}
	model, metrics, err := propensity.Train(ds.X, ds.Labels, ds.Names, o.train)
	if err != nil {
		return fmt.Errorf("%s: training on %d customers: %w", o.input, len(ds.Customers), err)
	}
	parts, err := propensity.Parts(ds.Labels, o.train)
	if err != nil {
		return err
	}
	addBaseline(&metrics, ds, parts)
	if err := os.MkdirAll(o.output, 0o755); err != nil {
		return err
	}
	card := modelCard{
		Model:       model,
		BGNBD:       bgnbdParams(ds.BGNBD),
		Cutoff:      o.cutoff.Format(time.DateOnly),
		HorizonDays: o.horizonDays,
		UnitDays:    o.features.UnitDays,
		Options:     o.train,
	}
	for _, f := range []struct {
		name string
		data func() ([]byte, error)
	}{
		{"scores.csv", func() ([]byte, error) { return scoresCSV(ds, model, parts), nil }},
		{"metrics.json", func() ([]byte, error) { return jsonFile(metrics) }},
		{"model.json", func() ([]byte, error) { return jsonFile(card) }},
	} {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("encoding %s: %w", f.name, err)
		}
		if err := writeFile(filepath.Join(o.output, f.name), data); err != nil {
			return err
		}
	}
	if last, end := lastDay(tx), o.cutoff.AddDate(0, 0, o.horizonDays); last.Before(end) {
		fmt.Fprintf(
			stderr,
			"propensity: warning: the latest purchase in %s is on %s, before the horizon ends on %s; "+
				"if the data stop there, purchases after it are missing from the labels\n",
			o.input,
			last.Format(time.DateOnly),
			end.Format(time.DateOnly),
		)
	}
	var bought int
	for _, l := range ds.Labels {
		if l {
			bought++
		}
	}
	fmt.Fprintf(
		stderr,
		"propensity: %d transactions, %d customers up to %s, %d bought in the %d days after; "+
			"held out %d: AUC %.4f, log-loss %.4f (BG/NBD AUC %.4f, log-loss %.4f)\n",
		len(tx),
		len(ds.Customers),
		o.cutoff.Format(time.DateOnly),
		bought,
		o.horizonDays,
		metrics.NTest,
		metrics.AUC,
		metrics.LogLoss,
		metrics.BaselineAUC,
		metrics.BaselineLogLoss,
	)
	return nil
}

// addBaseline measures the BG/NBD probability on the test part.
func addBaseline(m *propensity.Metrics, ds *propensity.Dataset, parts []propensity.Part) {
	var probs []float64
	var labels []bool
	for i, p := range parts {
		if p == propensity.PartTest {
			probs, labels = append(probs, ds.Baseline[i]), append(labels, ds.Labels[i])
		}
	}
	m.BaselineAUC = propensity.AUC(probs, labels)
	m.BaselineLogLoss = propensity.LogLoss(probs, labels)
	m.BaselineCalibration = propensity.CalibrationTable(probs, labels, 10)
}

// modelCard is the layout of model.json.
type modelCard struct {
	Model       *propensity.Model  `json:"model"`
	BGNBD       map[string]float64 `json:"bgnbd"`
	Cutoff      string             `json:"cutoff"`
	HorizonDays int                `json:"horizon_days"`
	UnitDays    float64            `json:"unit_days"`
	Options     propensity.Options `json:"options"`
}

func bgnbdParams(m clv.BGNBD) map[string]float64 {
	return map[string]float64{"r": m.R, "alpha": m.Alpha, "a": m.A, "b": m.B}
}

func scoresCSV(ds *propensity.Dataset, m *propensity.Model, parts []propensity.Part) []byte {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"customer_id", "probability", "label", "bgnbd_probability", "part"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for i, c := range ds.Customers {
		label := "0"
		if ds.Labels[i] {
			label = "1"
		}
		_ = w.Write([]string{c, f(m.Predict(ds.X[i])), label, f(ds.Baseline[i]), parts[i].String()})
	}
	w.Flush()
	return []byte(b.String())
}

func jsonFile(v any) ([]byte, error) {
	js, err := json.MarshalIndent(v, "", "  ")
	return append(js, '\n'), err
}

// writeFile writes data to a temporary file beside path and renames it, so a
// reader never sees half a file.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// lastDay returns the calendar day of the latest purchase, as a UTC date.
func lastDay(tx []clv.Transaction) time.Time {
	var last time.Time
	for _, t := range tx {
		y, m, d := t.Time.Date()
		if day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); day.After(last) {
			last = day
		}
	}
	return last
}

// transactions reads the input's purchases, amounts in major units: the file is read exactly in
// minor units, and the features need no more than a float's precision.
func transactions(o options) ([]clv.Transaction, error) {
	tx, err := txfile.Read(o.input, o.format)
	if err != nil {
		return nil, err
	}
	for i := range tx {
		tx[i].Amount /= o.format.MinorPerMajor()
	}
	return tx, nil
}
