package portrait

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func portraitText(p schemas.Portrait) string {
	return fmt.Sprintf(
		"%s orders=%d items=%d gmv=%d events=%d tickets=%d posts=%d reviews=%d tier=%d phone=%s "+
			"lifecycle=%s tags=%s",
		p.PersonID,
		p.Orders,
		p.Items,
		p.GMVFen,
		p.Sessions,
		p.Tickets,
		p.SitePosts,
		p.Reviews,
		p.CityTier,
		p.PhoneMasked,
		p.Lifecycle,
		strings.Join(p.Tags, ","),
	)
}

func cardText(c ModelCard) string {
	return fmt.Sprintf(
		"persons=%d with_facts=%d buyers=%d repeat=%d bgnbd=%v trained=%v freq=%v",
		c.Persons,
		c.PersonsWithFacts,
		c.Buyers,
		c.RepeatBuyers,
		c.BGNBD != nil,
		c.Sentiment.Trained,
		c.FrequencyCuts,
	)
}

func init() {
	register.Function1x1(portraitText)
	register.Function1x1(cardText)
	register.Function1x1(daysText)
	register.Function2x1(countText)
	register.Function1x2(pairKV)
}

// daysText is a person's days: the events and orders of each day's portrait.
func daysText(d PersonDays) string {
	var days []string
	for _, p := range d.Portraits {
		days = append(days, fmt.Sprintf("sessions=%d orders=%d", p.Sessions, p.Orders))
	}
	return d.Portraits[0].PersonID + ": " + strings.Join(days, " | ")
}

func countText(key string, n int64) string {
	return fmt.Sprintf("%s=%d", strings.ReplaceAll(key, "\x1f", "/"), n)
}

// TestBuild runs the composite on Prism over a small hand-built world: every person of the spine
// gets one portrait, facts find their person by each kind's identifier, and every fact is counted.
func TestBuild(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	out := Build(s, testWorld(t, s), Config{Date: "2026-11-21"})
	portraits, model, counts := Day(s, out.Portraits, 0), out.Models[0], out.Counts
	passert.Equals(
		s,
		beam.ParDo(s, portraitText, portraits),
		"P1 orders=1 items=2 gmv=5000 events=2 tickets=1 posts=0 reviews=1 tier=0 phone=138****0001 "+
			"lifecycle=first_purchase tags=cart_abandoner,new_customer",
		"P2 orders=1 items=0 gmv=3000 events=0 tickets=0 posts=0 reviews=0 tier=2 phone=139****0002 "+
			"lifecycle=first_purchase tags=new_customer",
		"P3 orders=0 items=0 gmv=0 events=0 tickets=0 posts=1 reviews=0 tier=0 phone= "+
			"lifecycle=unaware tags=",
		"P5 orders=0 items=0 gmv=0 events=0 tickets=0 posts=0 reviews=0 tier=0 phone= "+
			"lifecycle=unaware tags=",
	)
	passert.Equals(
		s,
		beam.ParDo(s, cardText, model),
		"persons=5 with_facts=4 buyers=2 repeat=0 bgnbd=false trained=false freq=[1 1 1 1]",
	)
	passert.Equals(
		s,
		beam.ParDo(s, countText, counts),
		"users/portrait/in/=2",
		"users/portrait/out/=2",
		"orders/portrait/in/=3",
		"orders/portrait/out/=2",
		"orders/portrait/rejected/unattributed=1",
		"order_items/portrait/in/=2",
		"order_items/portrait/out/=1",
		"order_items/portrait/rejected/no_order=1",
		"events/portrait/in/=5",
		"events/portrait/out/=3",
		"events/portrait/rejected/unattributed=1",
		"events/portrait/rejected/after_as_of=1",
		"touches/portrait/in/=1",
		"touches/portrait/out/=1",
		"vendor_acme/portrait/in/=1",
		"vendor_acme/portrait/out/=1",
		"reviews/portrait/in/=1",
		"reviews/portrait/out/=1",
		"tickets/portrait/in/=1",
		"tickets/portrait/out/=1",
		"site_posts/portrait/in/=1",
		"site_posts/portrait/out/=1",
		"persons/portrait/in/=5",
		"persons/portrait/out/=4",
		"persons/portrait/rejected/not_in_spine=1",
	)
	// Today finishes the same portraits again from the held files, once its gates are complete.
	passert.Equals(s, out.Today(s, model, beam.ParDo(s, portraitText, portraits)), portraits)
	passert.Equals(s, out.Today(s), portraits)
	ptest.RunAndValidate(t, p)
}

