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

	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

func runTool(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stderr bytes.Buffer
	err := run(args, &stderr)
	return stderr.String(), err
}

// fixtureArgs run the tool on testdata/tx.csv: 160 simulated customers
// with a purchase up to the cutoff, one with a first purchase after it.
// The BG/NBD fit on so few customers needs a small penalizer.
func fixtureArgs(out string) []string {
	return []string{
		"--input",
		"testdata/tx.csv",
		"--customer-col",
		"customer",
		"--date-col",
		"paid_at",
		"--amount-col",
		"amount",
		"--cutoff",
		"2024-06-30",
		"--horizon-days",
		"90",
		"--penalizer",
		"0.001",
		"--output",
		out,
	}
}

// fixtureWith is fixtureArgs with flag set to value, or without flag when
// value is empty.
func fixtureWith(out, flag, value string) []string {
	args := fixtureArgs(out)
	for i := 0; i < len(args); i += 2 {
		if args[i] == flag {
			if value == "" {
				return append(args[:i:i], args[i+2:]...)
			}
			args[i+1] = value
			return args
		}
	}
	return append(args, flag, value)
}

// scoreRow is one line of scores.csv.
type scoreRow struct {
	probability, baseline float64
	label                 bool
	part                  string
}

func readScores(t *testing.T, dir string) (map[string]scoreRow, []string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "scores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := "customer_id,probability,label,bgnbd_probability,part"
	if got := strings.Join(recs[0], ","); got != header {
		t.Fatalf("scores.csv header %q", got)
	}
	rows := map[string]scoreRow{}
	var order []string
	for _, r := range recs[1:] {
		p, err1 := strconv.ParseFloat(r[1], 64)
		b, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil || (r[2] != "0" && r[2] != "1") {
			t.Fatalf("scores.csv row %q", r)
		}
		rows[r[0]] = scoreRow{probability: p, baseline: b, label: r[2] == "1", part: r[4]}
		order = append(order, r[0])
	}
	return rows, order
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// fixtureTruth works out from testdata/tx.csv, independently of the tool,
// which customers bought up to the cutoff and which of them bought in the
// horizon (2024-07-01 to 2024-09-28).
func fixtureTruth(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("testdata/tx.csv")
	if err != nil {
		t.Fatal(err)
	}
	before, after := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ",")
		switch day := f[2]; {
		case day <= "2024-06-30":
			before[f[1]] = true
		case day <= "2024-09-28":
			after[f[1]] = true
		}
	}
	truth := map[string]bool{}
	for c := range before {
		truth[c] = after[c]
	}
	return truth
}

