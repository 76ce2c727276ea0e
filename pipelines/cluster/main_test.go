package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func runTool(args ...string) (string, error) {
	var stderr bytes.Buffer
	err := run(args, &stderr)
	return stderr.String(), err
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func readSummary(t *testing.T, dir string) summaryJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summaryJSON
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"k"`, `"inertia"`, `"silhouette"`, `"n"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("summary.json lacks %s: %s", key, b)
		}
	}
	return s
}

// testdata/points.csv interleaves three groups of customers: A (rows 1, 4,
// 7, 10, 12: spend about 100, 1-2 orders), B (rows 2, 5, 8, 11: about 500,
// 7-9 orders) and C (rows 3, 6, 9: about 920, 1-2 orders). Clusters are
// numbered by size, so A is 0, B is 1 and C is 2.
var (
	wantClusters  = []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 0}
	wantCentroids = [][]float64{{102.4, 1.4}, {502.5, 8}, {2770.0 / 3, 5.0 / 3}}
	wantSizes     = []string{"5", "4", "3"}
)

func checkClusters(t *testing.T, dir string) {
	t.Helper()
	assign := readCSV(t, filepath.Join(dir, "assignments.csv"))
	if len(assign) != 13 || strings.Join(assign[0], ",") != "row,cluster" {
		t.Fatalf("assignments.csv: %q", assign)
	}
	for i, rec := range assign[1:] {
		if rec[0] != strconv.Itoa(i+1) || rec[1] != strconv.Itoa(wantClusters[i]) {
			t.Errorf("assignment %q, want row %d in cluster %d", rec, i+1, wantClusters[i])
		}
	}
	cents := readCSV(t, filepath.Join(dir, "centroids.csv"))
	if len(cents) != 4 || strings.Join(cents[0], ",") != "cluster,col a,col b,size" {
		t.Fatalf("centroids.csv: %q", cents)
	}
	for c, rec := range cents[1:] {
		if rec[0] != strconv.Itoa(c) || rec[3] != wantSizes[c] {
			t.Errorf("centroid row %q, want cluster %d of size %s", rec, c, wantSizes[c])
		}
		for j, want := range wantCentroids[c] {
			if v, err := strconv.ParseFloat(rec[1+j], 64); err != nil || math.Abs(v-want) > 1e-9 {
				t.Errorf("cluster %d feature %d = %s, want %v", c, j, rec[1+j], want)
			}
		}
	}
}

func TestFixture(t *testing.T) {
	out := t.TempDir()
	log, err := runTool(
		"--input",
		"testdata/points.csv",
		"--features",
		"col a, col b",
		"--k",
		"3",
		"--seed",
		"7",
		"--standardize=false",
		"--output",
		out,
	)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	checkClusters(t, out)
	// Raw units: squared deviations from the group means, worked out by
	// hand: A 125.2 + 1.2, B 875 + 2, C 3800/3 + 2/3.
	s := readSummary(t, out)
	if want := 125.2 + 1.2 + 875 + 2 + 3800.0/3 + 2.0/3; s.K != 3 || s.N != 12 ||
		math.Abs(s.Inertia-want) > 1e-9 {
		t.Errorf("summary %+v, want k 3, n 12, inertia %v", s, want)
	}
	if s.Silhouette < 0.9 || s.Silhouette > 1 {
		t.Errorf("silhouette %v on three well-separated groups", s.Silhouette)
	}

	// --k 0 chooses three clusters on z-scores, the default.
	chosen := t.TempDir()
	if log, err := runTool("--input", "testdata/points.csv", "--features", "col a,col b", "--k", "0",
		"--k-max", "6", "--output", chosen); err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	checkClusters(t, chosen)
	if z := readSummary(t, chosen); z.K != 3 || z.Inertia >= s.Inertia {
		t.Errorf("k 0: summary %+v, want k 3 and the inertia of z-scores (raw: %v)", z, s.Inertia)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	bad := filepath.Join(dir, "bad.csv")
	// The quoted note spans two lines, so data row 3 starts on line 5.
	text := "id,x,y,note\n1,1,2,\"two\nlines\"\n2,3,4,\n3,5,n/a,\n"
	if err := os.WriteFile(bad, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	inf := filepath.Join(dir, "inf.csv")
	if err := os.WriteFile(inf, []byte("x\n1\n+Inf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("x,y\n1,2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--input", bad, "--features", "x,y", "--k", "2", "--output", out},
			`bad.csv:5: column "y": "n/a" is not a finite number`},
		{[]string{"--input", inf, "--features", "x", "--k", "1", "--output", out},
			`inf.csv:3: column "x": "+Inf" is not a finite number`},
		{[]string{"--input", ragged, "--features", "x", "--k", "1", "--output", out},
			"ragged.csv: record on line 3: wrong number of fields"},
		{[]string{"--input", bad, "--features", "x,z", "--k", "2", "--output", out},
			`no column "z" in the header`},
		{[]string{"--input", "testdata/points.csv", "--features", "col a", "--k", "20", "--output", out},
			"k = 20 but only 12 points"},
		{[]string{"--input", "testdata/points.csv", "--output", out},
			"--input, --features and --output are required"},
		{[]string{"--input", "testdata/points.csv", "--features", "col a,,col b", "--output", out},
			"empty column name"},
		{[]string{"--input", "testdata/points.csv", "--features", "col a,col a", "--output", out},
			`column "col a" given twice`},
		{[]string{"--input", "testdata/points.csv", "--features", "col a", "--k", "-2", "--output", out},
			"--k -2"},
		{[]string{"--input", "testdata/points.csv", "--features", "col a", "--k-min", "1", "--output",
			out}, "want 2 <= k-min <= k-max"},
		{[]string{"--input", "testdata/points.csv", "--features", "col a", "--restarts", "0", "--output",
			out}, "--restarts 0"},
		{[]string{"--input", "testdata/points.csv", "--features", "col a", "--k", "two", "--output", out},
			`invalid value "two" for flag -k`},
	} {
		if _, err := runTool(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one containing %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run left %s behind: %v", out, err)
	}
}
