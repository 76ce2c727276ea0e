package gen

import (
	"math"
	"strings"
	"testing"
	"time"
)

func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi || math.IsNaN(got) {
		t.Errorf("%s = %.3f, want %.3f..%.3f", what, got, lo, hi)
	}
}

func TestPlatformRates(t *testing.T) {
	idx := truthIndex(t)
	end := NewWindow(sampleConfig.Date, sampleConfig.Days).End
	orders := readParquet[OrderRow](t, "platform/orders/dt=*/*.parquet")
	buyers := map[string]bool{}
	nos := map[string]bool{}
	for _, o := range orders {
		buyers[idx["uid"][o.UID][0]] = true
		nos[o.OrderNo] = true
		if time.UnixMicro(o.CreateTime).After(end) || time.UnixMicro(o.UpdateTime).After(end) ||
			time.UnixMicro(o.PayTime).After(end) {
			t.Errorf("order %s has a time after the business day", o.OrderNo)
		}
	}
	persons := float64(sampleConfig.Persons)
	within(t, "share of persons who buy", float64(len(buyers))/persons, 0.24, 0.36)
	within(t, "orders per buyer", float64(len(nos))/float64(len(buyers)), 2.3, 3.4)
	items := readParquet[OrderItemRow](t, "platform/order_items/dt=*/*.parquet")
	orphans := 0
	for _, it := range items {
		if !nos[it.OrderNo] {
			orphans++
		}
	}
	within(t, "items per order", float64(len(items))/float64(len(nos)), 1.35, 1.8)
	if orphans == 0 {
		t.Error("no orphan order items")
	}

	users := readParquet[UserRow](t, "platform/users/dt=*/*.parquet")
	consent, test, bad := 0, 0, 0
	for _, u := range users {
		if u.MarketingOptIn {
			consent++
		}
		if strings.HasSuffix(strings.TrimSpace(strings.ToLower(u.Email)), "@test.com") ||
			strings.HasPrefix(u.NickName, "测试") {
			test++
		}
		if u.Age == 230 || u.Age == -1 || u.Age == 999 || strings.HasPrefix(u.Birthday, "1899") {
			bad++
		}
	}
	within(t, "marketing consent", float64(consent)/float64(len(users)), 0.62, 0.78)
	if test == 0 || bad == 0 {
		t.Errorf(
			"%d test accounts and %d impossible ages or birthdays: want some of each",
			test,
			bad,
		)
	}
}

func TestEventRates(t *testing.T) {
	events := sampleEvents(t)
	w := NewWindow(sampleConfig.Date, sampleConfig.Days)
	var bots, late, anon int
	ids := map[string]int{}
	types := map[string]int{}
	for _, e := range events {
		if isBot(e) {
			bots++
		}
		ids[e["event_id"].(string)]++
		types[e["event"].(string)]++
		if uid, _ := e["uid"].(string); uid == "" {
			anon++
		}
		if ts := eventTime(t, e); ts.After(w.End) {
			late++
		}
	}
	n := float64(len(events))
	within(t, "bot share", float64(bots)/n, 0.02, 0.045)
	within(t, "replayed share", 1-float64(len(ids))/n, 0.01, 0.035)
	within(t, "share after the business day", float64(late)/n, 0, 0.001)
	within(t, "anonymous share", float64(anon)/n, 0.1, 0.6)
	if types["teleport"] == 0 || types["login"] == 0 || types["checkout"] == 0 {
		t.Errorf("event types %v", types)
	}
}

// eventTime is the "ts" of an event or touch line in any of the formats the clients write.
func eventTime(t *testing.T, e map[string]any) time.Time {
	t.Helper()
	switch v := e["ts"].(type) {
	case float64:
		return time.UnixMilli(int64(v))
	case string:
		ts, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if ts, err = time.ParseInLocation(layoutNaive, v, Shanghai); err != nil {
				t.Fatalf("ts %q", v)
			}
		}
		return ts
	}
	t.Fatalf("ts %v", e["ts"])
	return time.Time{}
}

func TestReviewSentimentFollowsStars(t *testing.T) {
	contains := func(text string, lists ...[]string) bool {
		for _, l := range lists {
			for _, p := range l {
				if strings.Contains(text, p) {
					return true
				}
			}
		}
		return false
	}
	var negatives, positives [][]string
	negatives = append(append(negatives, negativeGeneral), negativeByTop...)
	positives = append(append(positives, positiveGeneral), positiveByTop...)
	n := 0
	for _, f := range glob(t, "feedback/reviews/dt=*/*.jsonl") {
		objs, _ := jsonLines(t, f)
		for _, r := range objs {
			stars, _ := r["stars"].(float64)
			text, _ := r["content"].(string)
			if (stars == 5 && contains(text, negatives...)) ||
				(stars == 1 && contains(text, positives...)) {
				t.Errorf("%v stars but %q", stars, text)
			}
			n++
		}
	}
	if n < 50 {
		t.Errorf("only %d reviews", n)
	}
}
