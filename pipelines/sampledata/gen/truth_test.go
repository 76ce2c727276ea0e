package gen

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// truthIndex maps kind and value to the persons the truth file gives them.
func truthIndex(t *testing.T) map[string]map[string][]string {
	t.Helper()
	idx := map[string]map[string][]string{}
	recs := csvRecords(t, filepath.Join(sampleDir, "truth/persons.csv.gz"), "utf-8")
	for _, r := range recs[1:] {
		if len(r) != 3 {
			t.Fatalf("truth record %q", r)
		}
		if idx[r[1]] == nil {
			idx[r[1]] = map[string][]string{}
		}
		idx[r[1]][r[2]] = append(idx[r[1]][r[2]], r[0])
	}
	return idx
}

var truthKinds = regexp.MustCompile(
	`^(uid|phone_e164|email|device_id|anon_id|ticket_id|post_id|vendor_md5)$`,
)

func TestTruthCoversEveryIdentifier(t *testing.T) {
	idx := truthIndex(t)
	for kind := range idx {
		if !truthKinds.MatchString(kind) {
			t.Errorf("unknown truth kind %q", kind)
		}
	}
	for uid, persons := range idx["uid"] {
		if len(persons) != 1 {
			t.Errorf("uid %s belongs to %v", uid, persons)
		}
	}
	miss := func(kind, v, where string) {
		if v != "" && len(idx[kind][v]) == 0 {
			t.Errorf("%s %q of %s is not in the truth", kind, v, where)
		}
	}
	for _, u := range readParquet[UserRow](t, "platform/users/dt=*/*.parquet") {
		miss("uid", u.UID, "users")
	}
	for _, o := range readParquet[OrderRow](t, "platform/orders/dt=*/*.parquet") {
		miss("uid", o.UID, "orders")
	}
	for _, e := range sampleEvents(t) {
		if isBot(e) {
			continue
		}
		for _, key := range []string{"uid", "device_id", "anon_id"} {
			v, _ := e[key].(string)
			miss(key, v, "events")
		}
	}
	for _, f := range glob(t, "marketing/touches/dt=*/*.jsonl.gz") {
		objs, _ := jsonLines(t, f)
		for _, e := range objs {
			miss("uid", e["uid"].(string), "touches")
		}
	}
	for _, f := range glob(t, "feedback/reviews/dt=*/*.jsonl") {
		objs, _ := jsonLines(t, f)
		for _, e := range objs {
			miss("uid", e["uid"].(string), "reviews")
		}
	}
	for _, f := range glob(t, "feedback/tickets/dt=*/*.csv") {
		for _, r := range csvRecords(t, f, "utf-8")[1:] {
			miss("ticket_id", r[0], "tickets")
			if len(r) > 1 {
				miss("uid", r[1], "tickets")
			}
		}
	}
	matched := 0
	for _, f := range glob(t, "vendor/acme/*.csv") {
		for _, r := range csvRecords(t, f, "gbk")[1:] {
			if len(idx["vendor_md5"][strings.ToLower(r[0])]) > 0 {
				matched++
			}
		}
	}
	if matched == 0 {
		t.Error("no vendor row matches a person")
	}
	for kind, want := range map[string]int{"uid": 1000, "phone_e164": 1000, "email": 500,
		"device_id": 500, "anon_id": 100, "ticket_id": 20, "post_id": 10, "vendor_md5": 500} {
		if len(idx[kind]) < want {
			t.Errorf("only %d %s values in the truth", len(idx[kind]), kind)
		}
	}
}

func TestSecondAccountsShareSomething(t *testing.T) {
	idx := truthIndex(t)
	byPerson := map[string]int{}
	for _, persons := range idx["uid"] {
		byPerson[persons[0]]++
	}
	two := 0
	for _, n := range byPerson {
		if n == 2 {
			two++
		}
	}
	share := float64(two) / float64(len(byPerson))
	if share < 0.025 || share > 0.08 {
		t.Errorf("%.3f of persons with accounts have two (want ~0.05)", share)
	}
}
