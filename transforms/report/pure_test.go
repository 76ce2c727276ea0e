package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestMoney(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 123456789: "¥1,234,567.89",
		-50: "-¥0.50", -123456: "-¥1,234.56"} {
		if got := amount(fen); got != want {
			t.Errorf("amount(%d) = %s, want %s", fen, got, want)
		}
	}
	if got := amountF(25012.4); got != "¥250.12" {
		t.Errorf("amountF(25012.4) = %s", got)
	}
	if got := amountShort(120000); got != "¥1,200" {
		t.Errorf("amountShort(120000) = %s", got)
	}
	if got := amountShort(150); got != "¥1.50" {
		t.Errorf("amountShort(150) = %s", got)
	}
	if signed(3) != "+3" || signed(-1234) != "-1,234" || signed(0) != "0" {
		t.Errorf("signed: %s %s %s", signed(3), signed(-1234), signed(0))
	}
}

func TestNiceWidth(t *testing.T) {
	for raw, want := range map[float64]int64{0: 1, 0.3: 1, 1.5: 2, 3: 5, 7: 10, 10: 10, 11: 20,
		2001: 5000, 123456: 200000} {
		if got := niceWidth(raw); got != want {
			t.Errorf("niceWidth(%v) = %d, want %d", raw, got, want)
		}
	}
	if floorTo(-150, 100) != -200 || floorTo(150, 100) != 100 || floorTo(-200, 100) != -200 {
		t.Errorf("floorTo: %d %d %d", floorTo(-150, 100), floorTo(150, 100), floorTo(-200, 100))
	}
}

func TestHistogram(t *testing.T) {
	var values []int64
	for i := range 1000 {
		values = append(values, int64(i)*100) // ¥0 to ¥999
	}
	values = append(values, 10_000_000) // one outlier of ¥100,000
	slices.Sort(values)
	h := histogram(values, 20)
	var total int64
	for i, b := range h {
		total += b.Count
		if i > 0 && b.Lo != h[i-1].Hi {
			t.Errorf("bin %d starts at %d, the one before ends at %d", i, b.Lo, h[i-1].Hi)
		}
		if !b.Open && (b.Hi-b.Lo) != (h[0].Hi-h[0].Lo) {
			t.Errorf("bin %d has width %d, the first %d", i, b.Hi-b.Lo, h[0].Hi-h[0].Lo)
		}
	}
	if total != int64(len(values)) {
		t.Errorf("bins hold %d values, want %d", total, len(values))
	}
	last := h[len(h)-1]
	if !last.Open || last.Count < 1 || last.Lo > 10_000_000 {
		t.Errorf("the outlier is not in an open last bin: %+v", last)
	}
	if h[0].Lo != 0 || len(h) > 22 {
		t.Errorf("%d bins from %d: want about 20 from 0", len(h), h[0].Lo)
	}
	if got := h[0].label(); got != "¥0 – ¥50" {
		t.Errorf("first label %q, want ¥0 – ¥50", got)
	}
	one := histogram([]int64{700}, 20)
	if b := one[len(one)-1]; b.Count != 1 || b.Lo > 700 || b.Hi <= 700 || one[0].Lo != 0 {
		t.Errorf("histogram of one value: %+v", one)
	}
}

func TestQuantile(t *testing.T) {
	v := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if quantile(v, 0.5) != 5 || quantile(v, 0.9) != 9 || quantile(v, 1) != 10 ||
		quantile(v, 0.01) != 1 {
		t.Errorf(
			"quantiles %d %d %d %d",
			quantile(v, 0.5),
			quantile(v, 0.9),
			quantile(v, 1),
			quantile(v, 0.01),
		)
	}
}

