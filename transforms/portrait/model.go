package portrait

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"github.com/shopportraits/portraits/transforms/quantile"
)

// ModelCard describes the night's models and global figures: one per run, the second output of
// Build. Every portrait of the run is computed with it.
type ModelCard struct {
	// Date and AsOf are the run's business day and the day the portraits describe.
	Date string `json:"date"`
	AsOf string `json:"as_of"`
	// Persons counts the persons of the spine and those only facts name; PersonsWithFacts those
	// with at least one fact used; Buyers those with a paid order; RepeatBuyers those with two
	// purchase days or more.
	Persons          int64 `json:"persons"`
	PersonsWithFacts int64 `json:"persons_with_facts"`
	Buyers           int64 `json:"buyers"`
	RepeatBuyers     int64 `json:"repeat_buyers"`

	// PurchaseModel names the model P(alive), expected purchases and CLV come from (one of the
	// Purchase* constants, "" without one) and PurchaseModelReason says why it was chosen.
	PurchaseModel       string `json:"purchase_model"`
	PurchaseModelReason string `json:"purchase_model_reason,omitempty"`
	// BGNBD is the purchase model fitted over all buyers in days (lifetimes' BetaGeoFitter), nil
	// when it could not be fitted or trusted; BGNBDError says why. BGNBDGroups is the number of
	// distinct (frequency, recency, T) triples it was fitted on.
	BGNBD       *clv.BGNBD `json:"bg_nbd,omitempty"`
	BGNBDError  string     `json:"bg_nbd_error,omitempty"`
	BGNBDGroups int        `json:"bg_nbd_groups"`
	// Recency is the purchase model of a night whose BG/NBD fit could not be trusted.
	Recency *clv.Recency `json:"recency_model,omitempty"`
	// GammaGamma is the spend model fitted on repeat buyers (lifetimes' GammaGammaFitter), nil
	// when it could not be fitted; GammaGammaError says why. GammaGammaGroups is the number of
	// distinct (frequency, repeat spend) pairs it was fitted on. SpendModelReason says why the
	// fit was penalised more than lifetime_value.penalizer asks, when it was.
	GammaGamma       *clv.GammaGamma `json:"gamma_gamma,omitempty"`
	GammaGammaError  string          `json:"gamma_gamma_error,omitempty"`
	GammaGammaGroups int             `json:"gamma_gamma_groups"`
	SpendModelReason string          `json:"spend_model_reason,omitempty"`

	// RecencyCuts, FrequencyCuts and MonetaryCuts are the quintile cut points among buyers of days
	// since the last order, purchase days and gmv_fen: the lower bounds of the histogram buckets
	// (exact below 128, within 1.6% above) holding the 20th, 40th, 60th and 80th percentiles.
	RecencyCuts   []int64 `json:"recency_cuts"`
	FrequencyCuts []int64 `json:"frequency_cuts"`
	MonetaryCuts  []int64 `json:"monetary_cuts"`

	// PriceCuts are the catalog's list-price terciles in fen: an average unit price up to the
	// first is low, up to the second mid, above it high. Empty without a catalog.
	PriceCuts []int64 `json:"price_cuts"`

	// Sentiment describes the night's text model.
	Sentiment SentimentCard `json:"sentiment"`
}

// SentimentCard describes the night's text model.
type SentimentCard struct {
	// Trained is false when there were too few rated reviews; Reason says why.
	Trained bool   `json:"trained"`
	Reason  string `json:"reason,omitempty"`
	// Positive and Negative count the rated reviews used (4-5 and 1-2 stars, with text).
	Positive int `json:"positive"`
	Negative int `json:"negative"`
	// TrainTexts and HoldoutTexts split them by a hash of the review id.
	TrainTexts   int `json:"train_texts"`
	HoldoutTexts int `json:"holdout_texts"`
	// Accuracy is the share of held-out reviews the model labels right, nil without any.
	Accuracy *float64 `json:"accuracy,omitempty"`
	// ModelBytes is the size of the marshalled model.
	ModelBytes int `json:"model_bytes"`
}

// personStat is what the model card needs of one person.
type personStat struct {
	Facts     bool // the person has a fact, not only a row of the spine
	Buyer     bool
	Frequency int32 // repeat purchase days
	Recency   int32 // days from the first to the last purchase day
	T         int32 // days from the first purchase day to the as-of day
	RepeatFen int64 // spend on the repeat days
	SinceLast int32 // days since the last purchase day
	GMV       int64
	Gaps      []int32 // days between consecutive purchase days
}

// modelStats is the global combine of person stats: counts, the distinct BG/NBD triples and
// Gamma-Gamma pairs with their counts, and the three RFM histograms. Its size grows with the
// distinct triples and pairs, not with the buyers.
type modelStats struct {
	Persons, WithFacts, Buyers, Repeat int64
	Triples                            map[[3]int32]int64 // (frequency, recency, T) in days
	Gaps                               map[int32]int64    // days between purchase days
	Spend                              map[spendKey]int64
	Recency, Frequency, GMV            quantile.Histogram
}

