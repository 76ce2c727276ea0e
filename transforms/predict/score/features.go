package score

import (
	"math"

	"github.com/shopportraits/portraits/schemas"
)

// FeatureNames names the values Features returns, in order. Every one reads a portrait field
// that the portrait stage computes from facts up to its as-of day and measures relative to it, so
// Features is the same function on today's portraits and on the cutoff's. A null field gives 0
// and its has_ indicator 0 (has_orders covers every field that is null exactly without orders).
// Money, sessions and order counts are heavy-tailed: they enter as ln(1+x).
//
// Left out on purpose, because they do not describe the as-of day: accounts (tonight's spine,
// not as-of filtered), refund_rate and net_gmv_fen (the orders table holds each order's latest
// state, so a refund made after the cutoff would show in the cutoff portrait), open_complaints
// (tickets' latest status), marketing_consent (accounts' latest consent), lifecycle, scores and
// tags (rules over the fields already here), and the predictions themselves.
var FeatureNames = []string{
	"frequency",                // repeat purchase days (lifetimes' frequency)
	"recency_days",             // first to last purchase day
	"t_days",                   // first purchase day to the as-of day (lifetimes' T)
	"log1p_monetary_value_fen", // ln(1 + mean spend per repeat purchase day, fen)
	"log1p_orders",             // ln(1 + paid orders)
	"log1p_gmv_fen",            // ln(1 + amount paid, fen)
	"has_orders",               // 1 with a paid order, else 0
	"days_since_last_order",    // business days since the last paid order; 0 without orders
	"has_seen",                 // 1 when an event or order was ever seen, else 0
	"days_since_last_seen",     // business days since the last event or order; 0 when never seen
	"active_days_7d",           // business days with an event or order in the last 7 days
	"active_days_30d",          // ... in the last 30 days
	"active_days_90d",          // ... in the last 90 days
	"log1p_sessions",           // ln(1 + distinct clickstream sessions)
	"touches_received_30d",     // marketing messages delivered (or sent) in the last 30 days
	"touches_opened_30d",       // ... opened or clicked in the last 30 days
	"touches_opened_7d",        // ... opened or clicked in the last 7 days
	"has_p_alive",              // 1 when BG/NBD gave P(alive) (a buyer, with a model fitted), else 0
	"p_alive",                  // BG/NBD P(alive); 0 when null
	"expected_purchases_30d",   // BG/NBD expected purchase days in 30 days; 0 when null
	"discount_order_share",     // share of paid orders with a discount; 0 without orders
	"coupon_order_share",       // share of paid orders with a coupon; 0 without orders
	"has_account",              // 1 when an account was registered by the as-of day, else 0
	"reviews",                  // product reviews written
}

// Features returns a portrait's feature vector, in the order of FeatureNames. Every value is
// finite: a non-finite field (which the portrait stage never writes) counts as null.
func Features(p schemas.Portrait) []float64 {
	x := []float64{
		p.Frequency,
		p.RecencyDays,
		p.TDays,
		log1p(p.MonetaryValueFen),
		log1p(float64(p.Orders)),
		log1p(float64(p.GMVFen)),
		indicator(p.Orders > 0),
		orZero(p.DaysSinceLastOrder),
		indicator(p.DaysSinceLastSeen != nil),
		orZero(p.DaysSinceLastSeen),
		float64(p.ActiveDays7d),
		float64(p.ActiveDays30d),
		float64(p.ActiveDays90d),
		log1p(float64(p.Sessions)),
		float64(p.TouchesReceived30d),
		float64(p.TouchesOpened30d),
		float64(p.TouchesOpened7d),
		indicator(p.PAlive != nil && finite(*p.PAlive)),
		orZero(p.PAlive),
		orZero(p.ExpectedPurchases30d),
		orZero(p.DiscountOrderShare),
		orZero(p.CouponOrderShare),
		indicator(p.RegisteredAt != 0),
		float64(p.Reviews),
	}
	for j, v := range x {
		if !finite(v) {
			x[j] = 0
		}
	}
	return x
}

// Present reports whether a portrait holds a trace of any fact: an account registered, an event
// or order seen, a paid order, a review, ticket or review-site post, a marketing touch, or a
// vendor attribute. A cutoff portrait without one describes a person who did not exist yet at the
// cutoff (the spine is tonight's, so every person has a cutoff portrait): such persons are no
// training rows, though today's portraits score them.
func Present(p schemas.Portrait) bool {
	return p.RegisteredAt != 0 || p.LastSeenAt != 0 || p.Orders > 0 || p.Reviews > 0 ||
		p.Tickets > 0 ||
		p.SitePosts > 0 || p.TouchesReceived30d > 0 || p.TouchesOpened30d > 0 ||
		p.BestContactWeekday != 0 ||
		p.Unsubscribed || p.AgeBandSource != "" || p.CityTierSource != "" ||
		p.IncomeBandSource != "" ||
		len(p.VendorInterests) > 0
}

// Buyer reports whether the portrait's person has a paid order: the population of the churn model
// and of the churn_risk column.
func Buyer(p schemas.Portrait) bool { return p.Orders > 0 }

func log1p(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	return math.Log1p(v)
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// orZero is *v as a float64, 0 when v is nil.
func orZero[T int32 | float64](v *T) float64 {
	if v == nil {
		return 0
	}
	return float64(*v)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
