package portrait

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestTags(t *testing.T) {
	e := testEnv(t)
	card := testCard()
	var nightEvents, dayEvents []fact
	for i := range 10 {
		nightEvents = append(
			nightEvents,
			event(ev("view", "", "app", "", fmt.Sprintf("2026-11-%02d 23:30", 10+i))),
		)
		dayEvents = append(
			dayEvents,
			event(ev("view", "", "app", "", fmt.Sprintf("2026-11-%02d 14:30", 10+i))),
		)
	}
	discounted := func(day string) fact {
		return order(
			schemas.Order{
				Status:      "paid",
				CreatedAt:   at(day + " 12:00"),
				TotalFen:    100,
				DiscountFen: 10,
			},
		)
	}
	cases := []struct {
		name  string
		facts []fact
		tag   string
		want  bool
	}{
		{"top GMV quintile", []fact{paid("2026-11-01", 40000)}, "high_value", true},
		{"GMV in the 4th quintile", []fact{paid("2026-11-01", 20000)}, "high_value", false},
		{
			"3 discounted orders",
			[]fact{discounted("2026-11-01"), discounted("2026-11-02"), discounted("2026-11-03")},
			"discount_seeker",
			true,
		},
		{
			"2 discounted orders",
			[]fact{discounted("2026-11-01"), discounted("2026-11-02")},
			"discount_seeker",
			false,
		},
		{"10 night visits", nightEvents, "night_owl", true},
		{"9 night visits", nightEvents[:9], "night_owl", false},
		{
			"4 night visits in 10",
			append(slices.Clone(nightEvents[:4]), dayEvents[:6]...),
			"night_owl",
			true,
		},
		{
			"3 night visits in 10",
			append(slices.Clone(nightEvents[:3]), dayEvents[:7]...),
			"night_owl",
			false,
		},
		// 2026-11-14 and 15 are a weekend, 2026-11-16 a Monday.
		{
			"weekend orders",
			[]fact{paid("2026-11-14", 1), paid("2026-11-15", 1), paid("2026-11-07", 1)},
			"weekend_shopper",
			true,
		},
		{
			"2 of 3 on weekends",
			[]fact{paid("2026-11-14", 1), paid("2026-11-15", 1), paid("2026-11-16", 1)},
			"weekend_shopper",
			true,
		},
		{
			"1 of 3 on weekends",
			[]fact{paid("2026-11-14", 1), paid("2026-11-16", 1), paid("2026-11-17", 1)},
			"weekend_shopper",
			false,
		},
		{
			"complaint and a negative text",
			[]fact{
				ticket(
					schemas.Ticket{
						Category:  "complaint",
						Status:    "closed",
						CreatedAt: at("2026-11-01 10:00"),
					},
					Text{},
				),
				review(schemas.Review{CreatedAt: at("2026-11-01 10:00")}, 0.1),
			},
			"complainer",
			true,
		},
		{
			"one complaint",
			[]fact{
				ticket(
					schemas.Ticket{
						Category:  "complaint",
						Status:    "closed",
						CreatedAt: at("2026-11-01 10:00"),
					},
					Text{Scored: true, Positive: 0.9},
				),
			},
			"complainer",
			false,
		},
		{"first order 29 days ago", []fact{paid("2026-10-23", 1)}, "new_customer", true},
		{"first order 30 days ago", []fact{paid("2026-10-22", 1)}, "new_customer", false},
		{
			"repeat buyer slipping",
			[]fact{paid("2026-06-22", 100), paid("2026-08-21", 100)},
			"at_risk",
			true,
		},
		{
			"repeat buyer, recent",
			[]fact{paid("2026-10-12", 100), paid("2026-10-22", 100)},
			"at_risk",
			false,
		},
		{
			"cart after the last order",
			[]fact{paid("2026-11-10", 1), event(ev("cart", "SKU1", "app", "", "2026-11-18 10:00"))},
			"cart_abandoner",
			true,
		},
		{
			"order after the cart",
			[]fact{event(ev("cart", "SKU1", "app", "", "2026-11-18 10:00")), paid("2026-11-19", 1)},
			"cart_abandoner",
			false,
		},
		{
			"cart 8 days ago",
			[]fact{event(ev("cart", "SKU1", "app", "", "2026-11-13 10:00"))},
			"cart_abandoner",
			false,
		},
		{
			"two 5-star reviews",
			[]fact{
				review(schemas.Review{Rating: 5, CreatedAt: at("2026-11-01 10:00")}, 0.9),
				post(schemas.SitePost{Rating: 5, PostedAt: at("2026-11-01 10:00")}, 0.7),
			},
			"promoter",
			true,
		},
		{
			"5 stars, negative texts",
			[]fact{
				review(schemas.Review{Rating: 5, CreatedAt: at("2026-11-01 10:00")}, 0.1),
				post(schemas.SitePost{Rating: 5, PostedAt: at("2026-11-01 10:00")}, 0.2),
			},
			"promoter",
			false,
		},
		{
			"one 5-star review",
			[]fact{review(schemas.Review{Rating: 5, CreatedAt: at("2026-11-01 10:00")}, 0.9)},
			"promoter",
			false,
		},
	}
	for _, c := range cases {
		p := accOf(t, e, c.facts).Finish("P", card, e)
		if got := slices.Contains(p.Tags, c.tag); got != c.want {
			t.Errorf("%s: tag %s is %v, want %v (tags %v)", c.name, c.tag, got, c.want, p.Tags)
		}
		if !slices.IsSorted(p.Tags) {
			t.Errorf("%s: tags %v not sorted", c.name, p.Tags)
		}
		for _, tag := range p.Tags {
			if !slices.Contains(Tags, tag) {
				t.Errorf("%s: tag %q is not in Tags", c.name, tag)
			}
		}
	}
}