func TestFixture(t *testing.T) {
	out := t.TempDir()
	log, err := runTool(t, fixtureArgs(out)...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	t.Log(strings.TrimSpace(log))
	if strings.Contains(log, "warning") {
		t.Errorf("unexpected warning: %s", log)
	}
	rows, order := readScores(t, out)
	truth := fixtureTruth(t)
	if len(rows) != len(truth) || len(truth) != 160 {
		t.Errorf(
			"scores.csv has %d customers, the file %d with a purchase up to the cutoff (want 160)",
			len(rows),
			len(truth),
		)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("scores.csv not sorted by customer id: %s before %s", order[i-1], order[i])
		}
	}
	var m propensity.Metrics
	readJSON(t, filepath.Join(out, "metrics.json"), &m)
	var probs, base []float64
	var labels []bool
	count := map[string]int{}
	for c, r := range rows {
		if want, ok := truth[c]; !ok || r.label != want {
			t.Errorf(
				"%s: label %v, the file says %v (customer up to the cutoff: %v)",
				c,
				r.label,
				want,
				ok,
			)
		}
		if !(r.probability > 0 && r.probability < 1 && r.baseline > 0 && r.baseline < 1) {
			t.Errorf("%s: probability %v, baseline %v", c, r.probability, r.baseline)
		}
		count[r.part]++
		if r.part == "test" {
			probs, base, labels = append(
				probs,
				r.probability,
			), append(
				base,
				r.baseline,
			), append(
				labels,
				r.label,
			)
		}
	}
	// metrics.json is the test rows' measure, for the model and the baseline.
	if count["train"] != m.NTrain || count["calibration"] != m.NCalibration ||
		count["test"] != m.NTest ||
		m.NTest != 40 {
		t.Errorf(
			"parts %v, metrics n_train %d n_calibration %d n_test %d (want 40 held out)",
			count,
			m.NTrain,
			m.NCalibration,
			m.NTest,
		)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }
	if !near(m.AUC, propensity.AUC(probs, labels)) ||
		!near(m.LogLoss, propensity.LogLoss(probs, labels)) ||
		!near(m.BaselineAUC, propensity.AUC(base, labels)) ||
		!near(m.BaselineLogLoss, propensity.LogLoss(base, labels)) {
		t.Errorf("metrics.json %+v differ from the test rows of scores.csv", m)
	}
	n := 0
	for _, b := range m.Calibration {
		n += b.Count
	}
	if n != m.NTest || len(m.Calibration) < 5 || len(m.BaselineCalibration) < 2 {
		t.Errorf(
			"calibration table of %d bins holds %d rows, want the %d test rows; baseline table %d bins",
			len(m.Calibration),
			n,
			m.NTest,
			len(m.BaselineCalibration),
		)
	}
	raw, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"auc"`, `"log_loss"`, `"baseline_auc"`, `"baseline_log_loss"`,
		`"n_train"`, `"n_test"`, `"calibration"`, `"mean_predicted"`, `"observed_rate"`, `"count"`} {
		if !bytes.Contains(raw, []byte(key)) {
			t.Errorf("metrics.json lacks %s", key)
		}
	}
	// model.json alone reproduces every score from the features.
	var card struct {
		Model  propensity.Model `json:"model"`
		Cutoff string           `json:"cutoff"`
	}
	readJSON(t, filepath.Join(out, "model.json"), &card)
	o, err := parseFlags(fixtureArgs(out), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ds := features(t, o)
	for i, c := range ds.Customers {
		if got := card.Model.Predict(ds.X[i]); math.Abs(got-rows[c].probability) > 1e-12 {
			t.Errorf("%s: model.json predicts %v, scores.csv says %v", c, got, rows[c].probability)
		}
	}
	if card.Cutoff != "2024-06-30" {
		t.Errorf("model.json cutoff %q", card.Cutoff)
	}
}

func TestWhitespaceInputGivesTheSameScores(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/tx.csv")
	if err != nil {
		t.Fatal(err)
	}
	var ws strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ",")
		ws.WriteString(
			" " + f[0] + "\t" + f[1] + "  " + strings.ReplaceAll(f[2], "-", "") + " " + f[3] + "\n",
		)
	}
	in := filepath.Join(dir, "tx.txt")
	if err := os.WriteFile(in, []byte(ws.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	csvOut, wsOut := filepath.Join(dir, "csv"), filepath.Join(dir, "ws")
	if log, err := runTool(t, fixtureArgs(csvOut)...); err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	if log, err := runTool(t, "--input", in, "--separator", "whitespace", "--no-header",
		"--customer-col", "2", "--date-col", "3",
		"--amount-col", "4", "--date-format", "20060102", "--cutoff", "2024-06-30", "--horizon-days",
		"90", "--penalizer", "0.001",
		"--output", wsOut); err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	a, _ := os.ReadFile(filepath.Join(csvOut, "scores.csv"))
	w, _ := os.ReadFile(filepath.Join(wsOut, "scores.csv"))
	if len(a) == 0 || !bytes.Equal(a, w) {
		t.Error("the whitespace copy of the fixture scores differently")
	}
}

func TestWarnsWhenTheHorizonOutrunsTheData(t *testing.T) {
	// The horizon then ends on 2024-10-29.
	log, err := runTool(t, fixtureWith(t.TempDir(), "--cutoff", "2024-07-31")...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	if !strings.Contains(
		log,
		"warning: the latest purchase in testdata/tx.csv is on 2024-09-28, before the horizon "+
			"ends on 2024-10-29",
	) {
		t.Errorf("no warning in %q", log)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("c,d,a\nx,2024-01-01,1\ny,2024-02-30,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	with := func(flag, value string) []string { return fixtureWith(out, flag, value) }
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no cutoff", with("--cutoff", ""), "--cutoff is required"},
		{"bad cutoff", with("--cutoff", "30/06/2024"), "--cutoff: parsing time"},
		{"no horizon", with("--horizon-days", ""), "--horizon-days 0: must be at least 1"},
		{"no column", with("--amount-col", ""), "--amount-col is required"},
		{"bad line", append(with("--input", bad), "--customer-col", "c", "--date-col", "d",
			"--amount-col", "a"), "bad.csv:3: date"},
		{"early cutoff", with("--cutoff", "2023-12-31"),
			"testdata/tx.csv: no purchase on or before the cutoff 2023-12-31"},
		{"unidentified BG/NBD", with("--penalizer", "0"), "a small penalizer may help"},
		{"shares", with("--test-share", "0.8"), "must be below 1"},
		{"tiny", with("--test-share", "0.001"), "too few for a training, a calibration and a test part"},
	} {
		if _, err := runTool(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output folder")
	}
}

// features rebuilds the tool's features for o.
func features(t *testing.T, o options) *propensity.Dataset {
	t.Helper()
	tx, err := transactions(o)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := propensity.Features(tx, o.cutoff, o.horizonDays, o.features)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// moduleRoot is the folder of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// TestCDNOW runs the tool on the CDNOW sample: 39 weeks of history up to
// 1997-09-30, labels from the next 39 weeks (to 1998-06-30). The learned
// model must not do worse than BG/NBD on the held-out customers, on the
// tool's own split and on average over twenty splits.
func TestCDNOW(t *testing.T) {
	in := filepath.Join(moduleRoot(t), "..", "shared", "data", "cdnow", "CDNOW_sample.txt")
	if _, err := os.Stat(in); err != nil {
		t.Skipf(
			"CDNOW data not available at %s (see DESIGN.md, Real data to check against): %v",
			in,
			err,
		)
	}
	out := t.TempDir()
	args := []string{
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
		"--cutoff",
		"1997-09-30",
		"--horizon-days",
		"273",
		"--output",
		out,
	}
	log, err := runTool(t, args...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log)
	}
	t.Log(strings.TrimSpace(log))
	var m propensity.Metrics
	readJSON(t, filepath.Join(out, "metrics.json"), &m)
	if m.NTrain+m.NCalibration+m.NTest != 2357 {
		t.Errorf("%d customers, want CDNOW's 2357", m.NTrain+m.NCalibration+m.NTest)
	}
	const margin = 0.01
	if m.AUC < m.BaselineAUC-margin {
		t.Errorf(
			"held-out AUC %.4f, BG/NBD %.4f: more than %.2f worse",
			m.AUC,
			m.BaselineAUC,
			margin,
		)
	}
	o, err := parseFlags(args, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ds := features(t, o)
	var model, baseline float64
	const splits = 20
	for seed := uint64(1); seed <= splits; seed++ {
		opt := o.train
		opt.Seed = seed
		_, met, err := propensity.Train(ds.X, ds.Labels, ds.Names, opt)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := propensity.Parts(ds.Labels, opt)
		if err != nil {
			t.Fatal(err)
		}
		addBaseline(&met, ds, parts)
		model += met.AUC / splits
		baseline += met.BaselineAUC / splits
	}
	t.Logf("mean held-out AUC over %d splits: model %.4f, BG/NBD %.4f", splits, model, baseline)
	if model < baseline-margin/2 {
		t.Errorf("mean held-out AUC %.4f, BG/NBD %.4f", model, baseline)
	}
}