// spendKey is a repeat buyer's Gamma-Gamma input, exactly: monetary value is Fen/Frequency.
type spendKey struct {
	Frequency int32
	Fen       int64
}

func newModelStats() *modelStats {
	return &modelStats{Triples: map[[3]int32]int64{}, Gaps: map[int32]int64{},
		Spend: map[spendKey]int64{}, Recency: quantile.New(), Frequency: quantile.New(),
		GMV: quantile.New()}
}

func (m *modelStats) add(p personStat) {
	m.Persons++
	if p.Facts {
		m.WithFacts++
	}
	if !p.Buyer {
		return
	}
	m.Buyers++
	m.Triples[[3]int32{p.Frequency, p.Recency, p.T}]++
	for _, g := range p.Gaps {
		m.Gaps[g]++
	}
	if p.Frequency > 0 {
		m.Repeat++
		m.Spend[spendKey{p.Frequency, p.RepeatFen}]++
	}
	m.Recency.Add(int64(p.SinceLast))
	m.Frequency.Add(int64(p.Frequency) + 1)
	m.GMV.Add(p.GMV)
}

func (m *modelStats) merge(o *modelStats) {
	m.Persons += o.Persons
	m.WithFacts += o.WithFacts
	m.Buyers += o.Buyers
	m.Repeat += o.Repeat
	for k, n := range o.Triples {
		m.Triples[k] += n
	}
	for k, n := range o.Gaps {
		m.Gaps[k] += n
	}
	for k, n := range o.Spend {
		m.Spend[k] += n
	}
	m.Recency.Merge(o.Recency)
	m.Frequency.Merge(o.Frequency)
	m.GMV.Merge(o.GMV)
}

// Purchase models a card may name.
const (
	// PurchaseBGNBD is BG/NBD as fitted with lifetime_value.penalizer.
	PurchaseBGNBD = "bg_nbd"
	// PurchaseBGNBDPenalised is BG/NBD refitted with RefitPenalizer after the first fit could
	// not be trusted.
	PurchaseBGNBDPenalised = "bg_nbd_penalised"
	// PurchaseRecency is clv.Recency: neither BG/NBD fit could be trusted.
	PurchaseRecency = "recency"
)

// RefitPenalizer is the penalty on scale-free parameters of the second fit of a model whose first
// fit could not be trusted or made: strong enough to keep parameters off the bounds a flat
// likelihood runs to, small beside the mean log-likelihood of a well-identified fit.
const RefitPenalizer = 0.01

// fitCard fits the night's models on the global stats and fills the card; a fit that cannot be
// made or trusted leaves its model nil and says why, never failing the run.
func fitCard(card *ModelCard, m *modelStats, r ValueRules) {
	card.Persons, card.PersonsWithFacts, card.Buyers, card.RepeatBuyers = m.Persons, m.WithFacts,
		m.Buyers, m.Repeat
	card.RecencyCuts, card.FrequencyCuts, card.MonetaryCuts = m.Recency.Cuts(
		5,
	), m.Frequency.Cuts(
		5,
	), m.GMV.Cuts(
		5,
	)

	groups := make([]clv.Group, 0, len(m.Triples))
	for k, n := range m.Triples {
		groups = append(
			groups,
			clv.Group{
				Frequency: float64(k[0]),
				Recency:   float64(k[1]),
				T:         float64(k[2]),
				Count:     float64(n),
			},
		)
	}
	// Sorted, so the sums of the likelihood, and so the fit, are the same on every run.
	slices.SortFunc(groups, func(a, b clv.Group) int {
		return cmp.Or(
			cmp.Compare(a.Frequency, b.Frequency),
			cmp.Compare(a.Recency, b.Recency),
			cmp.Compare(a.T, b.T),
		)
	})
	card.BGNBDGroups = len(groups)
	fitPurchases(card, groups, m, r)

	spend := make([]clv.SpendGroup, 0, len(m.Spend))
	for k, n := range m.Spend {
		if k.Fen > 0 {
			spend = append(
				spend,
				clv.SpendGroup{
					Frequency:     float64(k.Frequency),
					MonetaryValue: float64(k.Fen) / float64(k.Frequency),
					Count:         float64(n),
				},
			)
		}
	}
	slices.SortFunc(spend, func(a, b clv.SpendGroup) int {
		return cmp.Or(
			cmp.Compare(a.Frequency, b.Frequency),
			cmp.Compare(a.MonetaryValue, b.MonetaryValue),
		)
	})
	card.GammaGammaGroups = len(spend)
	var repeat int64
	for _, g := range spend {
		repeat += int64(g.Count)
	}
	if repeat < int64(r.MinRepeatBuyers) {
		card.GammaGammaError = fmt.Sprintf(
			"too few repeat buyers with spend to fit: %d, lifetime_value.min_repeat_buyers is %d",
			repeat,
			r.MinRepeatBuyers,
		)
		return
	}
	gg, why := fitSpend(spend, r.Penalizer)
	if why != "" && r.Penalizer < RefitPenalizer {
		if again, whyAgain := fitSpend(spend, RefitPenalizer); whyAgain == "" {
			card.SpendModelReason = fmt.Sprintf(
				"refitted with penalizer %g on scale-free parameters: %s",
				RefitPenalizer,
				why,
			)
			gg, why = again, ""
		}
	}
	if why != "" {
		card.GammaGammaError = why
		return
	}
	card.GammaGamma = &gg
}

