package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runTool(args ...string) (string, error) {
	var stderr bytes.Buffer
	err := run(args, &stderr)
	return stderr.String(), err
}

// wantToyRules are the rules of testdata/baskets.csv, the five-basket
// example of Tan, Steinbach and Kumar (ch. 6) with a byte-order mark, blank
// lines, padding, a repeated item, empty items and a quoted item name, at
// support 0.4, confidence 0.6, minlen 2; worked out by hand in
// transforms/segment/affinity's TestToyByHand.
const wantToyRules = `antecedent,consequent,support,confidence,lift,count
Beer,Diapers,0.6,1,1.25,3
Bread,Diapers,0.6,0.75,0.9375,3
Bread,Milk,0.6,0.75,0.9375,3
Diapers,Beer,0.6,0.75,1.25,3
Diapers,Bread,0.6,0.75,0.9375,3
Diapers,Milk,0.6,0.75,0.9375,3
Milk,Bread,0.6,0.75,0.9375,3
Milk,Diapers,0.6,0.75,0.9375,3
Beer|Bread,Diapers,0.4,1,1.25,2
Beer|Milk,Diapers,0.4,1,1.25,2
"Cola ""Zero""",Diapers,0.4,1,1.25,2
"Cola ""Zero""",Milk,0.4,1,1.25,2
"Cola ""Zero""|Diapers",Milk,0.4,1,1.25,2
"Cola ""Zero""|Milk",Diapers,0.4,1,1.25,2
Beer,Bread,0.4,0.6666666666666666,0.8333333333333333,2
Beer,Milk,0.4,0.6666666666666666,0.8333333333333333,2
Beer|Diapers,Bread,0.4,0.6666666666666666,0.8333333333333333,2
Beer|Diapers,Milk,0.4,0.6666666666666666,0.8333333333333333,2
Bread|Diapers,Beer,0.4,0.6666666666666666,1.111111111111111,2
Bread|Diapers,Milk,0.4,0.6666666666666666,0.8333333333333333,2
Bread|Milk,Diapers,0.4,0.6666666666666666,0.8333333333333333,2
Diapers|Milk,Beer,0.4,0.6666666666666666,1.111111111111111,2
Diapers|Milk,Bread,0.4,0.6666666666666666,0.8333333333333333,2
Diapers|Milk,"Cola ""Zero""",0.4,0.6666666666666666,1.6666666666666665,2
`

func TestToyBaskets(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rules.csv")
	log, err := runTool(
		"--input",
		"testdata/baskets.csv",
		"--min-support",
		"0.4",
		"--min-confidence",
		"0.6",
		"--minlen",
		"2",
		"--output",
		out,
	)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantToyRules {
		t.Errorf("rules.csv =\n%s\nwant\n%s", got, wantToyRules)
	}
	if !strings.Contains(log, "5 transactions, 24 rules") {
		t.Errorf("log %q", log)
	}
	// The defaults (arules': minlen 1, maxlen 10) add {} => item rules,
	// written with an empty antecedent; --maxlen 2 keeps pairs only.
	if _, err := runTool("--input", "testdata/baskets.csv", "--min-support", "0.4", "--min-confidence",
		"0.6", "--maxlen", "2", "--output", out); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if len(lines) != 1+4+12 || !strings.Contains(string(got), "\n,Beer,0.6,0.6,1,3\n") ||
		strings.Contains(string(got), "|") {
		t.Errorf("minlen 1, maxlen 2: %d lines\n%s", len(lines), got)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "rules.csv")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--output", out}, "--input and --output are required"},
		{[]string{"--input", "testdata/baskets.csv"}, "--input and --output are required"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--min-support", "1.5"},
			"--min-support 1.5: want a share in [0, 1]"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--min-confidence", "-1"},
			"--min-confidence -1"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--min-support", "lots"},
			"invalid value \"lots\""},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--minlen", "3", "--maxlen", "2"},
			"want 1 <= minlen <= maxlen"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--minlen", "0"},
			"want 1 <= minlen <= maxlen"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "extra"}, "unexpected arguments"},
		{[]string{"--input", "testdata/baskets.csv", "--output", out, "--support", "0.1"},
			"flag provided but not defined: -support"},
		{[]string{"--input", filepath.Join(dir, "missing.csv"), "--output", out}, "missing.csv"},
	} {
		if _, err := runTool(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.args, err, c.want)
		}
	}
	for name, text := range map[string]string{"latin1.csv": "a,b\nb,caf\xe9\n",
		"empty.csv": "\n , \n"} {
		in := filepath.Join(dir, name)
		if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"latin1.csv": "latin1.csv:2: not valid UTF-8",
			"empty.csv": "empty.csv: no transactions"}[name]
		if _, err := runTool("--input", in, "--output", out); err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind: %v", out, err)
	}
}
