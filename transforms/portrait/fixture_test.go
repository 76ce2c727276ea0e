package portrait

import (
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
)

// The hand-built person of the tests, as of Saturday 2026-11-21 in Asia/Shanghai. Expected
// figures are worked out by hand in the tests that use it.

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a Shanghai wall-clock time "2006-01-02 15:04" in UTC micros.
func at(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

var testProducts = map[string]product{
	"SKU1": {category: "beauty", brand: "Acme", price: 5000},
	"SKU2": {category: "books", brand: "Pages", price: 2000},
	"SKU3": {category: "beauty", brand: "Lumi", price: 12000},
}

func testEnv(t testing.TB) *env {
	t.Helper()
	e, err := newEnv(Config{Date: "2026-11-21"}.withDefaults(), testProducts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fact adds itself to an accumulator and reports whether it was used.
type fact func(a *Acc, e *env) bool

func spine(p schemas.Person) fact {
	return func(a *Acc, e *env) bool { a.AddPerson(p); return true }
}
func user(u schemas.User) fact { return func(a *Acc, e *env) bool { return a.AddUser(u, e) } }
func order(o schemas.Order, lines ...schemas.OrderItem) fact {
	return func(a *Acc, e *env) bool { return a.AddOrder(o, lines, e) }
}
func event(ev schemas.Event) fact { return func(a *Acc, e *env) bool { return a.AddEvent(ev, e) } }
func touch(t schemas.Touch) fact  { return func(a *Acc, e *env) bool { return a.AddTouch(t, e) } }
func vendor(v schemas.VendorProfile) fact {
	return func(a *Acc, e *env) bool { return a.AddVendor(v, e) }
}
func review(r schemas.Review, p float64) fact {
	return func(a *Acc, e *env) bool { return a.AddReview(r, Text{Scored: true, Positive: p}, e) }
}
func ticket(tk schemas.Ticket, t Text) fact {
	return func(a *Acc, e *env) bool { return a.AddTicket(tk, t, e) }
}
func post(p schemas.SitePost, s float64) fact {
	return func(a *Acc, e *env) bool { return a.AddPost(p, Text{Scored: true, Positive: s}, e) }
}

func line(sku string, qty int32, amount int64) schemas.OrderItem {
	return schemas.OrderItem{SKU: sku, Quantity: qty, AmountFen: amount}
}

func ev(typ, sku, channel, session, when string) schemas.Event {
	return schemas.Event{
		EventType: typ,
		SKU:       sku,
		Channel:   channel,
		SessionID: session,
		EventTime: at(when),
		UserID:    "u1",
	}
}

func tc(channel, campaign, action, when string) schemas.Touch {
	return schemas.Touch{
		TouchID:    channel + campaign + action,
		UserID:     "u1",
		Channel:    channel,
		CampaignID: campaign,
		Action:     action,
		TouchTime:  at(when),
	}
}

// richFacts are the facts of the rich person, and how many of them are after the as-of day.
func richFacts() ([]fact, int) {
	facts := []fact{
		user(
			schemas.User{
				UserID:           "u1",
				PhoneMasked:      "138****0001",
				Gender:           "female",
				BirthYear:        1990,
				City:             "杭州",
				Province:         "浙江",
				MarketingConsent: true,
				RegisteredAt:     at("2025-03-01 09:00"),
				UpdatedAt:        at("2026-01-01 09:00"),
			},
		),
		user(
			schemas.User{
				UserID:           "u2",
				PhoneMasked:      "139****0002",
				City:             "上海",
				MarketingConsent: true,
				RegisteredAt:     at("2025-06-01 09:00"),
				UpdatedAt:        at("2026-06-01 09:00"),
			},
		),
		vendor(
			schemas.VendorProfile{
				Vendor:     "acme",
				PhoneMD5:   "m1",
				AgeBand:    "25-34",
				CityTier:   2,
				IncomeBand: "middle",
				Interests:  []string{"美妆", "旅行"},
				UpdatedAt:  at("2026-10-01 10:00"),
			},
		),
		vendor(
			schemas.VendorProfile{
				Vendor:    "beta",
				PhoneMD5:  "m1",
				CityTier:  1,
				Interests: []string{"旅行", "数码"},
				UpdatedAt: at("2026-11-01 10:00"),
			},
		),

		order(
			schemas.Order{
				OrderID:     "o1",
				Status:      "paid",
				Channel:     "web",
				CreatedAt:   at("2026-11-01 10:00"),
				PaidAt:      at("2026-11-01 10:00"),
				TotalFen:    10000,
				DiscountFen: 500,
				CouponCode:  "C1",
			},
			line("SKU1", 2, 8000),
			line("SKU2", 1, 2000),
		),
		order(
			schemas.Order{
				OrderID:   "o2",
				Status:    "completed",
				Channel:   "app",
				CreatedAt: at("2026-11-15 21:00"),
				PaidAt:    at("2026-11-15 21:00"),
				TotalFen:  5000,
				RefundFen: 1000,
			},
			line("SKU3", 1, 5000),
		),
		order(
			schemas.Order{
				OrderID:   "o3",
				Status:    "completed",
				Channel:   "app",
				CreatedAt: at("2026-11-15 22:30"),
				PaidAt:    at("2026-11-15 22:30"),
				TotalFen:  3000,
			},
		),
		order(
			schemas.Order{
				OrderID:   "o4",
				Status:    "cancelled",
				Channel:   "app",
				CreatedAt: at("2026-11-20 09:00"),
				TotalFen:  7000,
			},
		),
		order(
			schemas.Order{
				OrderID:   "o5",
				Status:    "paid",
				Channel:   "app",
				CreatedAt: at("2026-11-22 09:00"),
				PaidAt:    at("2026-11-22 09:00"),
				TotalFen:  9000,
			},
		),

		event(ev("view", "SKU1", "web", "s1", "2026-11-20 23:30")),
		event(ev("cart", "SKU3", "app", "s2", "2026-11-20 23:45")),
		event(ev("view", "SKU2", "app", "s2", "2026-09-01 01:00")),
		event(ev("favourite", "SKU1", "app", "s3", "2026-11-21 00:10")),
		event(ev("view", "SKU1", "app", "s4", "2026-11-22 00:10")),

		touch(tc("push", "C1", "send", "2026-11-18 20:00")),
		touch(tc("push", "C1", "deliver", "2026-11-18 20:01")),
		touch(tc("push", "C1", "open", "2026-11-19 23:00")),
		touch(tc("sms", "C2", "send", "2026-11-10 10:00")),
		touch(tc("email", "C3", "send", "2026-11-12 10:00")),
		touch(tc("email", "C3", "bounce", "2026-11-12 10:01")),
		touch(tc("email", "C4", "send", "2026-10-01 10:00")),
		touch(tc("sms", "C2", "click", "2026-11-20 23:10")),
		touch(tc("email", "", "unsubscribe", "2026-11-13 08:00")),

		review(
			schemas.Review{ReviewID: "r1", Rating: 5, Text: "好", CreatedAt: at("2026-11-02 10:00")},
			0.9,
		),
		review(
			schemas.Review{ReviewID: "r2", Rating: 2, Text: "差", CreatedAt: at("2026-11-16 10:00")},
			0.2,
		),
		ticket(
			schemas.Ticket{
				TicketID:  "k1",
				Category:  "complaint",
				Status:    "open",
				CreatedAt: at("2026-11-17 10:00"),
			},
			Text{Scored: true, Positive: 0.3},
		),
		ticket(
			schemas.Ticket{
				TicketID:  "k2",
				Category:  "inquiry",
				Status:    "closed",
				CreatedAt: at("2026-11-03 10:00"),
			},
			Text{},
		),
		post(schemas.SitePost{PostID: "p1", Rating: 4, PostedAt: at("2026-11-05 10:00")}, 0.8),
	}
	return facts, 2 // o5 and the last view
}

// accOf adds facts to a fresh accumulator.
func accOf(t testing.TB, e *env, facts []fact) *Acc {
	t.Helper()
	a := &Acc{}
	for _, f := range facts {
		f(a, e)
	}
	return a
}
