package score

import (
	"math"
	"slices"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestFeaturesOfANonBuyerAreZeroWithIndicators(t *testing.T) {
	x := Features(schemas.Portrait{PersonID: "P1"})
	if len(x) != len(FeatureNames) {
		t.Fatalf("%d values for %d names", len(x), len(FeatureNames))
	}
	for j, v := range x {
		if v != 0 {
			t.Errorf("%s = %v for an empty portrait, want 0", FeatureNames[j], v)
		}
	}
}

func TestFeaturesOfABuyer(t *testing.T) {
	since, seen := int32(12), int32(3)
	pa, ex, share := 0.8, 0.4, 0.5
	p := schemas.Portrait{
		PersonID:             "P1",
		Frequency:            2,
		RecencyDays:          40,
		TDays:                52,
		MonetaryValueFen:     9999,
		Orders:               4,
		GMVFen:               30000,
		DaysSinceLastOrder:   &since,
		DaysSinceLastSeen:    &seen,
		LastSeenAt:           1,
		ActiveDays7d:         1,
		ActiveDays30d:        5,
		ActiveDays90d:        9,
		Sessions:             6,
		TouchesReceived30d:   7,
		TouchesOpened30d:     2,
		TouchesOpened7d:      1,
		PAlive:               &pa,
		ExpectedPurchases30d: &ex,
		DiscountOrderShare:   &share,
		CouponOrderShare:     &share,
		RegisteredAt:         5,
		Reviews:              2,
	}
	x := Features(p)
	want := map[string]float64{
		"frequency":                2,
		"recency_days":             40,
		"t_days":                   52,
		"log1p_monetary_value_fen": math.Log(10000),
		"log1p_orders": math.Log(
			5,
		),
		"log1p_gmv_fen":          math.Log(30001),
		"has_orders":             1,
		"days_since_last_order":  12,
		"has_seen":               1,
		"days_since_last_seen":   3,
		"active_days_7d":         1,
		"active_days_30d":        5,
		"active_days_90d":        9,
		"log1p_sessions":         math.Log(7),
		"touches_received_30d":   7,
		"touches_opened_30d":     2,
		"touches_opened_7d":      1,
		"has_p_alive":            1,
		"p_alive":                0.8,
		"expected_purchases_30d": 0.4,
		"discount_order_share":   0.5,
		"coupon_order_share":     0.5,
		"has_account":            1,
		"reviews":                2,
	}
	if len(want) != len(FeatureNames) {
		t.Fatalf("the test names %d features of %d", len(want), len(FeatureNames))
	}
	for j, name := range FeatureNames {
		if math.Abs(x[j]-want[name]) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, x[j], want[name])
		}
	}
	nan := math.NaN()
	p.PAlive = &nan
	if x := Features(p); x[featureIndex("has_p_alive")] != 0 || x[featureIndex("p_alive")] != 0 {
		t.Errorf(
			"a NaN P(alive) gives has_p_alive %v, p_alive %v; want null",
			x[featureIndex("has_p_alive")],
			x[featureIndex("p_alive")],
		)
	}
}

// TestFeaturesReadNoLatestStateField: fields that hold a later state than the as-of day (the
// spine's accounts, refunds, ticket status, consent) or that the stage itself writes change no
// feature.
func TestFeaturesReadNoLatestStateField(t *testing.T) {
	base := schemas.Portrait{PersonID: "P1", Orders: 2, GMVFen: 100}
	rate, net := 0.9, int64(-5)
	changed := base
	changed.Accounts, changed.RefundRate, changed.NetGMVFen, changed.OpenComplaints = 3, &rate, net, 2
	changed.MarketingConsent, changed.Lifecycle, changed.Tags = true, "churn_risk", []string{"x"}
	changed.Propensity30d, changed.ChurnRisk, changed.RScore, changed.RFMCell = 0.5, 0.5, 5, "555"
	if a, b := Features(base), Features(changed); !slices.Equal(a, b) {
		t.Errorf("features moved with fields outside the list:\n%v\n%v", a, b)
	}
}

func TestPresent(t *testing.T) {
	if Present(schemas.Portrait{PersonID: "P1", Accounts: 2, Lifecycle: "unaware"}) {
		t.Error("a spine row without facts is present")
	}
	for name, p := range map[string]schemas.Portrait{
		"account": {RegisteredAt: 1}, "seen": {LastSeenAt: 1}, "order": {Orders: 1},
		"review": {Reviews: 1},
		"ticket": {Tickets: 1}, "post": {SitePosts: 1}, "touch": {TouchesReceived30d: 1},
		"engaged":      {BestContactWeekday: 3},
		"unsubscribed": {Unsubscribed: true}, "vendor": {CityTierSource: "acme"},
		"interests": {VendorInterests: []string{"a"}},
	} {
		if !Present(p) {
			t.Errorf("%s: not present", name)
		}
	}
}
