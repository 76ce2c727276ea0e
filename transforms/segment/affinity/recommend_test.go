package affinity

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRecommendToy(t *testing.T) {
	rules, err := Mine(toy, Options{MinSupport: 0.4, MinConfidence: 0.6, MinLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Basket {Milk, Diapers} fires Milk=>Bread and Diapers=>Bread (0.75,
	// lift 0.9375), Diapers=>Beer (0.75, lift 1.25) and the {Diapers, Milk}
	// rules to Beer, Bread and Cola (2/3). Beer ranks above Bread on lift.
	recs := Recommend(rules, []string{"Milk", "Diapers", "Milk"}, 10)
	var items []string
	for _, r := range recs {
		items = append(items, r.Item)
		rule := rules[r.Rule]
		if rule.Consequent != r.Item || rule.Confidence != r.Score {
			t.Errorf("%+v points at rule %s", r, ruleText(rule))
		}
	}
	if want := []string{"Beer", "Bread", "Cola"}; !slices.Equal(items, want) {
		t.Errorf("items %q, want %q", items, want)
	}
	if recs[0].Score != 0.75 || ruleText(rules[recs[0].Rule]) != "Diapers=>Beer 3 0.7500 1.2500" {
		t.Errorf("first recommendation %+v from %s", recs[0], ruleText(rules[recs[0].Rule]))
	}
	if got := Recommend(rules, []string{"Milk", "Diapers"}, 2); len(got) != 2 ||
		got[1].Item != "Bread" {
		t.Errorf("n=2: %+v", got)
	}
	if got := Recommend(rules, []string{"Eggs"}, 5); len(got) != 0 {
		t.Errorf("no rule fires on {Eggs}: %+v", got)
	}
	if got := Recommend(rules, []string{"Milk"}, 0); got != nil {
		t.Errorf("n=0: %+v", got)
	}
}

// TestRecommendProperties checks on random baskets that each suggestion
// comes from a fired rule, is the best such rule for its item, that the list
// is ranked, and that no better-scored item was left out.
func TestRecommendProperties(t *testing.T) {
	baskets := benchmarkBaskets(2000, 11)
	rules, err := Mine(baskets, Options{MinSupport: 0.005, MinConfidence: 0.05})
	if err != nil || len(rules) < 50 {
		t.Fatalf("%d rules, %v", len(rules), err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 200; trial++ {
		basket := baskets[rng.IntN(len(baskets))]
		n := 1 + rng.IntN(6)
		recs := Recommend(rules, basket, n)
		best := map[string]float64{}
		for _, r := range rules {
			if !slices.Contains(basket, r.Consequent) && subset(r.Antecedent, basket) {
				best[r.Consequent] = max(best[r.Consequent], r.Confidence)
			}
		}
		if len(recs) != min(n, len(best)) {
			t.Fatalf(
				"basket %q: %d recommendations, want min(%d, %d)",
				basket,
				len(recs),
				n,
				len(best),
			)
		}
		listed := map[string]bool{}
		for i, rec := range recs {
			r := rules[rec.Rule]
			if r.Consequent != rec.Item || !subset(r.Antecedent, basket) ||
				slices.Contains(basket, rec.Item) {
				t.Fatalf("basket %q: %+v from rule %s", basket, rec, ruleText(r))
			}
			if rec.Score != best[rec.Item] {
				t.Errorf(
					"basket %q: %s scored %v, its best fired rule has %v",
					basket,
					rec.Item,
					rec.Score,
					best[rec.Item],
				)
			}
			if i > 0 && recs[i-1].Score < rec.Score {
				t.Errorf("basket %q: not ranked by score: %+v", basket, recs)
			}
			listed[rec.Item] = true
		}
		for item, conf := range best {
			if !listed[item] && conf > recs[len(recs)-1].Score {
				t.Errorf(
					"basket %q: %s (%v) left out for %+v",
					basket,
					item,
					conf,
					recs[len(recs)-1],
				)
			}
		}
	}
}

func subset(items, basket []string) bool {
	for _, it := range items {
		if !slices.Contains(basket, it) {
			return false
		}
	}
	return true
}
