package propensity

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Options are the settings of Train.
type Options struct {
	// L2 is the penalty on the squared coefficients of the standardised
	// features, against the summed log-loss (scikit-learn's 1/C); 0 fits
	// without regularisation.
	L2 float64 `json:"l2"`
	// Seed drives the split into training, calibration and test parts.
	Seed uint64 `json:"seed"`
	// TestShare is the share of rows held out for the metrics, in (0, 1).
	TestShare float64 `json:"test_share"`
	// CalibrationShare is the share of rows the Platt scaling is fitted
	// on, in (0, 1); TestShare + CalibrationShare must be below 1.
	CalibrationShare float64 `json:"calibration_share"`
}

// DefaultOptions returns L2 1, seed 1, a quarter of the rows held out for
// testing and a quarter for calibration.
func DefaultOptions() Options {
	return Options{L2: 1, Seed: 1, TestShare: 0.25, CalibrationShare: 0.25}
}

func (o Options) validate() error {
	switch {
	case !(o.L2 >= 0) || math.IsInf(o.L2, 0):
		return fmt.Errorf("L2 %v: must be a finite number, not negative", o.L2)
	case !(o.TestShare > 0 && o.TestShare < 1):
		return fmt.Errorf("test share %v: must be in (0, 1)", o.TestShare)
	case !(o.CalibrationShare > 0 && o.CalibrationShare < 1):
		return fmt.Errorf("calibration share %v: must be in (0, 1)", o.CalibrationShare)
	case !(o.TestShare+o.CalibrationShare < 1):
		return fmt.Errorf(
			"test share %v plus calibration share %v: must be below 1",
			o.TestShare,
			o.CalibrationShare,
		)
	}
	return nil
}

// Model is a fitted, calibrated propensity model; its fields are exported
// so that it serialises as a JSON model card.
type Model struct {
	// Features names the features, in the order Predict takes them.
	Features []string `json:"features"`
	// Mean and Std standardise each feature (x-Mean)/Std; they are the
	// training part's mean and population standard deviation (1 for a
	// constant feature).
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
	// Coef and Intercept give the uncalibrated log-odds
	// Intercept + Σ Coef·(x-Mean)/Std.
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	// PlattA and PlattB calibrate the log-odds z: the probability is
	// 1/(1+exp(-(PlattA·z + PlattB))).
	PlattA float64 `json:"platt_a"`
	PlattB float64 `json:"platt_b"`
}

// Metrics measure a model on the held-out test part.
type Metrics struct {
	// AUC is the area under the ROC curve of the calibrated predictions.
	AUC float64 `json:"auc"`
	// LogLoss is the mean log-loss of the calibrated predictions.
	LogLoss float64 `json:"log_loss"`
	// BaselineAUC and BaselineLogLoss are a baseline's on the same rows,
	// filled by the caller when it has one (see Parts).
	BaselineAUC     float64 `json:"baseline_auc,omitempty"`
	BaselineLogLoss float64 `json:"baseline_log_loss,omitempty"`
	// NTrain, NCalibration and NTest count the rows of each part.
	NTrain       int `json:"n_train"`
	NCalibration int `json:"n_calibration"`
	NTest        int `json:"n_test"`
	// Calibration is the decile table of the calibrated predictions.
	Calibration []Bin `json:"calibration"`
	// BaselineCalibration is the baseline's decile table on the same rows,
	// filled by the caller when it has one.
	BaselineCalibration []Bin `json:"baseline_calibration,omitempty"`
}

// logit returns the uncalibrated log-odds of x.
func (m *Model) logit(x []float64) float64 {
	if len(x) != len(m.Features) {
		panic(
			fmt.Sprintf(
				"propensity: %d feature values for a model of %d features",
				len(x),
				len(m.Features),
			),
		)
	}
	z := m.Intercept
	for j, v := range x {
		z += m.Coef[j] * (v - m.Mean[j]) / m.Std[j]
	}
	return z
}

// Predict returns the calibrated probability of a positive label for the
// feature vector x, which must hold len(m.Features) values in that order
// (Predict panics otherwise, as an out-of-range index does).
func (m *Model) Predict(x []float64) float64 {
	return sigmoid(m.PlattA*m.logit(x) + m.PlattB)
}

