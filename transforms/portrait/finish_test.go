package portrait

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// testCard is a model card with hand-set models and cut points.
func testCard() *ModelCard {
	return &ModelCard{
		BGNBD:         &clv.BGNBD{R: 0.5, Alpha: 10, A: 0.8, B: 2.5},
		GammaGamma:    &clv.GammaGamma{P: 6, Q: 4, V: 15000},
		RecencyCuts:   []int64{2, 5, 10, 30},
		FrequencyCuts: []int64{1, 1, 1, 2},
		MonetaryCuts:  []int64{5000, 10000, 15000, 30000},
		PriceCuts:     []int64{2000, 5000},
	}
}

// samePortrait compares every field, floats within 1e-9, and names the ones that differ.
func samePortrait(t *testing.T, got, want schemas.Portrait) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < g.NumField(); i++ {
		name := g.Type().Field(i).Name
		gf, wf := g.Field(i), w.Field(i)
		if gf.Kind() == reflect.Pointer && !gf.IsNil() && !wf.IsNil() {
			gf, wf = gf.Elem(), wf.Elem()
		}
		if gf.Kind() == reflect.Float64 {
			if math.Abs(gf.Float()-wf.Float()) > 1e-9 {
				t.Errorf("%s = %v, want %v", name, gf.Float(), wf.Float())
			}
			continue
		}
		if !reflect.DeepEqual(gf.Interface(), wf.Interface()) {
			t.Errorf("%s = %v, want %v", name, show(gf), show(wf))
		}
	}
}

func show(v reflect.Value) any {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return v.Elem().Interface()
	}
	return v.Interface()
}

func TestFinishRichPerson(t *testing.T) {
	e := testEnv(t)
	facts, late := richFacts()
	a := &Acc{}
	unused := 0
	for _, f := range facts {
		if !f(a, e) {
			unused++
		}
	}
	if unused != late {
		t.Errorf("%d facts unused, want the %d after the as-of day", unused, late)
	}
	a.AddPerson(schemas.Person{PersonID: "P1", Accounts: 2})
	card := testCard()
	got := a.Finish("P1", card, e)

	// Lifetime figures as clv computes them from the summary (1, 14, 20, 8000) in days.
	s := clv.Summary{Frequency: 1, Recency: 14, T: 20, MonetaryValue: 8000}
	bg := *card.BGNBD
	clv12 := int64(math.Round(clv.CustomerLifetimeValue(bg, *card.GammaGamma, s, 12, 0.01, 30)))
	want := schemas.Portrait{
		PersonID: "P1", PhoneMasked: "139****0002", Accounts: 2, MarketingConsent: true,
		Gender: "female", BirthYear: 1990, AgeBand: "35-44", AgeBandSource: "platform",
		City: "上海", Province: "浙江", CityTier: 1, CityTierSource: "beta",
		IncomeBand: "middle", IncomeBandSource: "acme", VendorInterests: []string{"数码", "旅行", "美妆"},
		RegisteredAt: at("2025-03-01 09:00"),

		Orders: 3, Items: 4, GMVFen: 18000, NetGMVFen: 17000,
		AvgOrderValueFen: ptr(int64(6000)), RefundRate: ptr(1.0 / 18),
		DiscountOrderShare: ptr(
			1.0 / 3,
		), CouponOrderShare: ptr(1.0 / 3), FirstOrderAt: at("2026-11-01 10:00"),
		LastOrderAt: at("2026-11-15 22:30"), DaysSinceLastOrder: ptr(int32(6)),

		Frequency: 1, RecencyDays: 14, TDays: 20, MonetaryValueFen: 8000,
		RScore: 3, FScore: 4, MScore: 4, RFMCell: "344",

		TopCategories: []string{
			"beauty",
			"books",
		}, TopBrands: []string{"Lumi", "Acme", "Pages"}, PriceBand: "mid",

		PreferredChannel: "app", BestContactWeekday: 5, BestContactHour: ptr(int32(23)),
		TouchesReceived7d: 1, TouchesOpened7d: 2, TouchesReceived30d: 2, TouchesOpened30d: 2,
		Unsubscribed: true,

		ActiveDays7d: 3, ActiveDays30d: 4, ActiveDays90d: 5, Sessions: 3,
		LastSeenAt: at("2026-11-21 00:10"), DaysSinceLastSeen: ptr(int32(0)),

		Lifecycle: "repeat",

		Reviews: 2, AvgRating: 11.0 / 3, Sentiment: ptr(0.55), NegativeTexts: 2,
		Tickets: 2, OpenComplaints: 1, SitePosts: 1,

		PAlive: ptr(
			bg.ProbAlive(1, 14, 20),
		), ExpectedPurchases30d: ptr(bg.ExpectedPurchases(30, 1, 14, 20)),
		ExpectedPurchases90d: ptr(bg.ExpectedPurchases(90, 1, 14, 20)), CLV12mFen: &clv12,

		Tags: []string{
			"cart_abandoner",
			"complainer",
			"new_customer",
			"night_owl",
			"weekend_shopper",
		},

		CancelledOrders: 1, RefundedOrders: 1, Disputes: 1,
	}
	samePortrait(t, got, want)
	// By hand: logit of 1 - P(alive) = 1.5 ln(30/24) + ln(0.8/2.5), so P(alive) = 0.691.
	if p := *got.PAlive; math.Abs(p-0.6908) > 1e-3 {
		t.Errorf("P(alive) = %v, hand-computed 0.691", p)
	}
	for _, tag := range got.Tags {
		if !strings.Contains(strings.Join(Tags, " "), tag) {
			t.Errorf("tag %q is not listed in Tags", tag)
		}
	}
}