// fitPurchases chooses the night's purchase model: BG/NBD fitted with the configured penalizer
// when it can be trusted, else refitted with RefitPenalizer, else clv.Recency on the repeat gaps.
// clv.Untrusted decides trust; a fit on fewer repeat buyers than lifetime_value.min_repeat_buyers
// is not tried, since the dropout it estimates rests on them.
func fitPurchases(card *ModelCard, groups []clv.Group, m *modelStats, r ValueRules) {
	if m.Buyers < int64(r.MinBuyers) {
		card.BGNBDError = fmt.Sprintf("too few buyers to fit: %d, lifetime_value.min_buyers is %d",
			m.Buyers, r.MinBuyers)
		return
	}
	if m.Repeat < int64(r.MinRepeatBuyers) {
		card.BGNBDError = fmt.Sprintf("too few repeat buyers to fit: %d, "+
			"lifetime_value.min_repeat_buyers is %d", m.Repeat, r.MinRepeatBuyers)
		useRecency(card, groups, m)
		return
	}
	bg, why := fitBGNBD(groups, r.Penalizer)
	if why == "" {
		card.BGNBD, card.PurchaseModel = &bg, PurchaseBGNBD
		card.PurchaseModelReason = fmt.Sprintf("the BG/NBD fit (penalizer %g) passes the checks "+
			"of a degenerate fit", r.Penalizer)
		return
	}
	if r.Penalizer < RefitPenalizer {
		again, whyAgain := fitBGNBD(groups, RefitPenalizer)
		if whyAgain == "" {
			card.BGNBD, card.PurchaseModel = &again, PurchaseBGNBDPenalised
			card.PurchaseModelReason = fmt.Sprintf("the BG/NBD fit with penalizer %g could not "+
				"be trusted (%s), so it was refitted with penalizer %g on scale-free parameters",
				r.Penalizer, why, RefitPenalizer)
			return
		}
		why += fmt.Sprintf("; with penalizer %g: %s", RefitPenalizer, whyAgain)
	}
	card.BGNBDError = "untrusted: " + why
	useRecency(card, groups, m)
}

// fitBGNBD fits BG/NBD on scale-free parameters and says why the fit cannot be used, if it cannot.
func fitBGNBD(groups []clv.Group, penalizer float64) (clv.BGNBD, string) {
	bg, err := clv.FitBGNBDScaleFree(groups, penalizer)
	if err != nil {
		return clv.BGNBD{}, err.Error()
	}
	if why := clv.Untrusted(bg, groups); why != "" {
		return clv.BGNBD{}, fmt.Sprintf("%s (r %.4g, alpha %.4g, a %.4g, b %.4g)",
			why, bg.R, bg.Alpha, bg.A, bg.B)
	}
	return bg, ""
}

// useRecency makes clv.Recency, on the repeat gaps and the pooled repeat rate, the card's
// purchase model; card.BGNBDError says why BG/NBD is not.
func useRecency(card *ModelCard, groups []clv.Group, m *modelStats) {
	rate, _ := clv.PoissonFit(groups)
	rec := clv.NewRecency(m.Gaps, rate)
	card.Recency, card.PurchaseModel = &rec, PurchaseRecency
	card.PurchaseModelReason = fmt.Sprintf("BG/NBD is not used (%s), so P(alive) is the share of "+
		"the %d repeat gaps seen that are longer than a buyer's silence since the last purchase",
		card.BGNBDError, rec.Gaps)
}

// fitSpend fits Gamma-Gamma on scale-free parameters and says why the fit cannot be used, if it
// cannot.
func fitSpend(spend []clv.SpendGroup, penalizer float64) (clv.GammaGamma, string) {
	gg, err := clv.FitGammaGammaScaleFree(spend, penalizer)
	if err != nil {
		return clv.GammaGamma{}, err.Error()
	}
	if !(gg.Q > 1) {
		return clv.GammaGamma{}, fmt.Sprintf("fitted q = %.4g: the spend model has no finite mean "+
			"(q must exceed 1)", gg.Q)
	}
	return gg, ""
}

// purchases is the card's purchase model, nil without one.
func (c *ModelCard) purchases() clv.Purchases {
	switch {
	case c.BGNBD != nil:
		return *c.BGNBD
	case c.Recency != nil:
		return *c.Recency
	}
	return nil
}

// priceCuts returns the list-price terciles of the catalog: the prices at or below which a third
// and two thirds of the products fall; nil for an empty catalog.
func priceCuts(products map[string]product) []int64 {
	prices := make([]int64, 0, len(products))
	for _, p := range products {
		prices = append(prices, p.price)
	}
	if len(prices) == 0 {
		return nil
	}
	slices.Sort(prices)
	at := func(k int) int64 { return prices[(k*len(prices)+2)/3-1] }
	return []int64{at(1), at(2)}
}

// finite reports whether v is a usable model output.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
