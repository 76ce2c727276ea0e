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

// bestSellers are one category's products in the most paid baskets, best first (ties by SKU): the
// products a category rule suggests.
type bestSellers struct {
	Category string
	SKUs     []string
}

// rankBestSellers keeps, per category, the n products in the most baskets, and n more, so that a
// person who bought some of them still gets n suggestions.
func rankBestSellers(baskets [][]string, category map[string]string, n int) []bestSellers {
	in := map[string]int{}
	for _, b := range baskets {
		for _, sku := range b {
			in[sku]++
		}
	}
	per := map[string][]string{}
	for sku := range in {
		if c := category[sku]; c != "" {
			per[c] = append(per[c], sku)
		}
	}
	out := make([]bestSellers, 0, len(per))
	for c, skus := range per {
		slices.SortFunc(skus, func(a, b string) int {
			return cmp.Or(cmp.Compare(in[b], in[a]), cmp.Compare(a, b))
		})
		out = append(out, bestSellers{Category: c, SKUs: skus[:min(len(skus), 2*n)]})
	}
	slices.SortFunc(out, func(a, b bestSellers) int { return cmp.Compare(a.Category, b.Category) })
	return out
}

// ruleIndex holds one level's rules in rule_id order, indexed by the first item of their
// antecedent, so that a basket looks only at the rules it can fire.
type ruleIndex struct {
	rules  []affinity.Rule
	ids    []int64
	byItem map[string][]int // rules by the first item of their antecedent
	always []int            // rules with an empty antecedent
}

// newRuleIndex indexes the rows of one level.
func newRuleIndex(rows []schemas.AffinityRule, level string) *ruleIndex {
	var kept []schemas.AffinityRule
	for _, r := range rows {
		if r.Level == level {
			kept = append(kept, r)
		}
	}
	slices.SortFunc(
		kept,
		func(a, b schemas.AffinityRule) int { return cmp.Compare(a.RuleID, b.RuleID) },
	)
	x := &ruleIndex{byItem: map[string][]int{}}
	for i, r := range kept {
		x.rules = append(
			x.rules,
			affinity.Rule{Antecedent: r.Antecedent, Consequent: r.Consequent,
				Support: r.Support, Confidence: r.Confidence, Lift: r.Lift, Count: int(r.Count)},
		)
		x.ids = append(x.ids, r.RuleID)
		if len(r.Antecedent) == 0 {
			x.always = append(x.always, i)
		} else {
			first := slices.Min(r.Antecedent)
			x.byItem[first] = append(x.byItem[first], i)
		}
	}
	return x
}

// fire is affinity.Recommend over the rules whose antecedent could be held by the basket, with
// each recommendation's rule as a rule_id.
func (x *ruleIndex) fire(basket []string, n int) (items []string, scores []float64, ids []int64) {
	idx := slices.Clone(x.always)
	for _, it := range basket {
		idx = append(idx, x.byItem[it]...)
	}
	if len(idx) == 0 || n <= 0 {
		return nil, nil, nil
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	subset := make([]affinity.Rule, len(idx))
	for k, i := range idx {
		subset[k] = x.rules[i]
	}
	for _, rec := range affinity.Recommend(subset, basket, n) {
		items, scores = append(items, rec.Item), append(scores, rec.Score)
		ids = append(ids, x.ids[idx[rec.Rule]])
	}
	return items, scores, ids
}

// recommender suggests products from the rules: the SKU rules' consequents first, then, for the
// slots left, the best seller the person has not bought of each category the category rules
// suggest (a person's categories are those of the products they bought).
type recommender struct {
	sku, cat *ruleIndex
	best     map[string][]string
	category map[string]string
}

// newRecommender indexes the affinity_rules rows, the categories' best sellers and the catalog's
// SKU → category map.
func newRecommender(
	rows []schemas.AffinityRule,
	sellers []bestSellers,
	category map[string]string,
) *recommender {
	r := &recommender{sku: newRuleIndex(rows, LevelSKU), cat: newRuleIndex(rows, LevelCategory),
		best: map[string][]string{}, category: category}
	for _, b := range sellers {
		r.best[b.Category] = b.SKUs
	}
	return r
}

// recommend returns up to n products for a person who bought the given SKUs, never one of them
// and never one twice.
func (r *recommender) recommend(person string, bought []string, n int) []schemas.NextBestProduct {
	var out []schemas.NextBestProduct
	taken := map[string]bool{}
	for _, sku := range bought {
		taken[sku] = true
	}
	add := func(sku string, score float64, rule int64, level string) {
		taken[sku] = true
		out = append(out, schemas.NextBestProduct{PersonID: person, Rank: int32(len(out) + 1),
			SKU: sku, Score: score, Rule: rule, RuleLevel: level})
	}
	items, scores, ids := r.sku.fire(bought, n)
	for i, sku := range items {
		add(sku, scores[i], ids[i], LevelSKU)
	}
	cats, scores, ids := r.cat.fire(categoriesOf(bought, r.category), len(r.cat.rules))
	for i, c := range cats {
		if len(out) >= n {
			break
		}
		for _, sku := range r.best[c] {
			if !taken[sku] {
				add(sku, scores[i], ids[i], LevelCategory)
				break
			}
		}
	}
	return out
}