// TestBuildDays builds tonight's portraits and an earlier day's in one pass, as the nightly job
// does for the models' cutoff: each day's portraits and model card are those of a Build for that
// day alone, each person's days come together in one element, and the counts are tonight's only.
func TestBuildDays(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	const earlier = "2026-11-03" // after both orders and the review, before every other fact
	both := Build(s.Scope("both"), testWorld(t, s), Config{Date: "2026-11-21"}, earlier)
	alone := Build(s.Scope("alone"), testWorld(t, s), Config{Date: "2026-11-21", AsOf: earlier})
	tonight := Build(s.Scope("tonight"), testWorld(t, s), Config{Date: "2026-11-21"})
	if len(both.Models) != 2 {
		t.Fatalf("%d model cards, want 2", len(both.Models))
	}
	passert.Equals(
		s,
		beam.ParDo(s, daysText, both.Portraits),
		"P1: sessions=2 orders=1 | sessions=0 orders=1",
		"P2: sessions=0 orders=1 | sessions=0 orders=1",
		"P3: sessions=0 orders=0 | sessions=0 orders=0",
		"P5: sessions=0 orders=0 | sessions=0 orders=0",
	)
	earlierDay := Day(s, both.Portraits, 1)
	passert.Equals(s, earlierDay, Day(s, alone.Portraits, 0))
	passert.Equals(
		s,
		beam.ParDo(s, cardText, both.Models[1]),
		beam.ParDo(s, cardText, alone.Models[0]),
	)
	passert.Equals(s, Day(s, both.Portraits, 0), Day(s, tonight.Portraits, 0))
	passert.Equals(
		s,
		beam.ParDo(s, portraitText, earlierDay),
		"P1 orders=1 items=2 gmv=5000 events=0 tickets=0 posts=0 reviews=1 tier=0 phone=138****0001 "+
			"lifecycle=first_purchase tags=new_customer",
		"P2 orders=1 items=0 gmv=3000 events=0 tickets=0 posts=0 reviews=0 tier=2 phone=139****0002 "+
			"lifecycle=first_purchase tags=new_customer",
		"P3 orders=0 items=0 gmv=0 events=0 tickets=0 posts=0 reviews=0 tier=0 phone= "+
			"lifecycle=unaware tags=",
		"P5 orders=0 items=0 gmv=0 events=0 tickets=0 posts=0 reviews=0 tier=0 phone= "+
			"lifecycle=unaware tags=",
	)
	passert.Count(s, both.Counts, "counts of tonight only", 25)
	ptest.RunAndValidate(t, p)
}