func TestModelCardJSONKeepsOrder(t *testing.T) {
	tb, err := modelCardJSON(
		"card",
		[]byte(`{"z":1,"a":{"y":"two","b":[1,2]},"list":[{"k":true}],"empty":[],"n":null}`),
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tb.Rows {
		got = append(got, r[0].Text+"="+r[1].Text)
	}
	want := []string{"z=1", "a › y=two", "a › b=1, 2", "list › 1 › k=true", "empty=", "n=—"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if _, err := modelCardJSON("card", []byte(`{"a":`)); err == nil ||
		!strings.Contains(err.Error(), "card") {
		t.Errorf("broken JSON: %v, want an error naming the file", err)
	}
}

func TestModelCardRows(t *testing.T) {
	one := modelCardRows("t", []any{schemas.SegmentSummary{Segment: "vip", Size: 3}})
	if one.Rows[0][0].Text != "segment" || one.Rows[0][1].Text != "vip" ||
		one.Rows[2][1].Text != "3" {
		t.Errorf("one row as figure/value lines: %+v", one.Rows[:3])
	}
	clv := int64(5)
	many := modelCardRows(
		"t",
		[]any{schemas.Portrait{PersonID: "a", CLV12mFen: &clv}, schemas.Portrait{PersonID: "b"}},
	)
	col := slices.Index(many.Head, "clv 12m fen")
	if len(many.Rows) != 2 || col < 0 || many.Rows[0][col].Text != "5" ||
		many.Rows[1][col].Text != "—" {
		t.Errorf("several rows as a table: head %q", many.Head)
	}
}

func TestByReason(t *testing.T) {
	rows := []schemas.QualityCount{
		{Source: "a", Stage: "clean", Measure: "rejected", Reason: "x", Count: 2},
		{Source: "a", Stage: "clean", Measure: "rejected", Reason: "x", Count: 3},
		{Source: "b", Stage: "clean", Measure: "rejected", Reason: "y", Count: 5},
		{Source: "a", Stage: "clean", Measure: "rejected", Reason: "z", Count: 9},
		{Source: "a", Stage: "clean", Measure: "nulled", Reason: "x", Count: 100},
	}
	got := byReason(rows, "rejected")
	want := []reason{{"a", "clean", "z", 9}, {"a", "clean", "x", 5}, {"b", "clean", "y", 5}}
	if !slices.Equal(got, want) {
		t.Errorf("byReason = %v, want %v", got, want)
	}
}

func TestBalanceFlagsBrokenCounts(t *testing.T) {
	sec, err := balanceSection([]schemas.QualityCount{
		{Source: "a", Stage: "ingest", Measure: "in", Count: 10},
		{Source: "a", Stage: "ingest", Measure: "out", Count: 8},
		{Source: "a", Stage: "ingest", Measure: "rejected", Count: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	last := sec.Blocks[len(sec.Blocks)-1].Table
	if last.Caption != "Counts that do not add up" ||
		!strings.Contains(last.Rows[0][0].Text, "in 10 != out 8") {
		t.Errorf("a broken balance is not listed: %+v", last)
	}
	if per := sec.Blocks[0].Table; !per.Warn[0] || per.Rows[0][5].Text != "NO" {
		t.Errorf("the unbalanced source is not flagged: %+v", per.Rows[0])
	}
}

func TestPortraitStats(t *testing.T) {
	clv := int64(100)
	s := newPortraitStats()
	for _, p := range []schemas.Portrait{
		{Lifecycle: "unaware"},
		{Lifecycle: "aware"},
		{Lifecycle: "first_purchase", Orders: 1, RScore: 5, FScore: 1, GMVFen: 300, CLV12mFen: &clv},
		{Lifecycle: "loyal", Orders: 4, Frequency: 3, RScore: 5, FScore: 5, GMVFen: 900},
		{Lifecycle: "odd_stage", Orders: 1, GMVFen: 50},
	} {
		s.add(&p)
	}
	if s.Persons != 5 || s.Engaged != 4 || s.Buyers != 3 || s.RepeatBuyers != 1 ||
		s.Unscored != 1 ||
		s.NoCLV != 2 {
		t.Errorf("stats %+v", s)
	}
	if s.RFM[4][0] != 1 || s.RFM[4][4] != 1 || s.RFMGMV[4][4] != 900 {
		t.Errorf("RFM grid %v / %v", s.RFM, s.RFMGMV)
	}
	if st := s.stages(); st[len(st)-1] != "odd_stage" || st[0] != "unaware" {
		t.Errorf("stages %q: want funnel order then unknown ones", st)
	}
}

// TestMoneyInTheRunsCurrency: amounts are shown in the currency the manifest names, with its
// symbol and its minor unit's decimals, and CNY again once the report is built.
func TestMoneyInTheRunsCurrency(t *testing.T) {
	for _, c := range []struct{ code, want, short string }{
		{"BRL", "R$25,081.30", "R$1,200"},
		{"USD", "$25,081.30", "$1,200"},
		{"HKD", "HK$25,081.30", "HK$1,200"},
		{"JPY", "¥2,508,130", "¥120,000"},
		{"BHD", "BHD 2,508.130", "BHD 120"},
		{"XYZ", "¥25,081.30", "¥1,200"}, // not a currency: shown as CNY, as the manifest defaults
	} {
		done := speak(English, c.code)
		if got := amount(2508130); got != c.want {
			t.Errorf("%s: amount(2508130) = %s, want %s", c.code, got, c.want)
		}
		if got := amountShort(120000); got != c.short {
			t.Errorf("%s: amountShort(120000) = %s, want %s", c.code, got, c.short)
		}
		done()
	}
	if got := amount(150); got != "¥1.50" {
		t.Errorf("after a build in another currency: %s", got)
	}
}
