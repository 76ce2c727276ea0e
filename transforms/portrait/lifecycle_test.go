package portrait

import (
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

func paid(day string, fen int64) fact {
	return order(
		schemas.Order{
			Status:    "completed",
			Channel:   "app",
			CreatedAt: at(day + " 12:00"),
			PaidAt:    at(day + " 12:00"),
			TotalFen:  fen,
		},
	)
}

func TestLifecycle(t *testing.T) {
	e := testEnv(t) // as of 2026-11-21; defaults: interested 90 days, churn 90 / dormant 180 days,
	// P(alive) 0.5 / 0.2, loyal 3 purchase days in 365
	model := &ModelCard{BGNBD: &clv.BGNBD{R: 0.5, Alpha: 10, A: 0.8, B: 2.5}}
	degenerate := &ModelCard{BGNBD: &clv.BGNBD{R: 0.01, Alpha: 50, A: 5, B: 1e-6}}
	cases := []struct {
		name  string
		facts []fact
		card  *ModelCard
		want  string
	}{
		{
			"vendor only",
			[]fact{
				vendor(
					schemas.VendorProfile{
						Vendor:    "v",
						AgeBand:   "25-34",
						UpdatedAt: at("2026-01-01 10:00"),
					},
				),
			},
			nil,
			Unaware,
		},
		{
			"review-site post only",
			[]fact{post(schemas.SitePost{PostID: "p", PostedAt: at("2026-11-01 10:00")}, 0.5)},
			nil,
			Unaware,
		},
		{
			"anonymous visit",
			[]fact{
				event(
					schemas.Event{
						EventType:   "view",
						Channel:     "web",
						AnonymousID: "c",
						EventTime:   at("2026-11-01 10:00"),
					},
				),
			},
			nil,
			Aware,
		},
		{"account, no visit", []fact{spine(schemas.Person{Accounts: 1})}, nil, Aware},
		{
			"unpaid order",
			[]fact{order(schemas.Order{Status: "created", CreatedAt: at("2026-11-01 10:00")})},
			nil,
			Aware,
		},
		{
			"recent favourite",
			[]fact{event(ev("favourite", "SKU1", "app", "", "2026-10-01 10:00"))},
			nil,
			Interested,
		},
		{"old cart", []fact{event(ev("cart", "SKU1", "app", "", "2026-07-01 10:00"))}, nil, Aware},
		{"one purchase", []fact{paid("2026-11-01", 100)}, model, FirstPurchase},
		{"one purchase 100 days ago", []fact{paid("2026-08-13", 100)}, model, ChurnRisk},
		{"one purchase 200 days ago", []fact{paid("2026-05-05", 100)}, model, Dormant},
		{
			"two purchase days",
			[]fact{paid("2026-11-01", 100), paid("2026-11-15", 100)},
			model,
			Repeat,
		},
		{
			"three purchase days within a year",
			[]fact{paid("2026-01-10", 100), paid("2026-06-01", 100), paid("2026-11-15", 100)},
			model,
			Loyal,
		},
		// x=1, recency 10, T 200: P(alive) = 1/(1+exp(1.5 ln(210/20) + ln(0.32))) = 0.09, below 0.2.
		{
			"repeat buyer gone quiet",
			[]fact{paid("2026-05-05", 100), paid("2026-05-15", 100)},
			model,
			Dormant,
		},
		// x=1, recency 10, T 40: P(alive) = 1/(1+exp(1.5 ln(50/20) + ln(0.32))) = 0.41, below 0.5, but
		// the last purchase is 30 days old, within churn_risk_days: never lapsing.
		{
			"repeat buyer, recent",
			[]fact{paid("2026-10-12", 100), paid("2026-10-22", 100)},
			model,
			Repeat,
		},
		// x=1, recency 60, T 152: P(alive) = 1/(1+exp(1.5 ln(162/70) + ln(0.32))) = 0.47, 92 days on.
		{
			"repeat buyer slipping",
			[]fact{paid("2026-06-22", 100), paid("2026-08-21", 100)},
			model,
			ChurnRisk,
		},
		// A degenerate fit gives every repeat buyer a P(alive) near 0: one who bought 3 days ago
		// is still no lapsing buyer.
		{
			"repeat buyer, degenerate model",
			[]fact{paid("2026-10-01", 100), paid("2026-11-18", 100)},
			degenerate,
			Repeat,
		},
		// Without a model, the days rules apply to repeat buyers too.
		{
			"repeat buyer, no model",
			[]fact{paid("2026-05-05", 100), paid("2026-05-15", 100)},
			nil,
			Dormant,
		},
	}
	for _, c := range cases {
		a := accOf(t, e, c.facts)
		if got := a.Finish("P", c.card, e).Lifecycle; got != c.want {
			t.Errorf("%s: lifecycle %s, want %s", c.name, got, c.want)
		}
	}
}