// testWorld is a small hand-built world: four persons of the spine and a person only facts name,
// with every kind of fact; the accumulators are held in a test's temporary folder.
func testWorld(t *testing.T, s beam.Scope) Inputs {
	t.Helper()
	identity := beam.ParDo(
		s,
		pairKV,
		beam.CreateList(s, []pair{{"account:u1", "P1"}, {"device:d1", "P1"}, {"ticket:k1", "P1"},
			{
				"account:u2",
				"P2",
			}, {"vendor_md5:m1", "P2"}, {"post:x1", "P3"}, {"anonymous:c9", "P4"}}),
	)
	in := Inputs{
		Identity: identity,
		TempDir:  t.TempDir(),
		Persons: beam.CreateList(
			s,
			[]schemas.Person{
				{PersonID: "P1", Accounts: 1},
				{PersonID: "P2", Accounts: 1},
				{PersonID: "P3"},
				{PersonID: "P5"},
			},
		),
		Users: beam.CreateList(s, []schemas.User{
			{
				UserID:       "u1",
				PhoneMasked:  "138****0001",
				RegisteredAt: at("2025-01-01 10:00"),
				UpdatedAt:    at("2025-01-01 10:00"),
				Source:       "users",
			},
			{
				UserID:       "u2",
				PhoneMasked:  "139****0002",
				RegisteredAt: at("2025-01-01 10:00"),
				UpdatedAt:    at("2025-01-01 10:00"),
				Source:       "users",
			}}),
		Orders: beam.CreateList(s, []schemas.Order{
			{
				OrderID:   "o1",
				UserID:    "u1",
				Status:    "paid",
				Channel:   "app",
				CreatedAt: at("2026-11-01 10:00"),
				PaidAt:    at("2026-11-01 10:00"),
				TotalFen:  5000,
				Source:    "orders",
			},
			{
				OrderID:   "o2",
				UserID:    "u2",
				Status:    "completed",
				Channel:   "web",
				CreatedAt: at("2026-11-02 10:00"),
				PaidAt:    at("2026-11-02 10:00"),
				TotalFen:  3000,
				Source:    "orders",
			},
			{
				OrderID:   "o3",
				UserID:    "ghost",
				Status:    "paid",
				CreatedAt: at("2026-11-02 10:00"),
				TotalFen:  100,
				Source:    "orders",
			}}),
		OrderItems: beam.CreateList(s, []schemas.OrderItem{
			{
				OrderID:   "o1",
				LineNo:    1,
				SKU:       "SKU1",
				Quantity:  2,
				AmountFen: 5000,
				Source:    "order_items",
			},
			{
				OrderID:   "o9",
				LineNo:    1,
				SKU:       "SKU1",
				Quantity:  1,
				AmountFen: 100,
				Source:    "order_items",
			}}),
		Products: beam.CreateList(
			s,
			[]schemas.Product{{SKU: "SKU1", Category: "beauty", Brand: "Acme", PriceFen: 2500}},
		),
		Events: beam.CreateList(s, []schemas.Event{
			{
				EventID:   "e1",
				UserID:    "u1",
				EventType: "view",
				SKU:       "SKU1",
				Channel:   "app",
				SessionID: "s1",
				EventTime: at("2026-11-20 10:00"),
				Source:    "events",
			},
			{
				EventID:   "e2",
				DeviceID:  "d1",
				EventType: "cart",
				SKU:       "SKU1",
				Channel:   "app",
				SessionID: "s2",
				EventTime: at("2026-11-20 11:00"),
				Source:    "events",
			},
			{
				EventID:     "e3",
				AnonymousID: "c9",
				EventType:   "view",
				Channel:     "web",
				SessionID:   "s3",
				EventTime:   at("2026-11-20 11:00"),
				Source:      "events",
			},
			{
				EventID:   "e4",
				UserID:    "ghost",
				EventType: "view",
				Channel:   "web",
				EventTime: at("2026-11-20 11:00"),
				Source:    "events",
			},
			{
				EventID:   "e5",
				UserID:    "u1",
				EventType: "view",
				Channel:   "app",
				SessionID: "s9",
				EventTime: at("2026-11-22 11:00"),
				Source:    "events",
			}}),
		Touches: beam.CreateList(
			s,
			[]schemas.Touch{
				{
					TouchID:   "t1",
					UserID:    "u1",
					Channel:   "push",
					Action:    "open",
					TouchTime: at("2026-11-20 12:00"),
					Source:    "touches",
				},
			},
		),
		Vendor: beam.CreateList(
			s,
			[]schemas.VendorProfile{
				{
					Vendor:    "acme",
					PhoneMD5:  "m1",
					CityTier:  2,
					UpdatedAt: at("2026-10-01 10:00"),
					Source:    "vendor_acme",
				},
			},
		),
		Reviews: beam.CreateList(
			s,
			[]schemas.Review{
				{
					ReviewID:  "r1",
					UserID:    "u1",
					Rating:    5,
					Text:      "很好",
					CreatedAt: at("2026-11-03 10:00"),
					Source:    "reviews",
				},
			},
		),
		Tickets: beam.CreateList(
			s,
			[]schemas.Ticket{
				{
					TicketID:  "k1",
					Category:  "complaint",
					Status:    "open",
					CreatedAt: at("2026-11-04 10:00"),
					Source:    "tickets",
				},
			},
		),
		Posts: beam.CreateList(
			s,
			[]schemas.SitePost{
				{PostID: "x1", Rating: 4, PostedAt: at("2026-11-05 10:00"), Source: "site_posts"},
			},
		),
	}
	return in
}

// pair is one identity map entry of the test.
type pair struct{ Key, Person string }

func pairKV(p pair) (string, string) { return p.Key, p.Person }
