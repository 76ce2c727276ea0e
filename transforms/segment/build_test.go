package segment

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	beamstats "github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func membershipText(m schemas.SegmentMembership, emit func(string)) {
	if m.Kind != KindCluster {
		emit(m.PersonID + "/" + m.Kind + "/" + m.Segment)
	}
}

func clusterPerson(m schemas.SegmentMembership, emit func(string)) {
	if m.Kind == KindCluster {
		emit(m.PersonID)
	}
}

func summaryText(r schemas.SegmentSummary, emit func(string)) {
	switch r.Kind + "/" + r.Segment {
	case "all/all_persons",
		"rule/big",
		"rule/recent",
		"rfm/champions",
		"value/value_top_20pct",
		"value/value_decile_04":
		emit(fmt.Sprintf("%s/%s size=%d share=%.3f gmv=%.3f clv=%.0f prev=%d change=%d",
			r.Kind, r.Segment, r.Size, r.Share, r.GMVShare, r.AvgCLVFen, r.PreviousSize, r.Change))
	}
}

func activationText(a schemas.Activation) string {
	return fmt.Sprintf(
		"%s/%s/p%d/slot%d/%s/%d",
		a.PersonID,
		a.Segment,
		a.Priority,
		a.Slot,
		a.PhoneMD5[:8],
		len(a.PhoneSHA256),
	)
}

func ruleText(r schemas.AffinityRule) string {
	return fmt.Sprintf(
		"%s#%d %s=>%s conf=%.2f n=%d",
		r.Level,
		r.RuleID,
		strings.Join(r.Antecedent, "+"),
		r.Consequent,
		r.Confidence,
		r.Count,
	)
}

func nbpText(r schemas.NextBestProduct) string {
	return fmt.Sprintf("%s/%d/%s/%.2f/rule%d", r.PersonID, r.Rank, r.SKU, r.Score, r.Rule)
}

func countText(key string, n int64) string {
	k := quality.ParseKey(key)
	return fmt.Sprintf("%s/%s/%s/%s=%d", k.Source, k.Stage, k.Measure, k.Reason, n)
}

func profileSize(p schemas.ClusterProfile) int { return int(p.Size) }

func changeText(c schemas.ActivationChange) string {
	return fmt.Sprintf("%s/%s/%s/%s/%s", c.PersonID, c.Segment, c.Change, c.Reason, c.PhoneMD5[:8])
}

func fileText(f ActivationFile) string { return fmt.Sprintf("%s=%d", f.Path, f.Rows) }

func init() {
	register.Function2x0(membershipText)
	register.Function2x0(clusterPerson)
	register.Function2x0(summaryText)
	register.Function1x1(activationText)
	register.Function1x1(ruleText)
	register.Function1x1(nbpText)
	register.Function2x1(countText)
	register.Function1x1(profileSize)
	register.Function1x1(changeText)
	register.Function1x1(fileText)
}

const testSegments = `
activation:
  weekly_cap: 3
clusters:
  k: 2
  sample: 100
affinity:
  min_support: 0
  min_count: 2
  min_confidence: 0.5
  min_lift: 0
  min_len: 2
  max_len: 2
segments:
  - name: big
    priority: 1
    activate: true
    expression: gmv_fen >= 50000
  - name: recent
    priority: 2
    activate: true
    expression: days_since_last_seen <= 7
  - name: quiet
    priority: 3
    expression: orders == 0
`

func testPortraits() []schemas.Portrait {
	days := func(d int32) *int32 { return &d }
	clv := func(v int64) *int64 { return &v }
	return []schemas.Portrait{
		{
			PersonID:          "p1",
			MarketingConsent:  true,
			Orders:            5,
			GMVFen:            100000,
			CLV12mFen:         clv(50000),
			RScore:            5,
			FScore:            5,
			MScore:            5,
			Frequency:         4,
			RecencyDays:       60,
			LastSeenAt:        1,
			DaysSinceLastSeen: days(1),
			TouchesReceived7d: 2,
			Sessions:          30,
			ActiveDays30d:     12,
		},
		{
			PersonID:          "p2",
			MarketingConsent:  false,
			Orders:            2,
			GMVFen:            60000,
			CLV12mFen:         clv(10000),
			RScore:            1,
			FScore:            1,
			MScore:            1,
			Frequency:         1,
			RecencyDays:       10,
			LastSeenAt:        1,
			DaysSinceLastSeen: days(200),
		},
		{
			PersonID:         "p3",
			MarketingConsent: true,
			OpenComplaints:   1,
			Orders:           1,
			GMVFen:           70000,
			CLV12mFen:        clv(0),
			RScore:           3,
			FScore:           4,
			MScore:           5,
		},
		{
			PersonID:          "p4",
			MarketingConsent:  true,
			LastSeenAt:        1,
			DaysSinceLastSeen: days(0),
			Sessions:          3,
			ActiveDays30d:     2,
		},
		{
			PersonID:          "p5",
			MarketingConsent:  true,
			LastSeenAt:        1,
			DaysSinceLastSeen: days(3),
			Sessions:          2,
			ActiveDays30d:     1,
		},
		{PersonID: "p6", MarketingConsent: true},
	}
}

