package score

import (
	"fmt"
	"math"
	"slices"

	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/predict/propensity"
)

// labelText and nullsText document the card.
const (
	labelText = "bought: today's portrait counts more paid orders than the cutoff portrait, " +
		"i.e. a paid order placed and paid after the end of the cutoff day (business zone), " +
		"by the end of the run day"
	nullsText = "a null field enters as 0 with its has_ indicator 0 " +
		"(has_orders for the order fields); money, orders and sessions as ln(1+x)"
)

// Fit trains the card's two models on the sample: propensity (bought in the horizon) over every
// labelled person, churn (bought nothing in the horizon) over the labelled buyers. The churn model
// is fitted on the complement label directly, which for a logistic regression with Platt scaling
// is 1 minus the buyers' purchase model. cutoffModel is the cutoff portraits' model card, whose
// BG/NBD fit gives the baseline (nil for none). A model that cannot be fitted (too few persons, too
// few of a label, a failed fit) is left out with its reason; Fit fails only on a cutoff model card
// of another day, a wiring error.
func Fit(sample *Sample, cutoffModel *portrait.ModelCard, cfg Config) (Card, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Card{}, err
	}
	card := Card{
		Date:        cfg.Date,
		Cutoff:      cfg.cutoff(),
		HorizonDays: cfg.HorizonDays,
		Label:       labelText,
		Features:    slices.Clone(FeatureNames),
		Nulls:       nullsText,
	}
	switch {
	case cutoffModel == nil:
		card.BGNBDError = "no model card of the cutoff portraits"
	case cutoffModel.AsOf != card.Cutoff:
		return Card{}, fmt.Errorf(
			"score: the cutoff portraits' model card is as of %q, the cutoff of %d days before %s is %s",
			cutoffModel.AsOf,
			cfg.HorizonDays,
			cfg.Date,
			card.Cutoff,
		)
	case cutoffModel.BGNBD == nil:
		card.BGNBDError = "not fitted at the cutoff: " + cutoffModel.BGNBDError
	default:
		bg := *cutoffModel.BGNBD
		card.BGNBD = &bg
	}
	if sample == nil {
		sample = NewSample(cfg.MaxTrain)
	}
	all, buyers := sample.Rows()
	h := float64(cfg.HorizonDays)
	card.Propensity = fitted{
		Fitted: Fitted{
			Column:     "propensity_30d",
			Population: "persons present at the cutoff (a fact by the cutoff day)",
			Target: fmt.Sprintf(
				"a paid order in the %d days after the cutoff",
				cfg.HorizonDays,
			),
			Labelled:  sample.Labelled,
			Positives: sample.Bought,
		},
		target: func(r Row) bool { return r.Bought },
		baseline: func(r Row) float64 {
			return propensity.ProbPurchase(*card.BGNBD, h, r.Frequency, r.Recency, r.T)
		},
		formula: fmt.Sprintf(
			"BG/NBD P(X(T, T+%d) > 0 | frequency, recency, T) at the cutoff (propensity.ProbPurchase)",
			cfg.HorizonDays,
		),
	}.fit(all, card.BGNBD != nil, card.BGNBDError, cfg)
	card.Churn = fitted{
		Fitted: Fitted{
			Column:     "churn_risk",
			Population: "buyers at the cutoff (a paid order by the cutoff day)",
			Target: fmt.Sprintf(
				"no paid order in the %d days after the cutoff",
				cfg.HorizonDays,
			),
			Labelled:  sample.BuyersLabelled,
			Positives: sample.BuyersLabelled - sample.BuyersBought,
		},
		target: func(r Row) bool { return !r.Bought },
		baseline: func(r Row) float64 {
			return 1 - propensity.ProbPurchase(*card.BGNBD, h, r.Frequency, r.Recency, r.T)
		},
		formula: fmt.Sprintf(
			"1 - BG/NBD P(X(T, T+%d) > 0 | frequency, recency, T) at the cutoff",
			cfg.HorizonDays,
		),
	}.fit(buyers, card.BGNBD != nil, card.BGNBDError, cfg)
	return card, nil
}

// fitted is one model to fit: its card entry so far, its target and its BG/NBD baseline.
type fitted struct {
	Fitted
	target   func(Row) bool
	baseline func(Row) float64
	formula  string
}

// fit trains the model on rows and fills the card entry.
func (f fitted) fit(rows []Row, hasBaseline bool, noBaseline string, cfg Config) Fitted {
	out := f.Fitted
	out.Rows = len(rows)
	if int64(len(rows)) < out.Labelled {
		out.Sample = fmt.Sprintf(
			"a seeded sample of %d of the %d labelled persons (max_train %d): those with the smallest "+
				"hash of seed %d and person id",
			len(rows),
			out.Labelled,
			cfg.MaxTrain,
			cfg.Seed,
		)
	}
	x := make([][]float64, len(rows))
	labels := make([]bool, len(rows))
	pos := 0
	for i, r := range rows {
		x[i], labels[i] = r.X, f.target(r)
		if labels[i] {
			pos++
		}
	}
	if len(rows) < cfg.MinTrain {
		out.Reason = fmt.Sprintf(
			"too few labelled persons: %d, min_train is %d",
			len(rows),
			cfg.MinTrain,
		)
		return out
	}
	if neg := len(rows) - pos; min(pos, neg) < cfg.MinClass {
		out.Reason = fmt.Sprintf(
			"too few persons of a label: %d with the target, %d without, min_class is %d",
			pos,
			neg,
			cfg.MinClass,
		)
		return out
	}
	opt := cfg.options()
	m, met, err := propensity.Train(x, labels, FeatureNames, opt)
	if err != nil {
		out.Reason = "training failed: " + err.Error()
		return out
	}
	parts, err := propensity.Parts(labels, opt)
	if err != nil { // Train made the same split without error
		out.Reason = "splitting failed: " + err.Error()
		return out
	}
	out.Trained, out.Model, out.Metrics = true, m, &met
	base := &Baseline{Formula: f.formula, Reason: noBaseline}
	if hasBaseline {
		base.Reason = ""
		var model, bl []float64
		var lab []bool
		for i, p := range parts {
			if p != propensity.PartTest || !rows[i].Buyer {
				continue
			}
			if v := f.baseline(rows[i]); finite(v) {
				model, bl, lab = append(
					model,
					m.Predict(x[i]),
				), append(
					bl,
					v,
				), append(
					lab,
					labels[i],
				)
			}
		}
		base.compare(model, bl, lab)
		if base.Rows == met.NTest && base.AUC != nil {
			met.BaselineAUC, met.BaselineLogLoss = *base.AUC, *base.LogLoss
			out.Metrics = &met
		}
	}
	out.Baseline = base
	return out
}

// compare fills the baseline's and the model's metrics on the same held-out persons.
func (b *Baseline) compare(model, baseline []float64, labels []bool) {
	b.Rows = len(labels)
	auc := propensity.AUC(baseline, labels)
	if math.IsNaN(auc) {
		b.Reason = fmt.Sprintf(
			"the %d held-out persons it is defined for all have the same label",
			len(labels),
		)
		return
	}
	b.AUC, b.LogLoss = ptr(auc), ptr(propensity.LogLoss(baseline, labels))
	b.ModelAUC, b.ModelLogLoss = ptr(
		propensity.AUC(model, labels),
	), ptr(
		propensity.LogLoss(model, labels),
	)
	b.Calibration = propensity.CalibrationTable(baseline, labels, 10)
}

func ptr(v float64) *float64 { return &v }
