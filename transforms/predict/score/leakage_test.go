package score

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// shanghaiAt is a wall-clock time "2006-01-02 15:04" in Asia/Shanghai, as UTC micros.
func shanghaiAt(s string) int64 {
	loc, err := time.LoadLocation(portrait.DefaultTimezone)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

func featureText(p schemas.Portrait) string { return fmt.Sprint(p.PersonID, " ", Features(p)) }

func rowText(r Row) string {
	return fmt.Sprintf("%s buyer=%v bought=%v", r.PersonID, r.Buyer, r.Bought)
}

type link struct{ Key, Person string }

func linkKV(l link) (string, string) { return l.Key, l.Person }

func accountKey(userID string) string { return identity.Key(identity.Account, userID) }

func init() {
	register.Function1x1(featureText)
	register.Function1x1(rowText)
	register.Function1x2(linkKV)
}

func paidOrder(id, user, paid string, fen int64) schemas.Order {
	return schemas.Order{
		OrderID:   id,
		UserID:    user,
		Status:    "paid",
		Channel:   "app",
		CreatedAt: shanghaiAt(paid),
		PaidAt:    shanghaiAt(paid),
		TotalFen:  fen,
		UpdatedAt: shanghaiAt(paid),
		Source:    "orders",
	}
}

// leakWorld is a small night as of 2026-11-21 (cutoff 2026-10-22, Asia/Shanghai). With extra set,
// it has facts after the cutoff day: an order paid at 07:00 on 2026-10-23 in Shanghai (still
// 2026-10-22 in UTC), the payment after midnight of an order placed on the cutoff day (unpaid
// without extra), an event, an opened touch and a review.
func leakWorld(t *testing.T, s beam.Scope, extra bool) portrait.Inputs {
	placed := paidOrder("o4", "u3", "2026-10-22 22:00", 4000)
	placed.Status, placed.PaidAt = "created", 0
	if extra {
		placed.Status, placed.PaidAt = "paid", shanghaiAt("2026-10-23 00:30")
	}
	orders := []schemas.Order{
		paidOrder("o1", "u1", "2026-09-10 10:00", 5000),
		paidOrder("o2", "u1", "2026-10-22 23:30", 3000),
		paidOrder("o5", "u3", "2026-10-01 12:00", 2000),
		placed,
	}
	events := []schemas.Event{
		{
			EventID:   "e1",
			UserID:    "u1",
			EventType: "view",
			Channel:   "app",
			SessionID: "s1",
			EventTime: shanghaiAt("2026-10-20 10:00"),
			Source:    "events",
		},
		{
			EventID:   "e2",
			UserID:    "u3",
			EventType: "view",
			Channel:   "web",
			SessionID: "s2",
			EventTime: shanghaiAt("2026-10-05 10:00"),
			Source:    "events",
		},
		{
			EventID:   "e3",
			UserID:    "u2",
			EventType: "view",
			Channel:   "web",
			SessionID: "s3",
			EventTime: shanghaiAt("2026-11-05 10:00"),
			Source:    "events",
		}}
	touches := []schemas.Touch{
		{
			TouchID:    "t1",
			UserID:     "u1",
			Channel:    "push",
			CampaignID: "c1",
			Action:     "deliver",
			TouchTime:  shanghaiAt("2026-10-15 10:00"),
			Source:     "touches",
		},
	}
	var reviews []schemas.Review
	if extra {
		orders = append(orders, paidOrder("o3", "u1", "2026-10-23 07:00", 9000))
		events = append(
			events,
			schemas.Event{
				EventID:   "e4",
				UserID:    "u1",
				EventType: "cart",
				Channel:   "app",
				SessionID: "s4",
				EventTime: shanghaiAt("2026-11-10 10:00"),
				Source:    "events",
			},
		)
		touches = append(
			touches,
			schemas.Touch{
				TouchID:    "t2",
				UserID:     "u1",
				Channel:    "push",
				CampaignID: "c2",
				Action:     "open",
				TouchTime:  shanghaiAt("2026-11-10 10:00"),
				Source:     "touches",
			},
		)
		reviews = append(
			reviews,
			schemas.Review{
				ReviewID:  "r1",
				UserID:    "u1",
				Rating:    5,
				Text:      "好",
				CreatedAt: shanghaiAt("2026-11-12 10:00"),
				Source:    "reviews",
			},
		)
	}
	return portrait.Inputs{
		Identity: beam.ParDo(
			s,
			linkKV,
			beam.CreateList(
				s,
				[]link{
					{accountKey("u1"), "P1"},
					{accountKey("u2"), "P2"},
					{accountKey("u3"), "P3"},
				},
			),
		),
		Persons: beam.CreateList(
			s,
			[]schemas.Person{
				{PersonID: "P1", Accounts: 1},
				{PersonID: "P2", Accounts: 1},
				{PersonID: "P3", Accounts: 1},
				{PersonID: "P4"},
			},
		),
		Users: beam.CreateList(s, []schemas.User{
			{
				UserID:       "u1",
				RegisteredAt: shanghaiAt("2026-08-01 10:00"),
				UpdatedAt:    shanghaiAt("2026-08-01 10:00"),
				Source:       "users",
			},
			{
				UserID:       "u2",
				RegisteredAt: shanghaiAt("2026-11-01 10:00"),
				UpdatedAt:    shanghaiAt("2026-11-01 10:00"),
				Source:       "users",
			},
			{
				UserID:       "u3",
				RegisteredAt: shanghaiAt("2026-09-15 10:00"),
				UpdatedAt:    shanghaiAt("2026-09-15 10:00"),
				Source:       "users",
			}}),
		Orders: beam.CreateList(s, orders), OrderItems: beam.CreateList(s, []schemas.OrderItem{}),
		Events: beam.CreateList(
			s,
			events,
		), Touches: beam.CreateList(s, touches), Reviews: beam.CreateList(s, reviews),
		TempDir: t.TempDir(),
	}
}

// TestNoLeakage builds the cutoff portraits through portrait.Build on Prism with and without facts
// after the cutoff day: every feature of every person is the same. Today's portraits do see those
// facts, which turns the label of P1 (an order placed the day after the cutoff) to bought; P3's
// order placed on the cutoff day and paid the next day is no purchase after the cutoff, so P3 stays
// not bought; P2 (registered after the cutoff) and P4 (no fact at all) are no training rows. The
// same holds whichever time dates a purchase (purchase_time created_at or paid_at).
func TestNoLeakage(t *testing.T) {
	for _, purchase := range []string{portrait.PurchaseCreated, portrait.PurchasePaid} {
		t.Run(purchase, func(t *testing.T) { noLeakage(t, purchase) })
	}
}

func noLeakage(t *testing.T, purchase string) {
	cfg := Config{Date: "2026-11-21"}
	cutoff, err := CutoffDate(cfg.Date, DefaultHorizonDays)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	// Tonight's and the cutoff's portraits come from one pass over the facts, as in the nightly job.
	build := func(name string, extra bool) (past, together beam.PCollection) {
		sc := s.Scope(name)
		pcfg := portrait.Config{Date: cfg.Date, PurchaseTime: purchase}
		out := portrait.Build(sc, leakWorld(t, sc, extra), pcfg, cutoff)
		return portrait.Day(sc, out.Portraits, 1), out.Portraits
	}
	cutoffWithout, without := build("without", false)
	cutoffWith, with := build("with", true)
	passert.Equals(
		s,
		beam.ParDo(s, featureText, cutoffWith),
		beam.ParDo(s, featureText, cutoffWithout),
	)
	passert.Count(s, cutoffWith, "cutoff portraits", 4)

	labels := func(name string, together beam.PCollection) beam.PCollection {
		sc := s.Scope(name)
		rows, counts := beam.ParDo2(sc, &labelFn{Cfg: cfg}, together)
		passert.Equals(
			sc,
			// Summed: each bundle emits its own counts, and a loaded runner makes more bundles.
			beam.ParDo(sc, countText, stats.SumPerKey(sc, counts)),
			"cutoff_portraits/predict/in/=4",
			"cutoff_portraits/predict/out/=2",
			"cutoff_portraits/predict/rejected/absent_at_cutoff=2",
		)
		return beam.ParDo(sc, rowText, rows)
	}
	passert.Equals(s, labels("labels_without", without),
		"P1 buyer=true bought=false", "P3 buyer=true bought=false")
	passert.Equals(s, labels("labels_with", with),
		"P1 buyer=true bought=true", "P3 buyer=true bought=false")
	ptest.RunAndValidate(t, p)
}
