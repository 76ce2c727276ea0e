package propensity

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Part says which part of the data a row belongs to.
type Part uint8

// The three parts Train cuts the rows into.
const (
	// PartTrain rows fit the logistic regression and its standardisation.
	PartTrain Part = iota
	// PartCalibration rows fit the Platt scaling.
	PartCalibration
	// PartTest rows are held out: every metric is measured on them alone.
	PartTest
)

// String returns "train", "calibration" or "test".
func (p Part) String() string {
	switch p {
	case PartTrain:
		return "train"
	case PartCalibration:
		return "calibration"
	case PartTest:
		return "test"
	}
	return fmt.Sprintf("Part(%d)", uint8(p))
}

// Parts assigns every row to a part exactly as Train does, so a caller can
// score a baseline on the same held-out rows: within each label class, rows
// are shuffled with opt.Seed and round(TestShare·n) go to the test part,
// round(CalibrationShare·n) to the calibration part and the rest to the
// training part. It fails when a part would lack either class.
func Parts(labels []bool, opt Options) ([]Part, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	parts := make([]Part, len(labels))
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	for _, class := range []bool{false, true} {
		var rows []int
		for i, l := range labels {
			if l == class {
				rows = append(rows, i)
			}
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		nTest := int(math.Round(opt.TestShare * float64(len(rows))))
		nCal := int(math.Round(opt.CalibrationShare * float64(len(rows))))
		for k, i := range rows {
			switch {
			case k < nTest:
				parts[i] = PartTest
			case k < nTest+nCal:
				parts[i] = PartCalibration
			default:
				parts[i] = PartTrain
			}
		}
		if nTest == 0 || nCal == 0 || nTest+nCal >= len(rows) {
			return nil, fmt.Errorf(
				"only %d rows labelled %v: too few for a training, a calibration and a test part "+
					"with shares %v and %v",
				len(rows),
				class,
				opt.TestShare,
				opt.CalibrationShare,
			)
		}
	}
	return parts, nil
}
