package propensity

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// logisticData draws n rows of d standard normal features (feature j scaled
// by j+1, so standardisation matters) and labels from the logistic model
// σ(bias + Σ w_j x_j / (j+1)), returning the true probabilities too.
func logisticData(
	n int,
	w []float64,
	bias float64,
	seed uint64,
) (x [][]float64, labels []bool, truth []float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	x, labels, truth = make([][]float64, n), make([]bool, n), make([]float64, n)
	for i := range x {
		x[i] = make([]float64, len(w))
		z := bias
		for j := range w {
			x[i][j] = float64(j+1) * rng.NormFloat64()
			z += w[j] * x[i][j] / float64(j+1)
		}
		truth[i] = sigmoid(z)
		labels[i] = rng.Float64() < truth[i]
	}
	return x, labels, truth
}

// testRows returns the predictions, true probabilities and labels of the
// test part.
func testRows(
	m *Model,
	x [][]float64,
	labels []bool,
	truth []float64,
	opt Options,
	predict func([]float64) float64,
) (p, tr []float64, l []bool) {
	parts, err := Parts(labels, opt)
	if err != nil {
		panic(err)
	}
	for i, part := range parts {
		if part == PartTest {
			p, tr, l = append(p, predict(x[i])), append(tr, truth[i]), append(l, labels[i])
		}
	}
	return p, tr, l
}

// checkCalibrated fails when a bin's observed rate is more than 4 binomial
// standard errors from its mean prediction, and returns the largest gap in
// standard errors.
func checkCalibrated(t *testing.T, name string, table []Bin, probs []float64) float64 {
	t.Helper()
	worst := 0.0
	for i, b := range table {
		se := math.Sqrt(b.MeanPredicted * (1 - b.MeanPredicted) / float64(b.Count))
		gap := math.Abs(b.ObservedRate-b.MeanPredicted) / se
		worst = max(worst, gap)
		if gap > 4 {
			t.Errorf(
				"%s bin %d: mean predicted %.4f, observed %.4f over %d rows (%.1f standard errors)",
				name,
				i,
				b.MeanPredicted,
				b.ObservedRate,
				b.Count,
				gap,
			)
		}
	}
	if len(table) != 10 {
		t.Errorf("%s: %d bins, want deciles", name, len(table))
	}
	return worst
}

func TestTrainRecoversAKnownLogisticModel(t *testing.T) {
	w := []float64{1.2, -0.8, 0.5, 0}
	x, labels, truth := logisticData(40000, w, -0.7, 11)
	opt := DefaultOptions()
	m, met, err := Train(x, labels, []string{"a", "b", "c", "noise"}, opt)
	if err != nil {
		t.Fatal(err)
	}
	probs, trueProbs, testLabels := testRows(m, x, labels, truth, opt, m.Predict)
	if met.NTest != len(probs) || met.NTrain+met.NCalibration+met.NTest != len(x) ||
		met.NTest != 10000 ||
		met.NCalibration != 10000 {
		t.Errorf("parts %d/%d/%d of %d rows", met.NTrain, met.NCalibration, met.NTest, len(x))
	}
	if got := AUC(probs, testLabels); got != met.AUC {
		t.Errorf("metrics AUC %v, recomputed %v", met.AUC, got)
	}
	trueAUC, trueLL := AUC(trueProbs, testLabels), LogLoss(trueProbs, testLabels)
	t.Logf(
		"AUC %.4f (true model %.4f), log-loss %.4f (true model %.4f)",
		met.AUC,
		trueAUC,
		met.LogLoss,
		trueLL,
	)
	if math.Abs(met.AUC-trueAUC) > 0.005 {
		t.Errorf("AUC %.4f, the true model's %.4f", met.AUC, trueAUC)
	}
	if math.Abs(met.LogLoss-trueLL) > 0.005 {
		t.Errorf("log-loss %.4f, the true model's %.4f", met.LogLoss, trueLL)
	}
	checkCalibrated(t, "calibrated", met.Calibration, probs)
	// The calibrated model's effective coefficients on the raw features
	// are the true ones, the noise feature's near zero.
	for j := range w {
		got := m.PlattA * m.Coef[j] / m.Std[j] * float64(j+1)
		if math.Abs(got-w[j]) > 0.1 {
			t.Errorf("effective coefficient %d = %.3f, true %.3f", j, got, w[j])
		}
	}
}