func TestFinishPersonWithoutFacts(t *testing.T) {
	e := testEnv(t)
	got := (&Acc{}).Finish("P9", nil, e)
	want := schemas.Portrait{PersonID: "P9", Lifecycle: "unaware", VendorInterests: []string{}}
	samePortrait(t, got, want)
}

// TestPrecedence checks platform over vendor and recent over old, with ties broken by account id.
func TestPrecedence(t *testing.T) {
	e := testEnv(t)
	when := at("2026-05-01 10:00")
	a := accOf(t, e, []fact{
		vendor(
			schemas.VendorProfile{
				Vendor:     "old",
				AgeBand:    "18-24",
				IncomeBand: "low",
				CityTier:   3,
				UpdatedAt:  at("2026-01-01 10:00"),
			},
		),
		vendor(
			schemas.VendorProfile{
				Vendor:    "new",
				AgeBand:   "45-54",
				UpdatedAt: at("2026-09-01 10:00"),
			},
		),
		user(
			schemas.User{
				UserID:       "a",
				City:         "北京",
				Gender:       "male",
				RegisteredAt: when,
				UpdatedAt:    when,
			},
		),
		user(
			schemas.User{
				UserID:           "b",
				City:             "天津",
				RegisteredAt:     when,
				UpdatedAt:        when,
				MarketingConsent: true,
			},
		),
	})
	p := a.Finish("P", nil, e)
	// No birth year on any account: the most recent vendor's band; tier and income from the only
	// vendor that states them; the tie between accounts a and b goes to the larger id.
	if p.AgeBand != "45-54" || p.AgeBandSource != "new" || p.CityTier != 3 ||
		p.CityTierSource != "old" ||
		p.IncomeBand != "low" ||
		p.City != "天津" ||
		p.Gender != "male" ||
		p.MarketingConsent {
		t.Errorf("got %+v", p)
	}
	a.AddUser(
		schemas.User{
			UserID:       "c",
			BirthYear:    2010,
			RegisteredAt: when,
			UpdatedAt:    at("2020-01-01 10:00"),
		},
		e,
	)
	if p := a.Finish("P", nil, e); p.AgeBand != "0-17" || p.AgeBandSource != "platform" ||
		p.BirthYear != 2010 {
		t.Errorf(
			"a platform birth year, however old, wins over the vendor: %s from %s",
			p.AgeBand,
			p.AgeBandSource,
		)
	}
}

func TestPriceBandAndScoresNeedTheCard(t *testing.T) {
	e := testEnv(t)
	a := accOf(
		t,
		e,
		[]fact{
			order(
				schemas.Order{Status: "paid", CreatedAt: at("2026-11-20 10:00"), TotalFen: 100},
				line("SKU1", 1, 100),
			),
		},
	)
	p := a.Finish("P", &ModelCard{}, e)
	if p.PriceBand != "" || p.RScore != 0 || p.RFMCell != "" || p.PAlive != nil ||
		p.CLV12mFen != nil {
		t.Errorf("without cut points or models: %+v", p)
	}
	card := testCard()
	card.GammaGamma = nil
	p = a.Finish("P", card, e)
	if p.PriceBand != "low" || p.RScore != 5 || p.FScore != 1 || p.MScore != 1 ||
		p.RFMCell != "511" ||
		p.PAlive == nil ||
		*p.PAlive != 1 ||
		p.CLV12mFen != nil {
		t.Errorf("one purchase of 100 fen yesterday, without a spend model: %+v", p)
	}
}

