package propensity

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// FeatureNames names the columns of Dataset.X, in order. Purchases are
// counted in purchase days (several purchases on one calendar day are one,
// as in the RFM summary); spend sums amounts. Times are in days unless said
// otherwise.
var FeatureNames = []string{
	"frequency",       // repeat purchase days up to the cutoff (lifetimes' frequency)
	"recency",         // first to last purchase day, in model units (lifetimes' recency)
	"T",               // first purchase day to the cutoff, in model units (lifetimes' T)
	"monetary_value",  // mean spend per repeat purchase day (lifetimes' monetary_value)
	"days_since_last", // last purchase day to the cutoff
	"purchases_30d",   // purchase days in the 30 days up to the cutoff
	"spend_30d",       // spend in those days
	"purchases_90d",   // purchase days in the 90 days up to the cutoff
	"spend_90d",       // spend in those days
	"bgnbd_p_alive",   // BG/NBD P(alive) at the cutoff
	"bgnbd_expected",  // BG/NBD expected purchases in the horizon
}

// FeatureOptions are the settings of Features.
type FeatureOptions struct {
	// UnitDays is the BG/NBD time unit in days (lifetimes'
	// freq_multiplier), e.g. 7 for weeks; it also gives recency and T their
	// unit.
	UnitDays float64
	// Penalizer is the BG/NBD fit's L2 penalizer (lifetimes'
	// penalizer_coef), 0 for none.
	Penalizer float64
}

// Dataset is one row per customer with a purchase up to the cutoff, sorted
// by customer id.
type Dataset struct {
	// Customers are the customer ids.
	Customers []string
	// Names names the columns of X (FeatureNames).
	Names []string
	// X holds each customer's features as of the cutoff.
	X [][]float64
	// Labels says whether the customer bought in the horizon after the cutoff.
	Labels []bool
	// Baseline is BG/NBD's probability of at least one purchase in the
	// horizon (ProbPurchase), the baseline for the learned model.
	Baseline []float64
	// BGNBD is the model fitted on the purchases up to the cutoff.
	BGNBD clv.BGNBD
}

// Features builds point-in-time features and labels from transactions.
// Features use only purchases on or before the cutoff's calendar day, and
// the BG/NBD model behind bgnbd_* and Baseline is fitted on those alone
// (over every customer, whatever part of the data they later fall in: the
// fit sees no label). A label is true when the customer bought on one of
// the horizonDays calendar days after the cutoff. Calendar days are taken
// in each time's own location, as clv.Summarize does.
func Features(
	tx []clv.Transaction,
	cutoff time.Time,
	horizonDays int,
	opt FeatureOptions,
) (*Dataset, error) {
	if horizonDays < 1 {
		return nil, fmt.Errorf("horizon of %d days: must be at least 1", horizonDays)
	}
	if !(opt.UnitDays > 0) || math.IsInf(opt.UnitDays, 0) {
		return nil, fmt.Errorf("unit of %v days: must be positive", opt.UnitDays)
	}
	cut := civilDay(cutoff)
	sum := clv.Summarize(tx, cutoff, opt.UnitDays)
	if len(sum) == 0 {
		return nil, fmt.Errorf(
			"no purchase on or before the cutoff %s",
			cutoff.Format(time.DateOnly),
		)
	}
	bg, err := clv.FitBGNBD(sum, opt.Penalizer)
	if err != nil {
		return nil, fmt.Errorf(
			"fitting BG/NBD on the purchases up to %s: %w",
			cutoff.Format(time.DateOnly),
			err,
		)
	}
	days := purchaseDays(tx, cut, int64(horizonDays))
	h := float64(horizonDays) / opt.UnitDays
	ds := &Dataset{Names: slices.Clone(FeatureNames), BGNBD: bg}
	for _, s := range sum {
		w := window(days[s.Customer], cut)
		row := []float64{
			s.Frequency, s.Recency, s.T, s.MonetaryValue,
			w.daysSinceLast,
			w.purchases30, w.spend30, w.purchases90, w.spend90,
			bg.ProbAlive(s.Frequency, s.Recency, s.T),
			bg.ExpectedPurchases(h, s.Frequency, s.Recency, s.T),
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf(
					"customer %s: feature %s is %v (BG/NBD %+v)",
					s.Customer,
					FeatureNames[j],
					v,
					bg,
				)
			}
		}
		ds.Customers = append(ds.Customers, s.Customer)
		ds.X = append(ds.X, row)
		ds.Labels = append(ds.Labels, w.label)
		ds.Baseline = append(ds.Baseline, ProbPurchase(bg, h, s.Frequency, s.Recency, s.T))
	}
	return ds, nil
}

// dayTotal is one calendar day's spend of one customer.
type dayTotal struct {
	day   int64
	spend float64
}

// purchaseDays returns each customer's purchase days up to cut+horizon, in
// day order, with the day's spend.
func purchaseDays(tx []clv.Transaction, cut, horizon int64) map[string][]dayTotal {
	perDay := map[string]map[int64]float64{}
	for _, t := range tx {
		d := civilDay(t.Time)
		if d > cut+horizon {
			continue
		}
		m := perDay[t.Customer]
		if m == nil {
			m = map[int64]float64{}
			perDay[t.Customer] = m
		}
		m[d] += t.Amount
	}
	out := make(map[string][]dayTotal, len(perDay))
	for c, m := range perDay {
		days := make([]dayTotal, 0, len(m))
		for d, s := range m {
			days = append(days, dayTotal{d, s})
		}
		sort.Slice(days, func(i, j int) bool { return days[i].day < days[j].day })
		out[c] = days
	}
	return out
}

// windowed are a customer's recent activity before the cutoff and label.
type windowed struct {
	daysSinceLast                              float64
	purchases30, spend30, purchases90, spend90 float64
	label                                      bool
}

// window sums the purchase days in the 30 and 90 days up to cut, counts the
// days from the last purchase day on or before cut to cut, and says whether
// any purchase day falls after cut. days must be in day order.
func window(days []dayTotal, cut int64) windowed {
	var w windowed
	for _, d := range days {
		if d.day <= cut {
			w.daysSinceLast = float64(cut - d.day)
		}
		switch {
		case d.day > cut:
			w.label = true
		case d.day > cut-30:
			w.purchases30++
			w.spend30 += d.spend
			fallthrough
		case d.day > cut-90:
			w.purchases90++
			w.spend90 += d.spend
		}
	}
	return w
}

// civilDay numbers t's calendar date (in t's location) as days since
// 1970-01-01, as clv.Summarize buckets purchases.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
