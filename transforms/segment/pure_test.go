package segment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment/affinity"
)

func TestDecide(t *testing.T) {
	picks := []pick{{"c", 2}, {"a", 1}, {"b", 2}, {"d", 3}, {"a", 1}}
	reasons := func(ds []decision) string {
		var out []string
		for _, d := range ds {
			r := d.Reason
			if r == "" {
				r = fmt.Sprintf("slot%d", d.Slot)
			}
			out = append(out, d.Segment+":"+r)
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		c     candidate
		phone bool
		cap   int
		want  string
	}{
		{
			candidate{Picks: picks, Consent: true},
			true,
			3,
			"a:slot1 b:slot2 c:slot3 d:frequency_cap",
		},
		{
			candidate{Picks: picks, Consent: true, Touches7d: 2},
			true,
			3,
			"a:slot3 b:frequency_cap c:frequency_cap d:frequency_cap",
		},
		{
			candidate{Picks: picks, Consent: true, Touches7d: 5},
			true,
			3,
			"a:frequency_cap b:frequency_cap c:frequency_cap d:frequency_cap",
		},
		{
			candidate{Picks: picks, Consent: false, Complaints: 1},
			false,
			3,
			"a:no_consent b:no_consent c:no_consent d:no_consent",
		},
		{
			candidate{Picks: picks, Consent: true, Complaints: 1},
			false,
			3,
			"a:open_complaint b:open_complaint c:open_complaint d:open_complaint",
		},
		{
			candidate{Picks: picks, Consent: true},
			false,
			3,
			"a:no_phone b:no_phone c:no_phone d:no_phone",
		},
		{candidate{Picks: picks[:1], Consent: true}, true, 0, "c:frequency_cap"},
	}
	for _, c := range cases {
		if got := reasons(decide(c.c, c.phone, c.cap)); got != c.want {
			t.Errorf("%+v phone %v cap %d:\n got %s\nwant %s", c.c, c.phone, c.cap, got, c.want)
		}
	}
}

// decileByDefinition is 1 + floor(10 * #{buyers with more} / #buyers).
func decileByDefinition(all []int64, v int64) int {
	more := 0
	for _, w := range all {
		if w > v {
			more++
		}
	}
	return 1 + more*10/len(all)
}

func TestValueDeciles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(60)
		gmv := make([]int64, n)
		for i := range gmv {
			gmv[i] = int64(rng.IntN(1 + trial%20)) // many ties in early trials
		}
		c := cutValues(slices.Clone(gmv))
		for _, v := range gmv {
			if got, want := c.decile(v), decileByDefinition(gmv, v); got != want {
				t.Fatalf("values %v: decile of %d = %d, want %d", gmv, v, got, want)
			}
		}
		sorted := slices.Clone(gmv)
		slices.Sort(sorted)
		top := (n*2 + 9) / 10
		if c.Top20Min != sorted[n-top] {
			t.Fatalf(
				"values %v: top-20%% threshold %d, want the %d-th largest %d",
				gmv,
				c.Top20Min,
				top,
				sorted[n-top],
			)
		}
	}
}

func TestEightyTwenty(t *testing.T) {
	// 10 buyers: the top two hold 80 of 100.
	c := cutValues([]int64{50, 30, 5, 3, 3, 3, 2, 2, 1, 1})
	if c.Top20Min != 30 || c.decile(50) != 1 || c.decile(30) != 2 || c.decile(1) != 9 {
		t.Errorf("cuts %+v", c)
	}
}