// TestPurchaseDayIsPlacementDay dates a purchase by the day the order was placed, as analysts and
// lifetimes do: an order placed late on Thursday 2026-11-19 and paid after midnight is a purchase
// of the 19th (two days before the as-of day, T counted from it), not of the 20th.
func TestPurchaseDayIsPlacementDay(t *testing.T) {
	e := testEnv(t)
	a := &Acc{}
	first := schemas.Order{
		OrderID:   "o1",
		UserID:    "u1",
		Status:    "paid",
		CreatedAt: at("2026-11-10 12:00"),
		PaidAt:    at("2026-11-10 12:05"),
		TotalFen:  1000,
	}
	late := schemas.Order{
		OrderID:   "o2",
		UserID:    "u1",
		Status:    "completed",
		CreatedAt: at("2026-11-19 23:50"),
		PaidAt:    at("2026-11-20 00:10"),
		TotalFen:  3000,
	}
	a.AddOrder(first, nil, e)
	a.AddOrder(late, nil, e)
	got := a.Finish("P1", nil, e)
	if got.RecencyDays != 9 || got.TDays != 11 || *got.DaysSinceLastOrder != 2 ||
		got.LastOrderAt != late.CreatedAt {
		t.Errorf(
			"recency %v, T %v, days since last order %v, last order at %v; want 9, 11, 2 and the placement",
			got.RecencyDays,
			got.TDays,
			*got.DaysSinceLastOrder,
			got.LastOrderAt,
		)
	}
}

// TestPurchaseTimePaid dates purchases by payment when the config says paid_at, and leaves an
// order placed by the as-of day but paid after it out of that day's purchases, as pending.
func TestPurchaseTimePaid(t *testing.T) {
	e, err := newEnv(
		Config{Date: "2026-11-21", PurchaseTime: PurchasePaid}.withDefaults(),
		testProducts,
	)
	if err != nil {
		t.Fatal(err)
	}
	a := &Acc{}
	a.AddOrder(
		schemas.Order{
			OrderID:   "o1",
			Status:    "paid",
			CreatedAt: at("2026-11-10 12:00"),
			PaidAt:    at("2026-11-10 12:05"),
			TotalFen:  1000,
		},
		nil,
		e,
	)
	a.AddOrder(
		schemas.Order{
			OrderID:   "o2",
			Status:    "paid",
			CreatedAt: at("2026-11-19 23:50"),
			PaidAt:    at("2026-11-20 00:10"),
			TotalFen:  3000,
		},
		nil,
		e,
	)
	if got := a.Finish("P1", nil, e); got.RecencyDays != 10 || *got.DaysSinceLastOrder != 1 {
		t.Errorf(
			"paid_at: recency %v, days since last order %v; want 10 and 1",
			got.RecencyDays,
			*got.DaysSinceLastOrder,
		)
	}
	cutoff, err := newEnv(
		Config{Date: "2026-11-21", AsOf: "2026-11-19"}.withDefaults(),
		testProducts,
	)
	if err != nil {
		t.Fatal(err)
	}
	b := &Acc{}
	b.AddOrder(
		schemas.Order{
			OrderID:   "o2",
			Status:    "paid",
			CreatedAt: at("2026-11-19 23:50"),
			PaidAt:    at("2026-11-20 00:10"),
			TotalFen:  3000,
		},
		nil,
		cutoff,
	)
	if got := b.Finish("P1", nil, cutoff); got.Orders != 0 || b.pending != 1 ||
		got.LastSeenAt != at("2026-11-19 23:50") {
		t.Errorf(
			"as of the 19th: %d orders, %d pending, last seen %v; want 0, 1 and the placement",
			got.Orders,
			b.pending,
			got.LastSeenAt,
		)
	}
}

// TestRegisteredAtDefaultsToTheFirstRecord: accounts that state no registration time register the
// person at their first event or order.
func TestRegisteredAtDefaultsToTheFirstRecord(t *testing.T) {
	e := testEnv(t)
	a := &Acc{}
	a.AddUser(schemas.User{UserID: "u1"}, e)
	a.AddEvent(
		schemas.Event{
			EventID:   "e1",
			UserID:    "u1",
			EventType: "view",
			EventTime: at("2026-11-12 08:00"),
		},
		e,
	)
	a.AddOrder(
		schemas.Order{OrderID: "o1", Status: "created", CreatedAt: at("2026-11-03 10:00")},
		nil,
		e,
	)
	if got := a.Finish("P1", nil, e); got.RegisteredAt != at("2026-11-03 10:00") {
		t.Errorf("registered at %v, want the first order's placement", got.RegisteredAt)
	}
	a.AddUser(schemas.User{UserID: "u2", RegisteredAt: at("2026-10-01 10:00")}, e)
	if got := a.Finish("P1", nil, e); got.RegisteredAt != at("2026-10-01 10:00") {
		t.Errorf("registered at %v, want the account's registration", got.RegisteredAt)
	}
}
