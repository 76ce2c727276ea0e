package score

import (
	"reflect"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestLabel(t *testing.T) {
	buyer := schemas.Portrait{PersonID: "P1", RegisteredAt: 1, Orders: 2, Frequency: 1, RecencyDays: 10, TDays: 20}
	more := buyer
	more.Orders = 3
	absent := schemas.Portrait{PersonID: "P1"}
	join := func(hs ...half) half {
		out := hs[0]
		for _, h := range hs[1:] {
			out = mergeHalves(out, h)
		}
		return out
	}
	c := func(p schemas.Portrait) half { _, h := cutoffHalf(p); return h }
	d := func(p schemas.Portrait) half { _, h := todayHalf(p); return h }
	for _, tc := range []struct {
		name   string
		h      half
		reason string
		ok     bool
		bought bool
	}{
		{"bought", join(c(buyer), d(more)), "", true, true},
		{"bought, today first", join(d(more), c(buyer)), "", true, true},
		{"no purchase", join(c(buyer), d(buyer)), "", true, false},
		{"absent at the cutoff", join(c(absent), d(more)), ReasonAbsent, false, false},
		{"no portrait today", c(buyer), ReasonNoToday, false, false},
		{"two cutoff portraits", join(c(buyer), c(buyer), d(more)), ReasonDuplicate, false, false},
		{"two today portraits", join(c(buyer), d(more), d(more)), ReasonDuplicate, false, false},
		{"fewer orders today", join(c(more), d(buyer)), ReasonFewerOrders, false, false},
		{"today only", d(more), "", false, false},
	} {
		row, reason, ok := label(tc.h, 1)
		if reason != tc.reason || ok != tc.ok || row.Bought != tc.bought {
			t.Errorf("%s: reason %q ok %v bought %v, want %q %v %v", tc.name, reason, ok, row.Bought, tc.reason, tc.ok, tc.bought)
		}
		if ok && (row.PersonID != "P1" || !row.Buyer || row.Frequency != 1 || row.Recency != 10 || row.T != 20 ||
			row.Key != SampleKey(1, "P1") || !reflect.DeepEqual(row.X, Features(buyer))) {
			t.Errorf("%s: row %+v", tc.name, row)
		}
	}
}

func TestSampleKeyDependsOnSeedAndID(t *testing.T) {
	if SampleKey(1, "P1") != SampleKey(1, "P1") {
		t.Error("not deterministic")
	}
	if SampleKey(1, "P1") == SampleKey(2, "P1") || SampleKey(1, "P1") == SampleKey(1, "P2") {
		t.Error("seed or id does not change the key")
	}
}
