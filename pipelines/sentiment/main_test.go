package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/portrait/sentiment"
)

// reviewsFile is the labelled shopping reviews of ../shared/data (no
// licence: evaluation only, never copied into the repo).
const reviewsFile = "../../../shared/data/reviews/online_shopping_dev.csv"

func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var log bytes.Buffer
	err := run(args, &log)
	return log.String(), err
}

func readMetrics(t *testing.T, dir string) metrics {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("metrics.json: %v: %s", err, b)
	}
	for _, k := range []string{"accuracy", "n_train", "n_test"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("metrics.json lacks %s: %s", k, b)
		}
	}
	var m metrics
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readModel(t *testing.T, dir string) (*sentiment.Model, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	var m sentiment.Model
	if err := m.UnmarshalBinary(b); err != nil {
		t.Fatalf("model.bin: %v", err)
	}
	return &m, b
}

func TestFixture(t *testing.T) {
	out := t.TempDir()
	log, err := runTool(t, "--train", "testdata/train.csv", "--test", "testdata/test.csv",
		"--text-col", "review", "--label-col", "label", "--output", out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	got := readMetrics(t, out)
	// train.csv has 12 rows (one spans two lines), test.csv 6, products
	// the training never saw with phrases it did.
	if got != (metrics{Accuracy: 1, NTrain: 12, NTest: 6}) {
		t.Errorf("metrics %+v, want accuracy 1 on 6 after training on 12", got)
	}
	// model.bin is the model that was scored, and training is deterministic.
	m, bin := readModel(t, out)
	test, err := readLabelled("testdata/test.csv", columns{text: "review", label: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if acc := sentiment.Accuracy(m, test.texts, test.positive); acc != got.Accuracy {
		t.Errorf("model.bin scores %v on the test file, metrics.json says %v", acc, got.Accuracy)
	}
	again := t.TempDir()
	// The same columns by 1-based index, and non-default options, still train.
	if log, err := runTool(t, "--train", "testdata/train.csv", "--test", "testdata/test.csv",
		"--text-col", "3", "--label-col", "2", "--output", again); err != nil {
		t.Fatalf("run by index: %v\n%s", err, log)
	}
	if _, bin2 := readModel(t, again); !bytes.Equal(bin, bin2) {
		t.Error("the same training file gave different model.bin bytes")
	}
	small := t.TempDir()
	if log, err := runTool(t, "--train", "testdata/train.csv", "--test", "testdata/test.csv",
		"--max-order", "2", "--hash-bits", "12", "--output", small); err != nil {
		t.Fatalf("run with options: %v\n%s", err, log)
	}
	if _, bin3 := readModel(t, small); len(bin3) >= len(bin) {
		t.Errorf(
			"bigrams in 2^12 buckets gave %d bytes, no fewer than the default's %d",
			len(bin3),
			len(bin),
		)
	}
}

func TestFixtureReadsBOMQuotesAndNewlines(t *testing.T) {
	got, err := readLabelled("testdata/train.csv", columns{text: "review", label: "label"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.texts) != 12 || got.nPositive() != 6 {
		t.Fatalf("read %d rows, %d positive; want 12, 6", len(got.texts), got.nPositive())
	}
	if want := "手机很好用,物超所值,推荐购买!"; got.texts[2] != want || !got.positive[2] {
		t.Errorf("row 3 = %q positive=%v, want %q positive", got.texts[2], got.positive[2], want)
	}
	if want := "水果烂了一半，太差了\n不会再买"; got.texts[5] != want || got.positive[5] {
		t.Errorf("row 6 = %q positive=%v, want %q negative", got.texts[5], got.positive[5], want)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badLabel := write("bad_label.csv", "label,review\n1,很好\n\"0\",\"太差\n了\"\n2,一般\n")
	badQuote := write("bad_quote.csv", "label,review\n1,很好\n0,太\"差\n")
	short := write("short.csv", "label,review\n1,很好\n0\n")
	oneClass := write("one_class.csv", "label,review\n1,很好\n1,不错\n")
	empty := write("empty.csv", "")
	headerOnly := write("header_only.csv", "label,review\n")
	out := filepath.Join(dir, "out")
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"bad label": {[]string{"--train", badLabel, "--test", "testdata/test.csv"}, badLabel +
			`:5: label "2"`},
		"bad label test": {[]string{"--train", "testdata/train.csv", "--test", badLabel},
			badLabel + ":5:"},
		"bad quote": {[]string{"--train", badQuote, "--test", "testdata/test.csv"}, badQuote +
			":3:"},
		"short row": {[]string{"--train", short, "--test", "testdata/test.csv"}, short +
			":3: 1 fields, need at least 2"},
		"one class": {[]string{"--train", oneClass, "--test", "testdata/test.csv"}, "training on " +
			oneClass + ": sentiment: no negative"},
		"empty": {[]string{"--train", empty, "--test", "testdata/test.csv"}, empty +
			": empty file"},
		"no test rows": {[]string{"--train", "testdata/train.csv", "--test", headerOnly}, headerOnly +
			": no rows to test on"},
		"no column": {[]string{"--train", "testdata/train.csv", "--test", "testdata/test.csv",
			"--text-col", "text"}, `--text-col "text": no such column`},
		"index": {[]string{"--train", "testdata/train.csv", "--test", "testdata/test.csv", "--label-col",
			"4"}, "--label-col 4: the header has only 3"},
		"missing file": {[]string{"--train", filepath.Join(dir, "nope.csv"), "--test",
			"testdata/test.csv"}, "nope.csv"},
		"bad option": {[]string{"--train", "testdata/train.csv", "--test", "testdata/test.csv",
			"--hash-bits", "40"}, "HashBits 40"},
		"no output": {[]string{"--train", "testdata/train.csv", "--test", "testdata/test.csv", "--output",
			""}, "required"},
		"extra": {[]string{"--train", "testdata/train.csv", "--test", "testdata/test.csv", "more"},
			"unexpected arguments"},
	} {
		args := append([]string{"--output", out}, c.args...)
		log, err := runTool(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: run = %v, want an error with %q\n%s", name, err, c.want, log)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("failed runs left %s behind (%v)", out, err)
	}
}

// TestReviewHalves runs the tool on the two halves of the labelled shopping
// reviews (even data rows and odd data rows, written by splitHalves) both
// ways and wants an accuracy of at least 0.90.
func TestReviewHalves(t *testing.T) {
	if _, err := os.Stat(reviewsFile); errors.Is(err, fs.ErrNotExist) {
		t.Skipf(
			"%s is absent: the evaluation on labelled shopping reviews needs ../shared/data",
			reviewsFile,
		)
	}
	dir := t.TempDir()
	even, odd := filepath.Join(dir, "even.csv"), filepath.Join(dir, "odd.csv")
	n := splitHalves(t, reviewsFile, even, odd)
	for _, c := range [][2]string{{even, odd}, {odd, even}} {
		out := filepath.Join(dir, "out-"+filepath.Base(c[0]))
		log, err := runTool(
			t,
			"--train",
			c[0],
			"--test",
			c[1],
			"--text-col",
			"review",
			"--label-col",
			"label",
			"--output",
			out,
		)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log)
		}
		got := readMetrics(t, out)
		t.Logf("train %s, test %s: %+v\n%s", filepath.Base(c[0]), filepath.Base(c[1]), got, log)
		if got.NTrain+got.NTest != n || got.NTrain-got.NTest > 1 || got.NTest-got.NTrain > 1 {
			t.Errorf(
				"%d training and %d test rows, want two halves of %d",
				got.NTrain,
				got.NTest,
				n,
			)
		}
		if got.Accuracy < 0.90 {
			t.Errorf("accuracy %.4f, want at least 0.90", got.Accuracy)
		}
	}
}

// splitHalves writes the header and the even data rows of src to even, the
// header and the odd ones to odd, and returns the number of data rows.
func splitHalves(t *testing.T, src, even, odd string) int {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("reading %s: %v", src, err)
	}
	var halves [2]bytes.Buffer
	for h := range halves {
		w := csv.NewWriter(&halves[h])
		if err := w.Write(rows[0]); err != nil {
			t.Fatal(err)
		}
		for i := 1 + h; i < len(rows); i += 2 {
			if err := w.Write(rows[i]); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
	}
	for h, path := range []string{even, odd} {
		if err := os.WriteFile(path, halves[h].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return len(rows) - 1
}
