// Command sentiment trains the text-sentiment model of
// transforms/portrait/sentiment on a labelled CSV file, scores it on
// another and writes
//
//	DIR/metrics.json  {"accuracy":..,"n_train":..,"n_test":..}
//	DIR/model.bin     the model (sentiment.Model.MarshalBinary)
//
// Both files have a header row, are UTF-8 with or without a byte-order
// mark and may quote fields (RFC 4180). Labels are 1 (positive) or 0
// (negative); any other label is an error naming the file and line.
// Columns are given by header name or 1-based index.
//
//	go run ./pipelines/sentiment --train train.csv --test test.csv \
//	  --text-col review --label-col label --output DIR
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/sentiment"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sentiment:", err)
		os.Exit(1)
	}
}

// metrics is the layout of metrics.json.
type metrics struct {
	Accuracy float64 `json:"accuracy"`
	NTrain   int     `json:"n_train"`
	NTest    int     `json:"n_test"`
}

func run(args []string, log io.Writer) error {
	fs := flag.NewFlagSet("sentiment", flag.ContinueOnError)
	fs.SetOutput(log)
	trainPath := fs.String("train", "", "labelled CSV to train on (required)")
	testPath := fs.String("test", "", "labelled CSV to measure accuracy on (required)")
	textCol := fs.String("text-col", "review", "text column: header name or 1-based index")
	labelCol := fs.String(
		"label-col",
		"label",
		"label column (1 positive, 0 negative): header name or 1-based index",
	)
	output := fs.String("output", "", "output directory (required)")
	var opt sentiment.Options
	fs.IntVar(
		&opt.MaxOrder,
		"max-order",
		0,
		fmt.Sprintf("longest character n-gram (0: %d)", sentiment.DefaultMaxOrder),
	)
	fs.IntVar(
		&opt.HashBits,
		"hash-bits",
		0,
		fmt.Sprintf("2^bits feature buckets (0: %d)", sentiment.DefaultHashBits),
	)
	fs.Float64Var(
		&opt.Smoothing,
		"smoothing",
		0,
		fmt.Sprintf("naive Bayes additive smoothing (0: %v)", sentiment.DefaultSmoothing),
	)
	fs.IntVar(
		&opt.Epochs,
		"epochs",
		0,
		fmt.Sprintf("passes of gradient descent (0: %d)", sentiment.DefaultEpochs),
	)
	fs.Float64Var(
		&opt.LearningRate,
		"learning-rate",
		0,
		fmt.Sprintf("initial gradient step (0: %v)", sentiment.DefaultLearningRate),
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *trainPath == "" || *testPath == "" || *output == "" {
		fs.Usage()
		return errors.New("--train, --test and --output are required")
	}
	cols := columns{text: *textCol, label: *labelCol}
	start := time.Now()
	train, err := readLabelled(*trainPath, cols)
	if err != nil {
		return err
	}
	test, err := readLabelled(*testPath, cols)
	if err != nil {
		return err
	}
	if len(test.texts) == 0 {
		return fmt.Errorf("%s: no rows to test on", *testPath)
	}
	read := time.Since(start)
	start = time.Now()
	m, err := sentiment.Train(train.texts, train.positive, opt)
	if err != nil {
		return fmt.Errorf("training on %s: %w", *trainPath, err)
	}
	trained := time.Since(start)
	model, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	met := metrics{
		Accuracy: sentiment.Accuracy(m, test.texts, test.positive),
		NTrain:   len(train.texts),
		NTest:    len(test.texts),
	}
	js, err := json.Marshal(met)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*output, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(*output, "model.bin"), model); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(*output, "metrics.json"), append(js, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(
		log,
		"sentiment: read %d training rows (%d positive) and %d test rows in %s; trained in %s "+
			"(%.0f reviews/s)\n",
		met.NTrain,
		train.nPositive(),
		met.NTest,
		read.Round(time.Millisecond),
		trained.Round(time.Millisecond),
		float64(met.NTrain)/trained.Seconds(),
	)
	fmt.Fprintf(log, "sentiment: accuracy %.4f on %s; wrote %s (%d bytes) and metrics.json\n",
		met.Accuracy, *testPath, filepath.Join(*output, "model.bin"), len(model))
	return nil
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
