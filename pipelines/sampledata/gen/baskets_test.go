package gen

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/segment/affinity"
)

// TestPlantedCoPurchasesAreMined mines the generated orders' baskets as the nightly's affinity
// stage does (FP-growth, a rule kept from 10 baskets on) and finds the planted pairs: each
// companion rule with the confidence planted (companionRate, within sampling error; a little
// more, as a companion is sometimes picked on its own too) and a lift far above 1.
func TestPlantedCoPurchasesAreMined(t *testing.T) {
	baskets := generatedBaskets(t, func(sku string) string { return sku })
	rules := mine(t, baskets)
	cat := NewCatalog(sampleConfig.Seed, sampleConfig.Persons,
		NewWindow(sampleConfig.Date, sampleConfig.Days))
	planted := map[[2]string]bool{}
	for i, c := range cat.Companion {
		if c >= 0 {
			planted[[2]string{cat.Products[i].SKU, cat.Products[c].SKU}] = true
		}
	}
	found := 0
	for _, r := range rules {
		if len(r.Antecedent) != 1 || !planted[[2]string{r.Antecedent[0], r.Consequent}] {
			continue
		}
		found++
		// Three standard deviations of a share of the antecedent's baskets.
		n := float64(r.Count) / r.Confidence
		slack := 3 * math.Sqrt(companionRate*(1-companionRate)/n)
		if r.Confidence < companionRate-slack || r.Lift < 10 {
			t.Errorf("planted rule %v => %s: confidence %.2f (planted %.2f ± %.2f), lift %.1f",
				r.Antecedent, r.Consequent, r.Confidence, companionRate, slack, r.Lift)
		}
	}
	if found < len(planted)/4 {
		t.Errorf("%d of %d planted pairs found in %d baskets", found, len(planted), len(baskets))
	}
}

// TestPlantedCategoryAffinitiesAreMined mines the baskets' top categories as the nightly does and
// finds every category's mate (TopMate) with a lift well above 1, so that category rules suggest
// a product to most buyers. Only orders of more than one line hold a mate, so a rule's confidence
// is below the planted rate: half of it at least.
func TestPlantedCategoryAffinitiesAreMined(t *testing.T) {
	top := map[string]string{}
	for _, p := range readParquet[ProductRow](t, "platform/products/dt=*/*.parquet") {
		top[p.SkuID], _, _ = strings.Cut(p.CategoryPath, "/")
	}
	baskets := generatedBaskets(t, func(sku string) string { return top[sku] })
	found := 0
	for _, r := range mine(t, baskets) {
		if len(r.Antecedent) != 1 || topMates[r.Antecedent[0]] != r.Consequent {
			continue
		}
		found++
		if r.Confidence < mateRate/2 || r.Lift < 1.5 {
			t.Errorf("planted rule %v => %s: confidence %.2f (planted %.2f), lift %.1f",
				r.Antecedent, r.Consequent, r.Confidence, mateRate, r.Lift)
		}
	}
	if found != len(topMates) {
		t.Errorf("%d of %d planted category pairs found in %d baskets", found, len(topMates),
			len(baskets))
	}
}

// generatedBaskets are the generated orders' baskets of items named by name(SKU), each sorted
// and without repeats; an item named "" is left out.
func generatedBaskets(t *testing.T, name func(string) string) [][]string {
	t.Helper()
	byOrder := map[string][]string{}
	for _, it := range readParquet[OrderItemRow](t, "platform/order_items/dt=*/*.parquet") {
		if n := name(it.SkuID); n != "" {
			byOrder[it.OrderNo] = append(byOrder[it.OrderNo], n)
		}
	}
	var baskets [][]string
	for _, b := range byOrder {
		slices.Sort(b)
		baskets = append(baskets, slices.Compact(b))
	}
	return baskets
}

// mine finds the pair rules of the baskets as the nightly's defaults do: kept from 10 baskets on,
// confidence from 0.1.
func mine(t *testing.T, baskets [][]string) []affinity.Rule {
	t.Helper()
	rules, err := affinity.Mine(baskets, affinity.Options{
		MinSupport: 10 / float64(len(baskets)), MinConfidence: 0.1, MinLen: 2, MaxLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	return rules
}
