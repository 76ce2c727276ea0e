package scorecard

import (
	"encoding/json"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func ptr[T any](v T) *T { return &v }

// population is 100 buyers with net GMV 1..100 yuan, no CLV, seen 0..99 days ago, active on
// 1..100 of the last 90 days (capped), one to five purchase days and tenures 0..99; every tenth
// cancelled an order; plus a never-seen non-buyer.
func population() []schemas.Portrait {
	var out []schemas.Portrait
	for i := range 100 {
		p := schemas.Portrait{
			PersonID:  string(rune('a' + i%26)),
			Orders:    1,
			NetGMVFen: int64(i+1) * 100,
			DaysSinceLastSeen: ptr(
				int32(i),
			),
			ActiveDays90d: int32(min(i+1, 90)),
			Frequency:     float64(i % 5),
			TDays:         float64(i),
		}
		if i%10 == 9 {
			p.CancelledOrders = int32(1 + i/50)
		}
		out = append(out, p)
	}
	return append(out, schemas.Portrait{PersonID: "z"})
}

func cardOf100(t *testing.T) Card {
	t.Helper()
	s := NewStats()
	for _, p := range population() {
		s.Add(&p)
	}
	return s.Card()
}

func TestCardCuts(t *testing.T) {
	c := cardOf100(t)
	for k, exact := range []int64{2000, 4000, 6000, 8000} { // the quintiles of 1..100 yuan
		if k >= len(c.ContributionCuts) || c.ContributionCuts[k] > exact ||
			c.ContributionCuts[k] < exact-exact/64 {
			t.Errorf("contribution cuts %v, want within 1/64 below %d", c.ContributionCuts, exact)
		}
	}
	if c.Persons != 101 || c.Buyers != 100 || c.Seen != 100 || c.Ordered != 100 ||
		c.WithIncidents != 10 {
		t.Errorf("populations %+v", c)
	}
	if len(c.IncidentCuts) != 3 {
		t.Errorf("incident cuts %v, want quartiles", c.IncidentCuts)
	}
}

func TestApply(t *testing.T) {
	c := cardOf100(t)
	ps := population()
	for i := range ps {
		c.Apply(&ps[i])
	}
	top, bottom, never := ps[99], ps[0], ps[100]
	if top.ContributionGrade != 5 || bottom.ContributionGrade != 1 {
		t.Errorf(
			"contribution grades %d and %d, want 5 for the top buyer and 1 for the bottom",
			top.ContributionGrade,
			bottom.ContributionGrade,
		)
	}
	// ps[0]: seen today (recency score 5), one active day (score 1): (5+1+1)/2 = 3.
	if bottom.ActivityGrade != 3 {
		t.Errorf(
			"activity grade of a buyer seen today but active one day: %d, want 3",
			bottom.ActivityGrade,
		)
	}
	if never.ContributionGrade != 0 || never.ActivityGrade != 0 || never.LoyaltyGrade != 0 ||
		never.CreditGrade != 0 {
		t.Errorf("a never-seen non-buyer got grades %+v", never)
	}
	clean, cancelledOnce, cancelledTwice := ps[0], ps[9], ps[59]
	if clean.CreditGrade != 5 {
		t.Errorf("credit of a buyer without incidents: %d, want 5", clean.CreditGrade)
	}
	if !(cancelledOnce.CreditGrade >= 1 && cancelledOnce.CreditGrade <= 4) ||
		cancelledTwice.CreditGrade > cancelledOnce.CreditGrade {
		t.Errorf(
			"credit grades %d (one cancellation) and %d (two): want 4 to 1, fewer for more incidents",
			cancelledOnce.CreditGrade,
			cancelledTwice.CreditGrade,
		)
	}
	counts := map[int32]int{}
	for _, p := range ps[:100] {
		counts[p.ContributionGrade]++
		if p.LoyaltyGrade < 1 || p.LoyaltyGrade > 5 || p.ActivityGrade < 1 || p.ActivityGrade > 5 {
			t.Errorf("%s: grades out of 1-5: %+v", p.PersonID, p)
		}
	}
	for g := int32(1); g <= 5; g++ {
		if counts[g] != 20 {
			t.Errorf("%d buyers with contribution grade %d, want a fifth", counts[g], g)
		}
	}
	// Grades are recomputed, never kept from before.
	stale := schemas.Portrait{ContributionGrade: 5, CreditGrade: 2}
	c.Apply(&stale)
	if stale.ContributionGrade != 0 || stale.CreditGrade != 0 {
		t.Errorf("stale grades kept: %+v", stale)
	}
}

func TestCLVCountsTowardsContribution(t *testing.T) {
	c := cardOf100(t)
	p := schemas.Portrait{Orders: 1, NetGMVFen: 100, CLV12mFen: ptr(int64(9000))}
	c.Apply(&p)
	if p.ContributionGrade != 5 {
		t.Errorf("a small buyer with a large CLV: grade %d, want 5", p.ContributionGrade)
	}
}

func TestStatsMergeAndCoder(t *testing.T) {
	all, a, b := NewStats(), NewStats(), NewStats()
	for i, p := range population() {
		all.Add(&p)
		if i%2 == 0 {
			a.Add(&p)
		} else {
			b.Add(&p)
		}
	}
	data, err := encodeStats(b)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeStats(data)
	if err != nil {
		t.Fatal(err)
	}
	a.Merge(back)
	x, _ := json.Marshal(a.Card())
	y, _ := json.Marshal(all.Card())
	if string(x) != string(y) {
		t.Errorf("merged halves give %s, all at once %s", x, y)
	}
	if _, err := decodeStats([]byte("{")); err == nil {
		t.Error("broken stats decoded")
	}
}
