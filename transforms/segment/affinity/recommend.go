package affinity

import (
	"cmp"
	"slices"
)

// Recommendation is an item suggested for a basket.
type Recommendation struct {
	// Item is the suggested item, never one of the basket's.
	Item string
	// Score is the confidence of the rule that suggests it.
	Score float64
	// Rule indexes the rules slice given to Recommend: the best rule that
	// fired for Item.
	Rule int
}

// Recommend returns at most n items that the rules firing on basket (those
// whose antecedent the basket holds whole, so every {} => y rule fires)
// suggest, leaving out the basket's own items. An item suggested by several
// rules takes the best of them: highest confidence, then lift, then support,
// then the first in rules. Items are ranked by that rule's confidence, then
// lift, then item name.
func Recommend(rules []Rule, basket []string, n int) []Recommendation {
	if n <= 0 {
		return nil
	}
	in := make(map[string]bool, len(basket))
	for _, it := range basket {
		in[it] = true
	}
	best := map[string]int{}
	for i, r := range rules {
		if in[r.Consequent] || !holdsAll(in, r.Antecedent) {
			continue
		}
		if j, ok := best[r.Consequent]; !ok || betterRule(r, rules[j]) {
			best[r.Consequent] = i
		}
	}
	recs := make([]Recommendation, 0, len(best))
	for item, i := range best {
		recs = append(recs, Recommendation{Item: item, Score: rules[i].Confidence, Rule: i})
	}
	slices.SortFunc(recs, func(a, b Recommendation) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(rules[b.Rule].Lift, rules[a.Rule].Lift); c != 0 {
			return c
		}
		return cmp.Compare(a.Item, b.Item)
	})
	return recs[:min(n, len(recs))]
}

func holdsAll(in map[string]bool, items []string) bool {
	for _, it := range items {
		if !in[it] {
			return false
		}
	}
	return true
}

// betterRule tells whether a beats b: higher confidence, then lift, then
// support. On a tie the earlier rule stays.
func betterRule(a, b Rule) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	if a.Lift != b.Lift {
		return a.Lift > b.Lift
	}
	return a.Support > b.Support
}
