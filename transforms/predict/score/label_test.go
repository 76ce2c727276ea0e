package score

import (
	"reflect"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait"
)

func TestLabel(t *testing.T) {
	buyer := schemas.Portrait{
		PersonID:     "P1",
		RegisteredAt: 1,
		Orders:       2,
		Frequency:    1,
		RecencyDays:  10,
		TDays:        20,
	}
	more := buyer
	more.Orders = 3
	absent := schemas.Portrait{PersonID: "P1"}
	for _, tc := range []struct {
		name          string
		today, cutoff schemas.Portrait
		pending       int32
		reason        string
		ok            bool
		bought        bool
	}{
		{"bought", more, buyer, 0, "", true, true},
		{"no purchase", buyer, buyer, 0, "", true, false},
		// The third order was placed by the cutoff day and paid after it: no purchase after it.
		{"placed by the cutoff, paid after it", more, buyer, 1, "", true, false},
		{"absent at the cutoff", more, absent, 0, ReasonAbsent, false, false},
		{"fewer orders today", buyer, more, 0, ReasonFewerOrders, false, false},
		{"fewer than the cutoff's and its pending", more, buyer, 2, ReasonFewerOrders, false, false},
	} {
		row, reason, ok := label(tc.today, tc.cutoff, tc.pending, 1)
		if reason != tc.reason || ok != tc.ok || row.Bought != tc.bought {
			t.Errorf(
				"%s: reason %q ok %v bought %v, want %q %v %v",
				tc.name,
				reason,
				ok,
				row.Bought,
				tc.reason,
				tc.ok,
				tc.bought,
			)
		}
		if ok &&
			(row.PersonID != "P1" || !row.Buyer || row.Frequency != 1 || row.Recency != 10 || row.T != 20 ||
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

// TestLabelFnWantsTwoDays: a person whose portraits are not exactly today's and the cutoff's fails
// the run with an error rather than labelling the wrong day.
func TestLabelFnWantsTwoDays(t *testing.T) {
	f := &labelFn{Cfg: testConfig}
	f.StartBundle(nil, nil)
	emit := func(Row) { t.Error("a row was emitted") }
	for _, n := range []int{0, 1, 3} {
		d := portrait.PersonDays{Portraits: make([]schemas.Portrait, n)}
		if err := f.ProcessElement(d, emit, nil); err == nil {
			t.Errorf("%d portraits: no error", n)
		}
	}
}