func TestLabels(t *testing.T) {
	mean := []float64{1, 1, 1, 1, 1, 1, 0.2, 3}
	std := []float64{1, 1, 1, 1, 1, 1, 0.1, 1}
	centroids := [][]float64{
		{2, 2, 12, 12, 2, 2, 0.2, 2}, // frequent, big spend, active
		{0, 0, 0, 0, 0, 0, 0, 5},     // never bought, long gone
		{0, 0, 0, 0, 0, 0, 0, 5.5},   // the same again
		{0, 1, 6, 6, 1, 1, 0.5, 3},   // one-off buyers on discount
	}
	got := labels(centroids, mean, std)
	want := []string{
		"active frequent high spenders",
		"lapsed non-buyers",
		"lapsed non-buyers (2)",
		"one-off high spenders on discount",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
}

func TestFeatures(t *testing.T) {
	share, days := 0.5, int32(900)
	p := schemas.Portrait{
		Frequency:          3,
		GMVFen:             1000,
		Sessions:           4,
		DiscountOrderShare: &share,
		DaysSinceLastSeen:  &days,
	}
	raw := rawFeatures(&p)
	if raw[fFrequency] != 3 || raw[fGMV] != 1000 || raw[fDiscount] != 0.5 ||
		raw[fSinceSeen] != maxDaysSinceSeen {
		t.Errorf("raw %v", raw)
	}
	if never := rawFeatures(&schemas.Portrait{}); never[fSinceSeen] != maxDaysSinceSeen ||
		never[fDiscount] != 0 {
		t.Errorf("never seen: %v", never)
	}
	if x := modelFeatures(raw); x[fDiscount] != 0.5 || x[fFrequency] <= 1.38 ||
		x[fFrequency] >= 1.39 {
		t.Errorf("model features %v", x)
	}
}

// randomBaskets draws baskets over a small catalog with two planted pairs.
func randomBaskets(rng *rand.Rand, n int) [][]string {
	out := make([][]string, n)
	for i := range out {
		var b []string
		for j := 0; j < 1+rng.IntN(3); j++ {
			b = append(b, fmt.Sprintf("s%02d", rng.IntN(20)))
		}
		if rng.IntN(3) == 0 {
			b = append(b, "s90", "s91")
		}
		if rng.IntN(4) == 0 {
			b = append(b, "s80", "s81", "s82")
		}
		slices.Sort(b)
		out[i] = slices.Compact(b)
	}
	return out
}

func TestMineLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	baskets := randomBaskets(rng, 400)
	cfg := AffinityConfig{
		MinSupport:    0.001,
		MinCount:      30,
		MinConfidence: 0.3,
		MinLift:       1.5,
		MinLen:        2,
		MaxLen:        3,
		MaxRules:      1000,
	}
	rows, err := mineLevel(LevelSKU, baskets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no rules from planted pairs")
	}
	for i, r := range rows {
		if r.RuleID != int64(i+1) || r.Count < 30 || r.Lift < 1.5 || r.Confidence < 0.3 ||
			len(r.Antecedent) < 1 ||
			len(r.Antecedent) > 2 {
			t.Errorf("rule %+v breaks the thresholds", r)
		}
	}
	cfg.MaxRules = 2
	capped, err := mineLevel(LevelSKU, baskets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(capped) != 2 || !reflect.DeepEqual(capped, rows[:2]) {
		t.Errorf("max_rules 2 kept %+v, want the first two of %+v", capped, rows[:2])
	}
}

// TestRecommenderMatchesAffinity checks the indexed recommender against affinity.Recommend over
// every rule.
func TestRecommenderMatchesAffinity(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	baskets := randomBaskets(rng, 500)
	cfg := AffinityConfig{MinCount: 3, MinConfidence: 0.05, MinLen: 1, MaxLen: 3, MaxRules: 100000}
	rows, err := mineLevel(LevelSKU, baskets, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rows = append(
		rows,
		schemas.AffinityRule{
			Level:      LevelCategory,
			RuleID:     1,
			Antecedent: []string{"s01"},
			Consequent: "zz",
			Confidence: 1,
		},
	)
	rec := newRecommender(rows, nil, nil) // no catalog: the category rule never fires
	all := make([]affinity.Rule, 0, len(rows))
	for _, r := range rows[:len(rows)-1] {
		all = append(
			all,
			affinity.Rule{Antecedent: r.Antecedent, Consequent: r.Consequent, Support: r.Support,
				Confidence: r.Confidence, Lift: r.Lift, Count: int(r.Count)},
		)
	}
	for _, b := range randomBaskets(rng, 200) {
		got := rec.recommend("p", b, 4)
		want := affinity.Recommend(all, b, 4)
		if len(got) != len(want) {
			t.Fatalf("basket %v: %d suggestions, want %d", b, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.SKU != w.Item || g.Score != w.Score || g.Rule != rows[w.Rule].RuleID ||
				g.Rank != int32(i+1) ||
				slices.Contains(b, g.SKU) {
				t.Fatalf(
					"basket %v: suggestion %d = %+v, want %+v (rule %d)",
					b,
					i,
					g,
					w,
					rows[w.Rule].RuleID,
				)
			}
		}
	}
}

// TestCategoryRulesFillTheSlotsLeft: after the SKU rules' products, each category a category rule
// suggests gives its best seller the person has not bought, never a product twice.
func TestCategoryRulesFillTheSlotsLeft(t *testing.T) {
	rows := []schemas.AffinityRule{
		{Level: LevelSKU, RuleID: 1, Antecedent: []string{"a1"}, Consequent: "a2", Confidence: 0.9},
		{Level: LevelCategory, RuleID: 7, Antecedent: []string{"A"}, Consequent: "B",
			Confidence: 0.5},
		{Level: LevelCategory, RuleID: 8, Antecedent: []string{"A"}, Consequent: "C",
			Confidence: 0.3},
	}
	category := map[string]string{"a1": "A", "a2": "A", "b1": "B", "b2": "B", "c1": "C"}
	sellers := rankBestSellers([][]string{{"b1"}, {"b1", "b2"}, {"a1", "c1"}, {"b2", "b1"}},
		category, 1)
	want := []bestSellers{{"A", []string{"a1"}}, {"B", []string{"b1", "b2"}}, {"C", []string{"c1"}}}
	if fmt.Sprint(sellers) != fmt.Sprint(want) {
		t.Fatalf("best sellers %v, want %v", sellers, want)
	}
	rec := newRecommender(rows, sellers, category)
	for _, c := range []struct {
		bought []string
		n      int
		want   string
	}{
		{[]string{"a1"}, 5, "a2/sku/1/0.9 b1/category/7/0.5 c1/category/8/0.3"},
		{[]string{"a1"}, 2, "a2/sku/1/0.9 b1/category/7/0.5"},
		{[]string{"a1", "b2"}, 5, "a2/sku/1/0.9 c1/category/8/0.3"}, // B is theirs already
		{[]string{"a2", "c1"}, 5, "b1/category/7/0.5"},              // no SKU rule fires
		{[]string{"b1"}, 5, ""},
	} {
		var got []string
		for i, p := range rec.recommend("p", c.bought, c.n) {
			if p.Rank != int32(i+1) || p.PersonID != "p" {
				t.Errorf("%v: suggestion %d is %+v", c.bought, i, p)
			}
			got = append(got, fmt.Sprintf("%s/%s/%d/%v", p.SKU, p.RuleLevel, p.Rule, p.Score))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%v, n %d: %v, want %s", c.bought, c.n, got, c.want)
		}
	}
}

func TestSummarise(t *testing.T) {
	byKey := map[string]stats{
		statKey(KindAll, allPersons):     {Size: 4, GMV: 1000, CLV: 400},
		statKey(KindRule, "vip"):         {Size: 1, GMV: 600, CLV: 300},
		statKey(KindCluster, "orphaned"): {Size: 1},
	}
	rs := []Rule{{Name: "vip"}, {Name: "empty"}}
	prev := []schemas.SegmentSummary{
		{Segment: "vip", Kind: KindRule, Size: 3},
		{Segment: "vip", Kind: KindRFM, Size: 9},
	}
	rows := summarise(byKey, summaryRows(rs, 2), prev)
	byName := map[string]schemas.SegmentSummary{}
	for _, r := range rows {
		byName[r.Kind+"/"+r.Segment] = r
	}
	if want := 1 + 2 + 11 + 11 + 2 + 1; len(rows) != want {
		t.Errorf("%d rows, want %d", len(rows), want)
	}
	if r := byName["rule/vip"]; r.Size != 1 || r.Share != 0.25 || r.GMVShare != 0.6 ||
		r.AvgCLVFen != 300 ||
		r.PreviousSize != 3 ||
		r.Change != -2 {
		t.Errorf("vip row %+v", r)
	}
	if r := byName["rule/empty"]; r.Size != 0 || r.Share != 0 || r.AvgCLVFen != 0 ||
		r.PreviousSize != 0 {
		t.Errorf("empty row %+v", r)
	}
	if r := byName["all/all_persons"]; r.Share != 1 || r.GMVShare != 1 || r.AvgCLVFen != 100 {
		t.Errorf("all row %+v", r)
	}
	if _, ok := byName["cluster/orphaned"]; !ok || rows[0].Segment != allPersons ||
		rows[1].Segment != "vip" {
		t.Errorf("rows out of order or lost: %+v", rows)
	}
}

func TestCSVContent(t *testing.T) {
	data, n := csvContent([]string{"b,2", "", "a,1", "b,2"})
	if string(data) != "phone_md5,phone_sha256\na,1\nb,2\n" || n != 2 {
		t.Errorf("got %q, %d rows", data, n)
	}
	if data, n := csvContent([]string{""}); string(data) != CSVHeader+"\n" || n != 0 {
		t.Errorf("empty audience: %q, %d", data, n)
	}
}

func TestHashPhone(t *testing.T) {
	// Reference values: printf '+8613800138000' | md5sum (and sha256sum).
	m, s := hashPhone("+8613800138000")
	if m != "709559e9597fadc042d59c664fe27e7e" ||
		s != "ec61f3c620a98bdead8c1f1f0ae747abd1b62a0c2dba4fd4bc22cf0d1d8653e5" {
		t.Errorf("hashes %s %s", m, s)
	}
}

func TestNewerPhone(t *testing.T) {
	a := phoneRec{MD5: "a", UpdatedAt: 5, UserID: "u1"}
	b := phoneRec{MD5: "b", UpdatedAt: 7, UserID: "u0"}
	c := phoneRec{MD5: "c", UpdatedAt: 7, UserID: "u2"}
	for _, order := range [][]phoneRec{{a, b, c}, {c, b, a}, {b, a, c}} {
		got := newerPhone(newerPhone(order[0], order[1]), order[2])
		if got.MD5 != "c" {
			t.Errorf("%v: kept %v, want the latest account with the larger id", order, got)
		}
	}
}

// statuses iterates over a fixed list.
func statuses(list ...status) func(*status) bool {
	return func(s *status) bool {
		if len(list) == 0 {
			return false
		}
		*s, list = list[0], list[1:]
		return true
	}
}

func TestPersonLines(t *testing.T) {
	f := &personLinesFn{Activated: []string{"a", "b"}}
	collect := func(person string, prev, now []status, erased bool) []string {
		var out []string
		marks := []bool{}
		if erased {
			marks = append(marks, true)
		}
		f.ProcessElement(person, statuses(prev...), statuses(now...), func(b *bool) bool {
			if len(marks) == 0 {
				return false
			}
			*b, marks = marks[0], marks[1:]
			return true
		}, func(key string, s lineSide) {
			side := "now"
			if s.Previous {
				side = "was"
			}
			out = append(
				out,
				fmt.Sprintf(
					"%s %s %s %s",
					strings.ReplaceAll(key, keySep, "|"),
					side,
					s.Person,
					s.Reason,
				),
			)
		})
		slices.Sort(out)
		return out
	}
	got := collect(
		"p",
		[]status{
			{Segment: "a", Line: "L1"},
			{Segment: "b", Line: "L2"},
			{Segment: "old", Line: "L3"},
		},
		[]status{{Segment: "a", Line: "L9"}, {Segment: "b", Reason: NoConsent}},
		false,
	)
	want := []string{
		"a|L1 was p phone_changed",
		"a|L9 now p phone_changed",
		"b|L2 was p no_consent",
		"old|L3 was p segment_inactive",
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines %q, want %q", got, want)
	}
	got = collect(
		"p",
		[]status{{Segment: "a", Line: "L1"}},
		[]status{{Segment: "a", Line: "L1"}, {Segment: "b", Line: "L1"}},
		false,
	)
	want = []string{"a|L1 now p joined", "a|L1 was p ", "b|L1 now p joined"}
	if !slices.Equal(got, want) {
		t.Errorf("a kept line: %q, want %q", got, want)
	}
	got = collect("p", []status{{Segment: "a", Line: "L1"}, {Segment: "b", Line: "L2"}}, nil, true)
	want = []string{"a|L1 was  erased", "b|L2 was  erased"}
	if !slices.Equal(got, want) {
		t.Errorf("an erased person: %q, want %q", got, want)
	}
	if got := collect("p", []status{{Segment: "a", Line: "L1"}}, nil, false); !slices.Equal(
		got,
		[]string{"a|L1 was p left_segment"},
	) {
		t.Errorf("a person no longer in the segment: %q", got)
	}
}

func TestFirstHolder(t *testing.T) {
	sides := []lineSide{
		{Person: "p9", Reason: NoConsent},
		{Person: "", Reason: Erased},
		{Person: "p1", Reason: LeftSegment},
	}
	if got := first(sides); got.Person != "" || got.Reason != Erased {
		t.Errorf("first = %+v, want the erased holder", got)
	}
	if got := first(sides[:1:1]); got.Person != "p9" {
		t.Errorf("first of one = %+v", got)
	}
}

func TestAssociationRows(t *testing.T) {
	names := []string{"contribution_grade", "preferred_channel", "lifecycle"}
	counts := map[string]int64{}
	// 100 persons: 30 grade-5 app loyal; 70 grade-1 web aware, of whom 10 use the app.
	for _, p := range []struct {
		key string
		n   int64
	}{{"5" + keySep + "app" + keySep + "loyal", 30}, {"1" + keySep + "web" + keySep + "aware", 60},
		{"1" + keySep + "app" + keySep + "aware", 10}, {"" + keySep + "" + keySep + "unaware", 0}} {
		countCombinations(counts, itemsOf(names, p.key), 3, p.n)
	}
	if got := itemsOf(names, keySep+"app"+keySep); !slices.Equal(
		got,
		[]string{"preferred_channel=app"},
	) {
		t.Errorf("items of a profile with nulls: %q", got)
	}
	rows := associationRows(
		counts,
		100,
		AssociationConfig{MinCount: 5, MinSupport: 0.05, MinLift: 1.2, MaxRows: 100},
	)
	byItems := map[string]schemas.CharacteristicAssociation{}
	for i, r := range rows {
		if r.AssociationID != int64(i+1) || (i > 0 && r.Lift > rows[i-1].Lift) {
			t.Errorf("row %d out of order: %+v", i, r)
		}
		byItems[strings.Join(r.Characteristics, " ")] = r
	}
	pair, ok := byItems["contribution_grade=5 preferred_channel=app"]
	// support 0.30; app 0.40, grade 5 0.30: expected 0.12, lift 2.5.
	if !ok || pair.Count != 30 || math.Abs(pair.Lift-2.5) > 1e-9 ||
		math.Abs(pair.ExpectedSupport-0.12) > 1e-9 ||
		pair.Size != 2 {
		t.Errorf("grade 5 with the app: %+v (found %v)", pair, ok)
	}
	if _, ok := byItems["contribution_grade=1 preferred_channel=app"]; ok {
		t.Error("a combination rarer than chance is listed")
	}
	if tri, ok := byItems["contribution_grade=5 lifecycle=loyal preferred_channel=app"]; !ok ||
		tri.Size != 3 {
		t.Errorf("the three together are not listed: %+v", tri)
	}
	for _, r := range rows {
		if r.Size < 2 || r.Lift < 1.2 || r.Count < 5 {
			t.Errorf("a row below the thresholds: %+v", r)
		}
	}
	if got := associationRows(counts, 100, AssociationConfig{MinCount: 1, MinLift: 1.2,
		MaxRows: 2}); len(
		got,
	) != 2 {
		t.Errorf("max_rows 2 kept %d", len(got))
	}
}

func TestGradeLabel(t *testing.T) {
	for _, c := range []struct {
		centroid []float64
		want     string
	}{
		{[]float64{4.6, 4.2, 4.1, 5}, "active loyal high contributors"},
		{[]float64{1.2, 1.8, 1.5, 3}, "quiet new or one-off low contributors with payment incidents"},
		{[]float64{0, 3, 0, 0}, "non-buyers"},
		{[]float64{0, 0.1, 0, 0}, "unseen non-buyers"},
	} {
		if got := gradeLabel(c.centroid); got != c.want {
			t.Errorf("gradeLabel(%v) = %q, want %q", c.centroid, got, c.want)
		}
	}
}
