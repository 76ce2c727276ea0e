package score

import (
	"fmt"
	"math"
	"time"

	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

// Config is what the scoring stage needs besides its inputs.
type Config struct {
	// Date is the run's business day, YYYY-MM-DD: today's portraits are as of it.
	Date string
	// HorizonDays is H: labels look H days (business zone) past the cutoff, which is Date minus H days
	// (Cutoff). 0 means 30, the horizon the columns propensity_30d and churn_risk are named for.
	HorizonDays int
	// L2 is the logistic regression's penalty on the standardised coefficients (propensity.Options);
	// 0 means 1. Set Unregularised for none.
	L2 float64
	// Unregularised fits without a penalty, whatever L2 says.
	Unregularised bool
	// Seed drives the training sample and the split into training, calibration and test parts;
	// 0 means 1.
	Seed uint64
	// TestShare and CalibrationShare are the shares of the labelled rows held out for the metrics
	// and for Platt scaling; 0 means 0.25 each.
	TestShare, CalibrationShare float64
	// MinTrain is the fewest labelled rows a model is fitted on, and MinClass the fewest of each
	// label; with fewer the model is not fitted, its column stays null and the card says why.
	// 0 means 200 and 20.
	MinTrain, MinClass int
	// MaxTrain bounds the rows each model is fitted on: beyond it, a seeded sample of persons (those
	// with the smallest hash of seed and person id), so the one worker that trains holds at most
	// 2·MaxTrain rows. 0 means 200,000.
	MaxTrain int
}

// Defaults of Config's zero fields.
const (
	DefaultHorizonDays = 30
	DefaultMinTrain    = 200
	DefaultMinClass    = 20
	DefaultMaxTrain    = 200_000
)

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.HorizonDays == 0 {
		c.HorizonDays = DefaultHorizonDays
	}
	if c.L2 == 0 {
		c.L2 = 1
	}
	if c.Unregularised {
		c.L2 = 0
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.TestShare == 0 {
		c.TestShare = 0.25
	}
	if c.CalibrationShare == 0 {
		c.CalibrationShare = 0.25
	}
	if c.MinTrain == 0 {
		c.MinTrain = DefaultMinTrain
	}
	if c.MinClass == 0 {
		c.MinClass = DefaultMinClass
	}
	if c.MaxTrain == 0 {
		c.MaxTrain = DefaultMaxTrain
	}
	return c
}

// Validate checks the config with its defaults filled; Build's DoFns check the same when they
// start, so a bad config fails the run with this error.
func (c Config) Validate() error {
	c = c.withDefaults()
	if _, err := CutoffDate(c.Date, c.HorizonDays); err != nil {
		return err
	}
	switch {
	case !(c.L2 >= 0) || math.IsInf(c.L2, 0):
		return fmt.Errorf("score config: L2 %v: want a finite number, not negative", c.L2)
	case !(c.TestShare > 0 && c.TestShare < 1):
		return fmt.Errorf("score config: test share %v: want 0 to 1", c.TestShare)
	case !(c.CalibrationShare > 0 && c.CalibrationShare < 1):
		return fmt.Errorf("score config: calibration share %v: want 0 to 1", c.CalibrationShare)
	case !(c.TestShare+c.CalibrationShare < 1):
		return fmt.Errorf(
			"score config: test share %v plus calibration share %v: want below 1",
			c.TestShare,
			c.CalibrationShare,
		)
	case c.MinTrain < 4:
		return fmt.Errorf("score config: min train %d: want at least 4", c.MinTrain)
	case c.MinClass < 2:
		return fmt.Errorf("score config: min class %d: want at least 2", c.MinClass)
	case c.MaxTrain < c.MinTrain:
		return fmt.Errorf(
			"score config: max train %d: want at least min train %d",
			c.MaxTrain,
			c.MinTrain,
		)
	}
	return nil
}

// options are the propensity.Train settings of the config (defaults filled).
func (c Config) options() propensity.Options {
	return propensity.Options{
		L2:               c.L2,
		Seed:             c.Seed,
		TestShare:        c.TestShare,
		CalibrationShare: c.CalibrationShare,
	}
}

// Cutoff is the day the training portraits must describe, the AsOf of the cutoff build of
// portrait.Build: Date minus HorizonDays (30 when unset).
func (c Config) Cutoff() (string, error) {
	c = c.withDefaults()
	return CutoffDate(c.Date, c.HorizonDays)
}

// cutoff is the cutoff day of a validated config.
func (c Config) cutoff() string {
	d, _ := c.Cutoff()
	return d
}

// CutoffDate is the day the training portraits describe: date minus horizonDays calendar days,
// YYYY-MM-DD. The nightly job builds its cutoff portraits with portrait.Config{AsOf:
// CutoffDate(...)}.
func CutoffDate(date string, horizonDays int) (string, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", fmt.Errorf("score config: date %q: want YYYY-MM-DD", date)
	}
	if horizonDays < 1 || horizonDays > 3660 {
		return "", fmt.Errorf("score config: horizon of %d days: want 1 to 3660", horizonDays)
	}
	return d.AddDate(0, 0, -horizonDays).Format(time.DateOnly), nil
}
