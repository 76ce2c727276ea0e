package main

import (
	"context"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// TestSampleSuggestsProductsToMostBuyers runs the nightly on the bundled sample, as the README's
// first command does (with the tests' salt), and checks what a new user should see of the basket
// analysis: SKU and category rules with lifts well above 1, and next-best products for most
// buyers, from rules of both levels.
func TestSampleSuggestsProductsToMostBuyers(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	runNightly(t, "../../sample/sources.yaml", out)
	rules, err := sink.ReadTable[schemas.AffinityRule](ctx, out, testDate, "affinity_rules")
	if err != nil {
		t.Fatal(err)
	}
	strong := map[string]int{}
	for _, r := range rules {
		if r.Lift >= 1.5 {
			strong[r.Level]++
		}
	}
	if strong["sku"] == 0 || strong["category"] == 0 {
		t.Errorf("rules with a lift of 1.5 or more, per level: %v", strong)
	}
	nbp, err := sink.ReadTable[schemas.NextBestProduct](ctx, out, testDate, "next_best_products")
	if err != nil {
		t.Fatal(err)
	}
	suggested, levels := map[string]bool{}, map[string]int{}
	for _, p := range nbp {
		suggested[p.PersonID] = true
		levels[p.RuleLevel]++
	}
	portraits, err := sink.ReadTable[schemas.Portrait](ctx, out, testDate, "portraits")
	if err != nil {
		t.Fatal(err)
	}
	buyers, withSuggestion := 0, 0
	for _, p := range portraits {
		if p.Orders > 0 {
			buyers++
			if suggested[p.PersonID] {
				withSuggestion++
			}
		}
	}
	if 2*withSuggestion <= buyers || levels["sku"] == 0 || levels["category"] == 0 {
		t.Errorf("next-best products for %d of %d buyers, per rule level %v", withSuggestion,
			buyers, levels)
	}
}
