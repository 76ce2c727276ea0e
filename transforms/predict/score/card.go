package score

import (
	"fmt"
	"slices"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

// Card describes the night's two prediction models, how they were trained and how well they do
// on held-out persons: exactly one per run, the second output of Build, JSON-friendly (no NaN).
type Card struct {
	// Date is the run day, Cutoff the day of the training portraits, HorizonDays the days between.
	Date        string `json:"date"`
	Cutoff      string `json:"cutoff"`
	HorizonDays int    `json:"horizon_days"`
	// Label says how a training row is labelled.
	Label string `json:"label"`
	// Features names the model inputs (FeatureNames); Nulls says how null fields enter.
	Features []string `json:"features"`
	Nulls    string   `json:"nulls"`
	// Propensity is the model of propensity_30d, Churn the model of churn_risk.
	Propensity Fitted `json:"propensity"`
	Churn      Fitted `json:"churn"`
	// BGNBD is the purchase model of the cutoff portraits' model card (days as the unit), the
	// baseline's; nil when there is none, and BGNBDError says why.
	BGNBD      *clv.BGNBD `json:"bg_nbd_at_cutoff,omitempty"`
	BGNBDError string     `json:"bg_nbd_error,omitempty"`
}

// Fitted is one model of the card.
type Fitted struct {
	// Column is the portrait column the model fills; Population who it is trained on and scores;
	// Target what it predicts.
	Column     string `json:"column"`
	Population string `json:"population"`
	Target     string `json:"target"`
	// Trained is false when the model could not be fitted: Reason says why, and the column stays
	// null for everyone.
	Trained bool   `json:"trained"`
	Reason  string `json:"reason,omitempty"`
	// Labelled counts the labelled persons of the population and Positives those whose target is
	// true; Rows the persons the model was fitted and measured on (all of them, or a seeded sample
	// when there are more than max_train: Sample says so).
	Labelled  int64  `json:"labelled"`
	Positives int64  `json:"positives"`
	Rows      int    `json:"rows"`
	Sample    string `json:"sample,omitempty"`
	// Model holds the features, standardisation, coefficients and Platt A/B; Metrics the held-out
	// AUC, log-loss, part sizes and calibration deciles. Both nil when not trained.
	Model   *propensity.Model   `json:"model,omitempty"`
	Metrics *propensity.Metrics `json:"metrics,omitempty"`
	// Baseline is BG/NBD's own prediction on the same held-out persons, nil when not trained.
	Baseline *Baseline `json:"baseline,omitempty"`
}

// Baseline compares the model with BG/NBD on the held-out persons the baseline is defined for:
// buyers at the cutoff, when the cutoff's BG/NBD model was fitted. Its metrics are nil when those
// persons are too few or of one label; Reason then says why.
type Baseline struct {
	// Formula is the baseline's prediction.
	Formula string `json:"formula"`
	// Rows counts the held-out persons compared.
	Rows int `json:"rows"`
	// AUC and LogLoss are the baseline's on those persons, ModelAUC and ModelLogLoss the model's.
	AUC          *float64 `json:"auc,omitempty"`
	LogLoss      *float64 `json:"log_loss,omitempty"`
	ModelAUC     *float64 `json:"model_auc,omitempty"`
	ModelLogLoss *float64 `json:"model_log_loss,omitempty"`
	// Calibration is the baseline's decile table on those persons.
	Calibration []propensity.Bin `json:"calibration,omitempty"`
	Reason      string           `json:"reason,omitempty"`
}

// check refuses a card whose models do not take this version's features, so that Predict never
// meets a vector of the wrong length.
func (c *Card) check() error {
	for _, f := range []*Fitted{&c.Propensity, &c.Churn} {
		if f.Model != nil && !slices.Equal(f.Model.Features, FeatureNames) {
			return fmt.Errorf(
				"score: the %s model takes features %v, this version computes %v",
				f.Column,
				f.Model.Features,
				FeatureNames,
			)
		}
	}
	return nil
}