// TestPlattScalingRepairsShrunkScores trains with a penalty so strong that
// the raw logistic scores are squeezed towards the base rate: the raw
// probabilities are badly calibrated, the Platt-scaled ones are not.
func TestPlattScalingRepairsShrunkScores(t *testing.T) {
	x, labels, truth := logisticData(40000, []float64{1.5, -1}, 0.3, 12)
	opt := DefaultOptions()
	opt.L2 = 1e5
	m, met, err := Train(x, labels, []string{"a", "b"}, opt)
	if err != nil {
		t.Fatal(err)
	}
	probs, _, testLabels := testRows(m, x, labels, truth, opt, m.Predict)
	checkCalibrated(t, "calibrated", met.Calibration, probs)
	raw, _, _ := testRows(
		m,
		x,
		labels,
		truth,
		opt,
		func(v []float64) float64 { return sigmoid(m.logit(v)) },
	)
	rawTable := CalibrationTable(raw, testLabels, 10)
	worst := 0.0
	for _, b := range rawTable {
		se := math.Sqrt(b.MeanPredicted * (1 - b.MeanPredicted) / float64(b.Count))
		worst = max(worst, math.Abs(b.ObservedRate-b.MeanPredicted)/se)
	}
	t.Logf(
		"Platt A=%.2f B=%.2f; uncalibrated scores off by up to %.0f standard errors",
		m.PlattA,
		m.PlattB,
		worst,
	)
	if worst < 10 {
		t.Errorf(
			"the uncalibrated scores are off by at most %.1f standard errors: the test does not "+
				"exercise calibration",
			worst,
		)
	}
	if !(m.PlattA > 2) {
		t.Errorf("Platt A = %v: the shrunk scores should be stretched", m.PlattA)
	}
}

func TestTrainIsDeterministicPerSeed(t *testing.T) {
	x, labels, _ := logisticData(2000, []float64{1, 1}, 0, 13)
	opt := DefaultOptions()
	m1, met1, err1 := Train(x, labels, []string{"a", "b"}, opt)
	m2, met2, err2 := Train(x, labels, []string{"a", "b"}, opt)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !reflect.DeepEqual(m1, m2) || !reflect.DeepEqual(met1, met2) {
		t.Error("two runs with the same seed differ")
	}
	opt.Seed = 2
	if _, met3, _ := Train(x, labels, []string{"a", "b"}, opt); met3.AUC == met1.AUC {
		t.Error("another seed gave the same held-out AUC: the seed does not drive the split")
	}
}

func TestPartsAreStratified(t *testing.T) {
	labels := make([]bool, 400)
	for i := range 100 {
		labels[i*4] = true
	}
	parts, err := Parts(labels, Options{TestShare: 0.25, CalibrationShare: 0.1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	count := map[[2]any]int{}
	for i, p := range parts {
		count[[2]any{p, labels[i]}]++
	}
	want := map[[2]any]int{
		{PartTest, true}:         25,
		{PartTest, false}:        75,
		{PartCalibration, true}:  10,
		{PartCalibration, false}: 30,
		{PartTrain, true}:        65,
		{PartTrain, false}:       195,
	}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("part sizes %v, want %v", count, want)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	x, labels, _ := logisticData(400, []float64{1}, 0, 14)
	for _, c := range []struct {
		name   string
		x      [][]float64
		labels []bool
		names  []string
		opt    Options
		want   string
	}{
		{"lengths", x, labels[1:], []string{"a"}, DefaultOptions(), "400 feature rows but 399 labels"},
		{"width", append([][]float64{{1, 2}}, x[1:]...), labels, []string{"a"}, DefaultOptions(),
			"row 0: 2 values for 1 features"},
		{"nan", append([][]float64{{math.NaN()}}, x[1:]...), labels, []string{"a"}, DefaultOptions(),
			"row 0: feature a is NaN"},
		{"names", x, labels, nil, DefaultOptions(), "no features named"},
		{"one class", x, make([]bool, 400), []string{"a"}, DefaultOptions(), "only 0 rows labelled true"},
		{"shares", x, labels, []string{"a"}, Options{TestShare: 0.6, CalibrationShare: 0.4},
			"must be below 1"},
		{"l2", x, labels, []string{"a"}, Options{L2: -1, TestShare: 0.2, CalibrationShare: 0.2}, "L2 -1"},
	} {
		if _, _, err := Train(c.x, c.labels, c.names, c.opt); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
