package segment

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment/affinity"
)

// Rule levels of the affinity_rules table.
const (
	LevelSKU      = "sku"
	LevelCategory = "category"
)

// mineLevel mines one level's baskets with the config's thresholds: the support threshold is the
// larger of min_support and min_count baskets; rules below min_lift are dropped and the max_rules
// of highest support (then confidence) kept, numbered from 1.
func mineLevel(
	level string,
	baskets [][]string,
	cfg AffinityConfig,
) ([]schemas.AffinityRule, error) {
	n := len(baskets)
	if n == 0 {
		return nil, nil
	}
	support := math.Max(cfg.MinSupport, float64(cfg.MinCount)/float64(n))
	rules, err := affinity.Mine(baskets, affinity.Options{MinSupport: math.Min(support, 1),
		MinConfidence: cfg.MinConfidence, MinLen: cfg.MinLen, MaxLen: cfg.MaxLen})
	if err != nil {
		return nil, fmt.Errorf("segment: mining %s rules of %d baskets: %w", level, n, err)
	}
	var out []schemas.AffinityRule
	for _, r := range rules {
		if r.Lift < cfg.MinLift {
			continue
		}
		if len(out) == cfg.MaxRules {
			break
		}
		out = append(out, schemas.AffinityRule{Level: level, RuleID: int64(len(out) + 1),
			Antecedent: r.Antecedent, Consequent: r.Consequent, Support: r.Support,
			Confidence: r.Confidence, Lift: r.Lift, Count: int64(r.Count)})
	}
	return out, nil
}

// recommender suggests products from the SKU rules, looking only at the rules a basket can fire.
type recommender struct {
	rules  []affinity.Rule
	ids    []int64
	byItem map[string][]int // rules by the first item of their antecedent
	always []int            // rules with an empty antecedent
}

// newRecommender indexes the SKU-level rows of the affinity_rules table, in rule_id order.
func newRecommender(rows []schemas.AffinityRule) *recommender {
	var sku []schemas.AffinityRule
	for _, r := range rows {
		if r.Level == LevelSKU {
			sku = append(sku, r)
		}
	}
	slices.SortFunc(
		sku,
		func(a, b schemas.AffinityRule) int { return cmp.Compare(a.RuleID, b.RuleID) },
	)
	rec := &recommender{byItem: map[string][]int{}}
	for i, r := range sku {
		rec.rules = append(
			rec.rules,
			affinity.Rule{Antecedent: r.Antecedent, Consequent: r.Consequent,
				Support: r.Support, Confidence: r.Confidence, Lift: r.Lift, Count: int(r.Count)},
		)
		rec.ids = append(rec.ids, r.RuleID)
		if len(r.Antecedent) == 0 {
			rec.always = append(rec.always, i)
		} else {
			first := slices.Min(r.Antecedent)
			rec.byItem[first] = append(rec.byItem[first], i)
		}
	}
	return rec
}

// recommend returns up to n products for a person who bought the given SKUs, never one of them:
// affinity.Recommend over the rules whose antecedent could be held by the basket.
func (r *recommender) recommend(person string, bought []string, n int) []schemas.NextBestProduct {
	if n <= 0 || len(r.rules) == 0 {
		return nil
	}
	idx := slices.Clone(r.always)
	for _, it := range bought {
		idx = append(idx, r.byItem[it]...)
	}
	if len(idx) == 0 {
		return nil
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	subset := make([]affinity.Rule, len(idx))
	for k, i := range idx {
		subset[k] = r.rules[i]
	}
	var out []schemas.NextBestProduct
	for k, rec := range affinity.Recommend(subset, bought, n) {
		out = append(
			out,
			schemas.NextBestProduct{PersonID: person, Rank: int32(k + 1), SKU: rec.Item,
				Score: rec.Score, Rule: r.ids[idx[rec.Rule]]},
		)
	}
	return out
}
