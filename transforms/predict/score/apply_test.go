package score

import (
	"math"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

// constantModel predicts sigmoid(z) for every feature vector.
func constantModel(z float64) *propensity.Model {
	n := len(FeatureNames)
	return &propensity.Model{
		Features:  FeatureNames,
		Mean:      make([]float64, n),
		Std:       ones(n),
		Coef:      make([]float64, n),
		Intercept: z,
		PlattA:    1,
	}
}

func ones(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

func TestApply(t *testing.T) {
	card := &Card{
		Propensity: Fitted{Model: constantModel(0)},
		Churn:      Fitted{Model: constantModel(math.Log(3))},
	}
	buyer := schemas.Portrait{PersonID: "P1", Orders: 1}
	card.Apply(&buyer)
	if buyer.Propensity30d != 0.5 || math.Abs(buyer.ChurnRisk-0.75) > 1e-12 {
		t.Errorf("buyer: propensity %v, churn %v", buyer.Propensity30d, buyer.ChurnRisk)
	}
	other := schemas.Portrait{PersonID: "P2", ChurnRisk: 0.3}
	card.Apply(&other)
	if other.Propensity30d != 0.5 || other.ChurnRisk != 0 {
		t.Errorf(
			"non-buyer: propensity %v, churn %v (want null)",
			other.Propensity30d,
			other.ChurnRisk,
		)
	}
	// A certain prediction stays off 0, which the column stores as null.
	sure := &Card{
		Propensity: Fitted{Model: constantModel(-800)},
		Churn:      Fitted{Model: constantModel(800)},
	}
	sure.Apply(&buyer)
	if buyer.Propensity30d != Clip || buyer.ChurnRisk != 1-Clip {
		t.Errorf("clipped: propensity %v, churn %v", buyer.Propensity30d, buyer.ChurnRisk)
	}
	// Without models the columns are null, whatever they held.
	none := &Card{}
	none.Apply(&buyer)
	if buyer.Propensity30d != 0 || buyer.ChurnRisk != 0 {
		t.Errorf("no models: propensity %v, churn %v", buyer.Propensity30d, buyer.ChurnRisk)
	}
}

func TestCardCheckRefusesOtherFeatures(t *testing.T) {
	card := &Card{
		Churn: Fitted{Column: "churn_risk", Model: &propensity.Model{Features: []string{"a"}}},
	}
	if err := card.check(); err == nil ||
		!strings.Contains(err.Error(), "churn_risk model takes features [a]") {
		t.Errorf("error %v", err)
	}
	if err := (&Card{Propensity: Fitted{Model: constantModel(0)}}).check(); err != nil {
		t.Error(err)
	}
}
