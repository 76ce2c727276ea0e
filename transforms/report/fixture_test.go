package report

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

const fixtureDate = "2026-11-21"

// fixtureTables are publishtest's run (quality, rejects, accounts, identity map, portraits) with
// what the report also reads: guards and links, nulled fields, CLVs and repeat buyers, the segment
// summary and the affinity rules.
func fixtureTables(persons int) map[string][]any {
	tables := publishtest.Run(1, persons)
	for i, row := range tables["portraits"] {
		p := row.(schemas.Portrait)
		if p.Orders > 0 {
			p.Frequency = float64(p.Orders - 1)
			if i%5 != 4 { // one buyer in five has no CLV (the model left them out)
				clv := int64(i*i*97%40_000 + 1_000)
				p.CLV12mFen = &clv
			}
		}
		tables["portraits"][i] = p
	}
	tables["quality"] = append(
		tables["quality"],
		schemas.QualityCount{Source: "orders", Stage: "ingest", Measure: "in", Count: 30},
		schemas.QualityCount{Source: "orders", Stage: "ingest", Measure: "out", Count: 30},
		schemas.QualityCount{Source: "orders", Stage: "clean", Measure: "in", Count: 30},
		schemas.QualityCount{Source: "orders", Stage: "clean", Measure: "out", Count: 25},
		schemas.QualityCount{
			Source:  "orders",
			Stage:   "clean",
			Measure: "rejected",
			Reason:  "negative_total",
			Count:   3,
		},
		schemas.QualityCount{Source: "orders", Stage: "clean", Measure: "deduplicated", Count: 2},
		schemas.QualityCount{
			Source:  "orders",
			Stage:   "clean",
			Measure: "nulled",
			Reason:  "coupon_code",
			Count:   4,
		},
		schemas.QualityCount{
			Source:  "identity",
			Stage:   "resolve",
			Measure: "guard",
			Reason:  "cap_device:device",
			Count:   7,
		},
		schemas.QualityCount{
			Source:  "identity",
			Stage:   "resolve",
			Measure: "guard",
			Reason:  "blocklist:phone",
			Count:   2,
		},
		schemas.QualityCount{
			Source:  "identity",
			Stage:   "resolve",
			Measure: "linked",
			Reason:  "persons",
			Count:   int64(persons),
		},
		schemas.QualityCount{
			Source:  "identity",
			Stage:   "resolve",
			Measure: "linked",
			Reason:  "match:site_posts",
			Count:   5,
		},
	)
	tables["segment_summary"] = []any{
		schemas.SegmentSummary{
			Segment:      "all_persons",
			Kind:         "all",
			Size:         int64(persons),
			Share:        1,
			GMVShare:     1,
			AvgCLVFen:    5000,
			PreviousSize: int64(persons) - 2,
			Change:       2,
		},
		schemas.SegmentSummary{
			Segment:      "vip",
			Kind:         "rule",
			Size:         4,
			Share:        0.1,
			GMVShare:     0.4,
			AvgCLVFen:    25012.4,
			PreviousSize: 6,
			Change:       -2,
		},
		schemas.SegmentSummary{
			Segment:      "champions",
			Kind:         "rfm",
			Size:         3,
			Share:        0.075,
			GMVShare:     0.3,
			AvgCLVFen:    30000,
			PreviousSize: 3,
		},
		schemas.SegmentSummary{
			Segment:      "cluster_01",
			Kind:         "cluster",
			Size:         21,
			Share:        0.525,
			GMVShare:     0.5,
			AvgCLVFen:    4000,
			PreviousSize: 20,
			Change:       1,
		},
		schemas.SegmentSummary{
			Segment:      "value_decile_01",
			Kind:         "value",
			Size:         3,
			Share:        0.075,
			GMVShare:     0.35,
			AvgCLVFen:    20000,
			PreviousSize: 0,
			Change:       3,
		},
	}
	tables["affinity_rules"] = []any{
		schemas.AffinityRule{
			Level:      "sku",
			RuleID:     2,
			Antecedent: []string{"SKU-TEA-01"},
			Consequent: "SKU-CUP-07",
			Support:    0.05,
			Confidence: 0.4,
			Lift:       3.2,
			Count:      12,
		},
		schemas.AffinityRule{
			Level:      "sku",
			RuleID:     1,
			Antecedent: []string{"SKU-A", "SKU-B"},
			Consequent: "SKU-C",
			Support:    0.08,
			Confidence: 0.61,
			Lift:       2.5,
			Count:      20,
		},
		schemas.AffinityRule{
			Level:      "category",
			RuleID:     1,
			Antecedent: []string{"tea"},
			Consequent: "teaware",
			Support:    0.12,
			Confidence: 0.5,
			Lift:       1.8,
			Count:      30,
		},
	}
	tables["cluster_profiles"] = []any{
		schemas.ClusterProfile{Cluster: 2, Segment: "cluster_02", Label: "occasional browsers",
			Size: 25, Share: 0.625, K: 2, Silhouette: 0.41, TrainingSize: 40, GMVFen: 1200,
			Frequency: 0.1, RecencyDays: 80, ActiveDays30d: 2, Sessions: 3, DaysSinceLastSeen: 20},
		schemas.ClusterProfile{Cluster: 1, Segment: "cluster_01", Label: "frequent high spenders",
			Size: 15, Share: 0.375, K: 2, Silhouette: 0.41, TrainingSize: 40, GMVFen: 52000,
			Frequency: 3.5, RecencyDays: 12, ActiveDays30d: 14, Sessions: 30, DaysSinceLastSeen: 1},
	}
	return tables
}

// modelCard is a model card as the portrait stage describes it.
const modelCard = `{"date":"2026-11-21","as_of":"2026-11-21","persons_with_facts":40,` +
	`"buyers":30,"repeat_buyers":12,
"purchase_model":"bg_nbd",
"purchase_model_reason":"the BG/NBD fit (penalizer 0) passes the checks of a degenerate fit",
"bg_nbd":{"r":0.2426,"alpha":4.4135,"a":0.7929,"b":2.4258},"bg_nbd_groups":17,` +
	`"gamma_gamma_error":"too few repeat buyers",
"recency_cuts":[3,9,20,41],"price_cuts":[],` +
	`"sentiment":{"trained":true,"positive":80,"negative":20,"accuracy":0.875}}`

const predictionCard = `{"date":"2026-11-21","cutoff":"2026-10-22","horizon_days":30,
"propensity":{"trained":true,"metrics":{"auc":0.787}},` +
	`"churn":{"trained":false,"reason":"too few labelled persons"}}`

const matchCard = `{"threshold":0.95,"models":[{"name":"post","prior":1.04e-05,"owner_share":0.7,
"fields":[{"name":"phone_last4","levels":[` +
	`{"level":"exact","m":0.723,"u":0.000113,"weight_bits":12.64},
{"level":"else","m":0.277,"u":0.999887,"weight_bits":-1.85}]}]}]}`

// writeFixture writes the fixture run under a new folder and returns the output folder.
func writeFixture(t *testing.T, tables map[string][]any, card bool) string {
	t.Helper()
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, fixtureDate, tables)
	if card {
		if err := os.WriteFile(filepath.Join(dir, "model_card.json"), []byte(modelCard),
			0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "prediction_card.json"), []byte(predictionCard),
			0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, matchCardFile), []byte(matchCard), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// reversed is the tables with every table's rows in the opposite order.
func reversed(tables map[string][]any) map[string][]any {
	out := map[string][]any{}
	for name, rows := range tables {
		r := slices.Clone(rows)
		slices.Reverse(r)
		out[name] = r
	}
	return out
}
