package rules

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
)

func TestEveryColumnIsAVariable(t *testing.T) {
	vars := map[string]Variable{}
	for _, v := range Variables() {
		vars[v.Name] = v
	}
	for _, want := range []struct{ name, typ string }{
		{"person_id", "string"}, {"orders", "int"}, {"gmv_fen", "int"}, {"refund_rate", "double"},
		{"marketing_consent", "bool"}, {"top_categories", "list(string)"},
		{"last_order_at", "google.protobuf.Timestamp"}, {"has_days_since_last_seen", "bool"},
	} {
		if v, ok := vars[want.name]; !ok || v.Type != want.typ {
			t.Errorf("variable %s: got %+v, want type %s", want.name, v, want.typ)
		}
	}
	if _, ok := vars["has_orders"]; ok {
		t.Error("a required column has a has_ flag")
	}
}

func match(t *testing.T, expr string, p schemas.Portrait) (bool, error) {
	t.Helper()
	prg, err := Compile(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return prg.Match(&p)
}

func TestMatch(t *testing.T) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	zero, one, rate := int32(0), int32(1), 0.0
	seenToday := schemas.Portrait{
		Lifecycle:         "interested",
		LastSeenAt:        day.UnixMicro(),
		DaysSinceLastSeen: &zero,
		TopCategories:     []string{"beauty", "food"},
		Orders:            2,
		RefundRate:        &rate,
		AvgRating:         4.5,
		LastOrderAt: day.Add(-time.Hour).
			UnixMicro(),
		DaysSinceLastOrder: &one,
		BestContactWeekday: 3,
		BestContactHour:    &zero,
	}
	neverSeen := schemas.Portrait{Lifecycle: "interested"}
	cases := []struct {
		expr        string
		p           schemas.Portrait
		want, known bool
	}{
		{
			`lifecycle == "interested" && days_since_last_seen <= 7 && "beauty" in top_categories`,
			seenToday,
			true,
			true,
		},
		{`lifecycle == "interested" && days_since_last_seen <= 7`, neverSeen, false, false},
		{`!(days_since_last_seen > 7)`, neverSeen, false, false},
		{`!has_days_since_last_seen || days_since_last_seen > 30`, neverSeen, true, true},
		{`has_days_since_last_seen`, seenToday, true, true},
		{`days_since_last_seen <= 7 || lifecycle == "interested"`, neverSeen, true, true},
		{`days_since_last_seen <= 7 && lifecycle == "loyal"`, neverSeen, false, true},
		{`refund_rate < 0.1`, seenToday, true, true},     // zero with orders is a value
		{`refund_rate < 0.1`, neverSeen, false, false},   // null without orders
		{`best_contact_hour < 6`, seenToday, true, true}, // hour 0 is a value
		{`avg_rating >= 4`, seenToday, true, true},       // double against int
		{`last_order_at < timestamp("2026-11-01T00:00:00Z")`, seenToday, true, true},
		{`sets.intersects(top_categories, ["food", "toys"])`, seenToday, true, true},
		{`size(top_categories) == 0`, neverSeen, true, true},
		{`gender == "female"`, neverSeen, false, false},
		{`city_tier <= 2`, neverSeen, false, false}, // a zero plain optional is null
		{`orders / (orders - 2) > 0`, seenToday, false, false},
	}
	for _, c := range cases {
		got, err := match(t, c.expr, c.p)
		if got != c.want || (err == nil) != c.known {
			t.Errorf("%s: got %v, %v; want %v, known %v", c.expr, got, err, c.want, c.known)
		}
		if err != nil && !errors.Is(err, ErrUnknown) {
			t.Errorf("%s: error %v does not wrap ErrUnknown", c.expr, err)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for expr, want := range map[string]string{
		`lifecyle == "loyal"`:          "undeclared reference to 'lifecyle'",
		`orders == "3"`:                "no matching overload",
		`orders + 1`:                   "gives int, want bool",
		`lifecycle == "loyal" &&`:      "Syntax error",
		`top_categories.contains("x")`: "found no matching overload",
	} {
		_, err := Compile(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", expr, err, want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	prg, err := Compile(
		`lifecycle == "interested" && days_since_last_seen <= 7 && "beauty" in top_categories`,
	)
	if err != nil {
		b.Fatal(err)
	}
	days := int32(3)
	p := schemas.Portrait{
		Lifecycle:         "interested",
		LastSeenAt:        1,
		DaysSinceLastSeen: &days,
		TopCategories:     []string{"food", "beauty"},
	}
	for b.Loop() {
		if ok, err := prg.Match(&p); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