// TestBuild runs the stage on Prism over six hand-built persons: segments, summary, clusters,
// affinity rules, next best products, activation and its files.
func TestBuild(t *testing.T) {
	cfg, err := ParseConfig([]byte(testSegments), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Date = "2026-11-21"
	cfg.Output = t.TempDir()
	cfg.Previous = []schemas.SegmentSummary{{Segment: "big", Kind: KindRule, Size: 2}}
	csvDir := filepath.Join(cfg.Output, "dt="+cfg.Date, CSVFolder)
	if err := os.MkdirAll(csvDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(csvDir, "dropped_segment.csv"), []byte("stale"),
		0o644); err != nil {
		t.Fatal(err)
	}

	users := []schemas.User{
		{UserID: "u1", Phone: "+8613800000001", UpdatedAt: 1},
		{
			UserID:    "u1b",
			Phone:     "+8613800000002",
			UpdatedAt: 2,
		}, // p1's most recently updated account
		{UserID: "u2", Phone: "+8613800000003", UpdatedAt: 1},
		{UserID: "u3", Phone: "+8613800000004", UpdatedAt: 1},
		{UserID: "u4", UpdatedAt: 1}, // no phone
		{UserID: "u5", Phone: "+8613800000005", UpdatedAt: 1},
		{UserID: "ux", Phone: "+8613800000009", UpdatedAt: 1}, // not in the identity map
	}
	ids := map[string]string{
		"account:u1":           "p1",
		"account:u1b":          "p1",
		"account:u2":           "p2",
		"account:u3":           "p3",
		"account:u4":           "p4",
		"account:u5":           "p5",
		"device:d6":            "p6",
		"phone:+8613800000001": "p1",
	}
	orders := []schemas.Order{
		{OrderID: "o1", UserID: "u1", Status: "paid"},
		{OrderID: "o2", UserID: "u1b", Status: "completed"},
		{OrderID: "o3", UserID: "u2", Status: "paid"},
		{OrderID: "o4", UserID: "u3", Status: "refunded"},
		{OrderID: "o5", UserID: "u2", Status: "cancelled"},
	}
	line := func(order, sku string) schemas.OrderItem {
		return schemas.OrderItem{OrderID: order, SKU: sku, Quantity: 1}
	}
	items := []schemas.OrderItem{
		line("o1", "s1"),
		line("o1", "s2"),
		line("o2", "s1"),
		line("o2", "s2"),
		line("o2", "s3"),
		line("o3", "s1"),
		line("o3", "s2"),
		line("o3", "s2"),
		line("o4", "s1"),
		line("o5", "s3"),
	}
	products := []schemas.Product{
		{SKU: "s1", Category: "A"},
		{SKU: "s2", Category: "A"},
		{SKU: "s3", Category: "B"},
	}

	// Last night's audiences: p1 stays in big; the others leave, each for another reason.
	was := func(person, segment, phone string) schemas.Activation {
		m, sh := hashPhone(phone)
		return schemas.Activation{PersonID: person, Segment: segment, PhoneMD5: m, PhoneSHA256: sh}
	}
	previous := []schemas.Activation{
		was("p1", "big", "+8613800000002"),
		was("p2", "big", "+8613800000003"),
		was(
			"p6",
			"big",
			"+8613800000006",
		),
		was("p4", "recent", "+8613800000099"),
		was("p7", "recent", "+8613800000007"),
		was("p1", "recent", "+8613800000002"),
		was("p5", "old_segment", "+8613800000005"),
	}

	p, s := beam.NewPipelineWithRoot()
	in := Inputs{Portraits: beam.CreateList(s, testPortraits()), Orders: beam.CreateList(s, orders),
		OrderItems: beam.CreateList(
			s,
			items,
		), Products: beam.CreateList(s, products), Users: beam.CreateList(s, users),
		Identity: beam.ParDo(s, splitPair, beam.CreateList(s, pairs(ids))),
		PreviousActivation: beam.CreateList(
			s,
			previous,
		), Erased: beam.CreateList(s, []string{"p7"})}
	out := Build(s, in, cfg)

	passert.Equals(
		s,
		beam.ParDo(s, membershipText, beam.Flatten(s, out.Membership...)),
		"p1/rule/big",
		"p2/rule/big",
		"p3/rule/big",
		"p1/rule/recent",
		"p4/rule/recent",
		"p5/rule/recent",
		"p4/rule/quiet",
		"p5/rule/quiet",
		"p6/rule/quiet",
		"p1/rfm/champions",
		"p2/rfm/lost",
		"p3/rfm/loyal",
		"p1/value/value_decile_01",
		"p3/value/value_decile_04",
		"p2/value/value_decile_07",
		"p1/value/value_top_20pct",
	)
	passert.Equals(
		s,
		beam.ParDo(s, clusterPerson, beam.Flatten(s, out.Membership...)),
		"p1",
		"p2",
		"p3",
		"p4",
		"p5",
		"p6",
	)
	passert.Count(s, out.ClusterProfiles, "cluster profiles", 2)
	passert.Equals(s, beamstats.Sum(s, beam.ParDo(s, profileSize, out.ClusterProfiles)), 6)
	passert.Equals(s, beam.ParDo(s, summaryText, out.Summary),
		"all/all_persons size=6 share=1.000 gmv=1.000 clv=10000 prev=0 change=6",
		"rule/big size=3 share=0.500 gmv=1.000 clv=20000 prev=2 change=1",
		"rule/recent size=3 share=0.500 gmv=0.435 clv=16667 prev=0 change=3",
		"rfm/champions size=1 share=0.167 gmv=0.435 clv=50000 prev=0 change=1",
		"value/value_decile_04 size=1 share=0.167 gmv=0.304 clv=0 prev=0 change=1",
		"value/value_top_20pct size=1 share=0.167 gmv=0.435 clv=50000 prev=0 change=1")

	md5 := func(phone string) string { m, _ := hashPhone(phone); return m[:8] }
	passert.Equals(
		s,
		beam.ParDo(s, activationText, out.Activation),
		"p1/big/p1/slot3/"+md5(
			"+8613800000002",
		)+"/64",
		"p5/recent/p2/slot1/"+md5("+8613800000005")+"/64",
	)
	passert.Equals(
		s,
		beam.ParDo(s, countText, beamstats.SumPerKey(s, out.Counts)),
		"segment:big/activation/in/=3",
		"segment:big/activation/out/=1",
		"segment:big/activation/rejected/no_consent=1",
		"segment:big/activation/rejected/open_complaint=1",
		"segment:recent/activation/in/=3",
		"segment:recent/activation/out/=1",
		"segment:recent/activation/rejected/frequency_cap=1",
		"segment:recent/activation/rejected/no_phone=1",
		// Last night's lines + added = tonight's + removed, per audience.
		"audience:big/changes/carried/=3",
		"audience:big/changes/in/=0",
		"audience:big/changes/out/=1",
		"audience:big/changes/rejected/no_consent=1",
		"audience:big/changes/rejected/left_segment=1",
		"audience:recent/changes/carried/=3",
		"audience:recent/changes/in/=1",
		"audience:recent/changes/out/=1",
		"audience:recent/changes/rejected/no_phone=1",
		"audience:recent/changes/rejected/erased=1",
		"audience:recent/changes/rejected/frequency_cap=1",
		"audience:old_segment/changes/carried/=1",
		"audience:old_segment/changes/rejected/segment_inactive=1",
	)
	passert.Equals(s, beam.ParDo(s, fileText, out.ActivationFiles),
		"activation_csv/big.csv=1", "activation_csv/recent.csv=1",
		"activation_csv/changes/big.added.csv=0", "activation_csv/changes/big.removed.csv=2",
		"activation_csv/changes/recent.added.csv=1", "activation_csv/changes/recent.removed.csv=3",
		"activation_csv/changes/old_segment.removed.csv=1")
	passert.Equals(
		s,
		beam.ParDo(s, changeText, out.Changes),
		"p2/big/removed/no_consent/"+md5(
			"+8613800000003",
		),
		"p6/big/removed/left_segment/"+md5("+8613800000006"),
		"p4/recent/removed/no_phone/"+md5(
			"+8613800000099",
		),
		"/recent/removed/erased/"+md5("+8613800000007"),
		"p1/recent/removed/frequency_cap/"+md5("+8613800000002"),
		"p5/old_segment/removed/segment_inactive/"+md5("+8613800000005"),
		"p5/recent/added/joined/"+md5("+8613800000005"),
	)

	passert.Equals(
		s,
		beam.ParDo(s, ruleText, out.AffinityRules),
		"sku#1 s2=>s1 conf=1.00 n=3",
		"sku#2 s1=>s2 conf=0.75 n=3",
	)
	passert.Equals(s, beam.ParDo(s, nbpText, out.NextBestProducts), "p3/1/s2/0.75/rule2")

	// With Again, the value and cluster segments are those of the portraits it gives once the
	// deciles and the model are fitted (here all but p6, to tell them apart), the rest Portraits'.
	var gates int
	in.Again = func(s beam.Scope, after ...beam.PCollection) beam.PCollection {
		gates = len(after)
		return beam.CreateList(s, testPortraits()[:5])
	}
	again := Build(s.Scope("again"), in, cfg)
	if gates != 2 {
		t.Errorf("Again waits for %d collections, want the deciles and the cluster model", gates)
	}
	passert.Equals(
		s,
		beam.ParDo(s, clusterPerson, beam.Flatten(s, again.Membership...)),
		"p1",
		"p2",
		"p3",
		"p4",
		"p5",
	)
	ptest.RunAndValidate(t, p)

	got, err := filepath.Glob(filepath.Join(csvDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if len(got) != 3 || filepath.Base(got[0]) != "big.csv" ||
		filepath.Base(got[1]) != ChangesFolder ||
		filepath.Base(got[2]) != "recent.csv" {
		t.Fatalf(
			"activation folder holds %v, want big.csv, recent.csv and the changes folder only",
			got,
		)
	}
	m, sh := hashPhone("+8613800000002")
	if data, _ := os.ReadFile(got[0]); string(data) != CSVHeader+"\n"+m+","+sh+"\n" {
		t.Errorf("big.csv = %q", data)
	}
	m, sh = hashPhone("+8613800000005")
	added := filepath.Join(csvDir, ChangesFolder, "recent.added.csv")
	if data, _ := os.ReadFile(added); string(data) != CSVHeader+"\n"+m+","+sh+"\n" {
		t.Errorf("recent.added.csv = %q", data)
	}
}

func pairs(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func splitPair(kv string) (string, string) {
	k, v, _ := strings.Cut(kv, "=")
	return k, v
}

func init() {
	register.Function1x2(splitPair)
}

func profileText(p schemas.ClusterProfile) string {
	return fmt.Sprintf(
		"%s %s n=%d c=%.1f a=%.1f l=%.1f cr=%.1f",
		p.Features,
		p.Label,
		p.Size,
		p.ContributionGrade,
		p.ActivityGrade,
		p.LoyaltyGrade,
		p.CreditGrade,
	)
}

func init() { register.Function1x1(profileText) }

// TestClustersOnGrades fits the clusters on the scorecard grades: two groups of graded persons
// make two clusters, labelled from their grades, whose profiles carry the mean grades.
func TestClustersOnGrades(t *testing.T) {
	var ps []schemas.Portrait
	for i := range 10 {
		p := schemas.Portrait{
			PersonID:          fmt.Sprintf("p%02d", i),
			ContributionGrade: 5,
			ActivityGrade:     5,
			LoyaltyGrade:      4,
			CreditGrade:       5,
		}
		if i%2 == 1 {
			p.ContributionGrade, p.ActivityGrade, p.LoyaltyGrade, p.CreditGrade = 1, 2, 1, 0
		}
		ps = append(ps, p)
	}
	p, s := beam.NewPipelineWithRoot()
	portraits := beam.CreateList(s, ps)
	model := fitClusters(
		s,
		portraits,
		ClusterConfig{K: 2, Restarts: 2, Seed: 1, Sample: 100, Features: FeaturesGrades},
	)
	_, profiles := assignClusters(s, portraits, model)
	passert.Equals(s, beam.ParDo(s, profileText, profiles),
		"grades active loyal high contributors n=5 c=5.0 a=5.0 l=4.0 cr=5.0",
		"grades quiet new or one-off low contributors n=5 c=1.0 a=2.0 l=1.0 cr=0.0")
	ptest.RunAndValidate(t, p)
}
