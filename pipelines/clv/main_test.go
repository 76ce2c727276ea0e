package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"github.com/shopportraits/portraits/transforms/predict/txfile"
)

// wantFixtureSummary is testdata/tx.csv summarised by hand: end 2024-03-31,
// weeks; alice's two orders on 2024-01-01 are one period, judy's order of
// 2024-04-15 is after the end.
const wantFixtureSummary = `customer_id,frequency,recency,T,monetary_value
alice,2,6,12.857142857142858,25
bob,1,11,12.571428571428571,7.5
carol,0,0,8.428571428571429,0
dave,3,6,11.571428571428571,130
erin,0,0,4.285714285714286,0
frank,1,0.14285714285714285,12.285714285714286,6
grace,1,6,6.571428571428571,61
heidi,0,0,10.142857142857142,0
ivan,2,2.142857142857143,3,230
judy,0,0,12.714285714285714,0
`

func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	err := run(args, &stderr)
	return stderr.String(), err
}

func readParams(t *testing.T, dir string) params {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string]any
	var p params
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(b, &raw) // log_likelihood is not an object: only the nested keys are checked
	for obj, keys := range map[string][]string{"bgnbd": {"r", "alpha", "a", "b"},
		"gammagamma": {"p", "q", "v"}} {
		for _, k := range keys {
			if _, ok := raw[obj][k]; !ok {
				t.Errorf("params.json lacks %s.%s: %s", obj, k, b)
			}
		}
	}
	if !strings.Contains(string(b), `"log_likelihood"`) {
		t.Errorf("params.json lacks log_likelihood: %s", b)
	}
	return p
}

func TestFixtureCSVWithHeader(t *testing.T) {
	out := t.TempDir()
	log, err := runTool(
		t,
		"--input",
		"testdata/tx.csv",
		"--customer-col",
		"customer",
		"--date-col",
		"paid_at",
		"--amount-col",
		"4",
		"--observation-end",
		"2024-03-31",
		"--unit-days",
		"7",
		"--output",
		out,
	)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	got, err := os.ReadFile(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantFixtureSummary {
		t.Errorf("summary.csv =\n%s\nwant\n%s", got, wantFixtureSummary)
	}
	// params.json holds what the library fits on the same summary.
	p := readParams(t, out)
	o, err := parseFlags(
		[]string{
			"--input",
			"testdata/tx.csv",
			"--customer-col",
			"2",
			"--date-col",
			"3",
			"--amount-col",
			"4",
			"--observation-end",
			"2024-03-31",
			"--output",
			out,
		},
		&bytes.Buffer{},
	)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := txfile.Read(o.input, o.format)
	if err != nil || len(tx) != 22 {
		t.Fatalf("read %d transactions, %v; want 22", len(tx), err)
	}
	o.observationEnd, o.unitDays = time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), 7
	sum, _, err := summaries(o)
	if err != nil {
		t.Fatal(err)
	}
	bg, err := clv.FitBGNBD(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := clv.FitGammaGamma(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.BGNBD.R != bg.R || p.BGNBD.Alpha != bg.Alpha || p.BGNBD.A != bg.A || p.BGNBD.B != bg.B ||
		p.GammaGamma.P != gg.P || p.GammaGamma.Q != gg.Q || p.GammaGamma.V != gg.V ||
		p.LogLikelihood != bg.LogLikelihood(sum) {
		t.Errorf("params.json %+v, library fit %+v %+v", p, bg, gg)
	}
}

func TestFixtureWhitespaceNoHeader(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "tx.txt")
	csvText, err := os.ReadFile("testdata/tx.csv")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(csvText)), "\n")[1:] {
		f := strings.Split(strings.ReplaceAll(line, `"`, ""), ",")
		b.WriteString(
			"  " + f[1] + "\t" + strings.ReplaceAll(f[2], "-", "") + "   " + f[3] + "\n\n",
		)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	log, err := runTool(
		t,
		"--input",
		in,
		"--separator",
		"whitespace",
		"--no-header",
		"--customer-col",
		"1",
		"--date-col",
		"2",
		"--amount-col",
		"3",
		"--date-format",
		"20060102",
		"--observation-end",
		"2024-03-31",
		"--unit-days",
		"7",
		"--output",
		out,
	)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	got, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
	if string(got) != wantFixtureSummary {
		t.Errorf("summary.csv =\n%s\nwant\n%s", got, wantFixtureSummary)
	}
}

func TestBadLinesNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text, sep, want string
	}{
		{"date.csv", "c,d,a\nx,2024-01-01,1\ny,2024-13-01,2\n", "comma", "date.csv:3: date"},
		{"amount.csv", "c,d,a\nx,2024-01-01,1\n\ny,2024-01-02,two\n", "comma", "amount.csv:4: amount"},
		{"short.txt", "c d a\nx 2024-01-01 1\ny 2024-01-02\n", "whitespace", "short.txt:3: 2 fields"},
		{"quote.csv", "c,d,a\nx,2024-01-01,1\n\"y,2024-01-02,2\n", "comma", "quote.csv:3:"},
	} {
		in := filepath.Join(dir, c.name)
		if err := os.WriteFile(in, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := runTool(
			t,
			"--input",
			in,
			"--separator",
			c.sep,
			"--customer-col",
			"c",
			"--date-col",
			"d",
			"--amount-col",
			"a",
			"--observation-end",
			"2024-03-31",
			"--output",
			filepath.Join(dir, "out"),
		)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := runTool(t, "--input", "testdata/tx.csv", "--customer-col", "nope", "--date-col",
		"paid_at", "--amount-col", "amount",
		"--observation-end", "2024-03-31", "--output", dir); err == nil ||
		!strings.Contains(err.Error(), `--customer-col "nope"`) {
		t.Errorf("unknown column: error %v", err)
	}
	if _, err := runTool(t, "--input", "testdata/tx.csv", "--customer-col", "customer", "--date-col",
		"paid_at", "--amount-col", "amount",
		"--output", dir); err == nil ||
		!strings.Contains(err.Error(), "--observation-end is required") {
		t.Errorf("missing flag: error %v", err)
	}
}

// TestCDNOW runs the command on the CDNOW sample as DESIGN.md describes it.
func TestCDNOW(t *testing.T) {
	in := "../../../shared/data/cdnow/CDNOW_sample.txt"
	if _, err := os.Stat(in); err != nil {
		t.Skipf(
			"CDNOW data not available at %s (see DESIGN.md, Real data to check against): %v",
			in,
			err,
		)
	}
	out := t.TempDir()
	log, err := runTool(
		t,
		"--input",
		in,
		"--separator",
		"whitespace",
		"--no-header",
		"--customer-col",
		"2",
		"--date-col",
		"3",
		"--amount-col",
		"5",
		"--date-format",
		"20060102",
		"--observation-end",
		"1997-09-30",
		"--unit-days",
		"7",
		"--output",
		out,
	)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	t.Log(strings.TrimSpace(log))
	p := readParams(t, out)
	if r := p.BGNBD.R; r < 0.24255 || r >= 0.24265 {
		t.Errorf("r = %v, published 0.2426", r)
	}
	got, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
	if lines := strings.Count(string(got), "\n"); lines != 2358 {
		t.Errorf("summary.csv has %d lines, want 2358", lines)
	}
	if !strings.HasPrefix(
		string(got),
		"customer_id,frequency,recency,T,monetary_value\n"+
			"0001,2,30.428571428571427,38.857142857142854,22.345\n",
	) {
		t.Errorf("summary.csv starts %q", string(got)[:120])
	}
	// Means of cents, exact: float sums give 25.549999999999997 and 29.440000000000005.
	for customer, mean := range map[string]string{"0009": "25.55", "0011": "29.44"} {
		if line := lineOf(string(got), customer); !strings.HasSuffix(line, ","+mean) {
			t.Errorf("%s: %q, want the monetary value %s", customer, line, mean)
		}
	}
}

// TestMeansOfCentsAreExact: a repeat-day mean is the exact mean of the cents, so 0.20 and 12.10
// give 6.15 (float sums give 6.1499999999999995), 38.99 and 7.99 give 23.49, and 0.10, 12.10
// and 7.99 give 6.73.
func TestMeansOfCentsAreExact(t *testing.T) {
	out := t.TempDir()
	log, err := runTool(t, "--input", "testdata/cents.csv", "--customer-col", "customer",
		"--date-col", "paid_at", "--amount-col", "amount", "--observation-end", "2024-03-31",
		"--unit-days", "7", "--output", out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	got, err := os.ReadFile(filepath.Join(out, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for customer, mean := range map[string]string{"kim": "6.15", "lee": "23.49", "mia": "6.73"} {
		if line := lineOf(string(got), customer); !strings.HasSuffix(line, ","+mean) {
			t.Errorf("%s: %q, want the monetary value %s", customer, line, mean)
		}
	}
}

// lineOf is the line of a summary.csv that begins with the customer's id.
func lineOf(csv, customer string) string {
	for _, l := range strings.Split(csv, "\n") {
		if strings.HasPrefix(l, customer+",") {
			return l
		}
	}
	return ""
}