// Train fits a propensity model and measures it. The rows are split by
// Parts: the training part fits the standardisation and an L2-regularised
// logistic regression, the calibration part fits Platt scaling of its
// log-odds (Platt 1999, with his smoothed targets (N₊+1)/(N₊+2) and
// 1/(N₋+2)), and the test part, which neither fit saw, gives the metrics.
// names names the columns of features.
func Train(
	features [][]float64,
	labels []bool,
	names []string,
	opt Options,
) (*Model, Metrics, error) {
	if err := checkData(features, labels, names); err != nil {
		return nil, Metrics{}, err
	}
	parts, err := Parts(labels, opt)
	if err != nil {
		return nil, Metrics{}, err
	}
	var rows [3][]int
	for i, p := range parts {
		rows[p] = append(rows[p], i)
	}
	m := &Model{Features: append([]string(nil), names...)}
	m.Mean, m.Std = standardisation(features, rows[PartTrain])
	z := make([][]float64, len(rows[PartTrain]))
	y := make([]float64, len(rows[PartTrain]))
	for k, i := range rows[PartTrain] {
		z[k] = make([]float64, len(names))
		for j, v := range features[i] {
			z[k][j] = (v - m.Mean[j]) / m.Std[j]
		}
		y[k] = b2f(labels[i])
	}
	if m.Coef, m.Intercept, err = fitLogistic(z, y, opt.L2); err != nil {
		return nil, Metrics{}, fmt.Errorf("fitting the model: %w", err)
	}
	if m.PlattA, m.PlattB, err = fitPlatt(m, features, labels, rows[PartCalibration]); err != nil {
		return nil, Metrics{}, fmt.Errorf("calibrating the model: %w", err)
	}
	probs := make([]float64, len(rows[PartTest]))
	testLabels := make([]bool, len(rows[PartTest]))
	for k, i := range rows[PartTest] {
		probs[k], testLabels[k] = m.Predict(features[i]), labels[i]
	}
	return m, Metrics{
		AUC:          AUC(probs, testLabels),
		LogLoss:      LogLoss(probs, testLabels),
		NTrain:       len(rows[PartTrain]),
		NCalibration: len(rows[PartCalibration]),
		NTest:        len(rows[PartTest]),
		Calibration:  CalibrationTable(probs, testLabels, 10),
	}, nil
}

// fitPlatt fits the calibration σ(A·z + B) of the model's log-odds z on
// the given rows, with Platt's smoothed targets so that a perfectly
// separating score still gives finite A and B.
func fitPlatt(m *Model, features [][]float64, labels []bool, rows []int) (a, b float64, err error) {
	var pos, neg float64
	for _, i := range rows {
		if labels[i] {
			pos++
		} else {
			neg++
		}
	}
	x := make([][]float64, len(rows))
	t := make([]float64, len(rows))
	for k, i := range rows {
		x[k] = []float64{m.logit(features[i])}
		t[k] = 1 / (neg + 2)
		if labels[i] {
			t[k] = (pos + 1) / (pos + 2)
		}
	}
	coef, intercept, err := fitLogistic(x, t, 0)
	if err != nil {
		return 0, 0, err
	}
	return coef[0], intercept, nil
}

// standardisation returns the mean and population standard deviation of
// each column over rows; a constant column gets standard deviation 1.
func standardisation(features [][]float64, rows []int) (mean, std []float64) {
	d := len(features[0])
	mean, std = make([]float64, d), make([]float64, d)
	col := make([]float64, len(rows))
	for j := range d {
		for k, i := range rows {
			col[k] = features[i][j]
		}
		var v float64
		mean[j], v = stat.PopMeanVariance(col, nil)
		std[j] = math.Sqrt(v)
		if !(std[j] > 0) {
			std[j] = 1
		}
	}
	return mean, std
}

// checkData reports the first row of features that does not fit names or
// holds a value that is not a finite number.
func checkData(features [][]float64, labels []bool, names []string) error {
	if len(names) == 0 {
		return errors.New("no features named")
	}
	if len(features) != len(labels) {
		return fmt.Errorf("%d feature rows but %d labels", len(features), len(labels))
	}
	for i, row := range features {
		if len(row) != len(names) {
			return fmt.Errorf("row %d: %d values for %d features", i, len(row), len(names))
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("row %d: feature %s is %v", i, names[j], v)
			}
		}
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
