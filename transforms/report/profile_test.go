package report

import (
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
)

// TestProfileSection counts persons and GMV per characteristic, unknown values last, a person
// under each of their top categories, and the best contact times.
func TestProfileSection(t *testing.T) {
	hour := func(h int32) *int32 { return &h }
	pos, neg := 0.9, 0.2
	f := newProfile()
	for _, p := range []schemas.Portrait{
		{PersonID: "a", Gender: "female", AgeBand: "25-34", CityTier: 1, GMVFen: 30000,
			TopCategories: []string{"美妆", "服饰"}, PreferredChannel: "app",
			BestContactWeekday: 5, BestContactHour: hour(20), TouchesReceived30d: 4,
			TouchesOpened30d: 1, Sentiment: &pos},
		{PersonID: "b", Gender: "female", AgeBand: "25-34", GMVFen: 10000,
			TopCategories: []string{"美妆"}, PreferredChannel: "web", BestContactWeekday: 5,
			BestContactHour: hour(20), TouchesReceived30d: 4, TouchesOpened30d: 3, Sentiment: &neg,
			OpenComplaints: 1},
		{PersonID: "c", Gender: "male"},
	} {
		f.add(&p)
	}
	f.zone = "Asia/Shanghai"
	f.purchases = &clock{}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	// Sunday 16:30 UTC is Monday 00:30 in Shanghai.
	f.purchases.add(time.Date(2026, 11, 22, 16, 30, 0, 0, time.UTC), shanghai)
	sec, err := f.section()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ caption, key, col, want string }{
		{"Who: gender", "female", "persons", "2"},
		{"Who: gender", "female", "share of GMV", "100.0%"},
		{"Who: age band", unknown, "persons", "1"},
		{"Who: city tier", "tier 1", "GMV", "¥300.00"},
		{"What: top categories", "美妆", "persons", "2"},
		{"What: top categories", "服饰", "share of GMV", "42.9%"},
		{"When: persons by best contact weekday and hour (Asia/Shanghai)", "Fri", "20", "2"},
		{"When: paid orders by weekday and hour placed (Asia/Shanghai)", "Mon", "0", "1"},
		{"When: paid orders by weekday and hour placed (Asia/Shanghai)", "Sun", "16", "0"},
		{"Which channel and feedback", "opened or clicked", "value", "4 (50.0%)"},
		{"Which channel and feedback", "persons with an open complaint", "value", "1"},
	}
	for _, c := range checks {
		if got := cell(t, sec, c.caption, c.key, c.col); got != c.want {
			t.Errorf("%s, %s, %s: %s, want %s", c.caption, c.key, c.col, got, c.want)
		}
	}
	rows := sec.Blocks[0].Table.Rows // age band: the known band first, unknown last
	if rows[0][0].Text != "25-34" || rows[len(rows)-1][0].Text != label(unknown) {
		t.Errorf("age band rows %v, want 25-34 first and the unknown last", rows)
	}
}
