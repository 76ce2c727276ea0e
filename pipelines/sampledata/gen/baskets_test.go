package gen

import (
	"math"
	"slices"
	"testing"

	"github.com/shopportraits/portraits/transforms/segment/affinity"
)

// TestPlantedCoPurchasesAreMined mines the generated orders' baskets as the nightly's affinity
// stage does (FP-growth, a rule kept from 10 baskets on) and finds the planted pairs: each
// companion rule with the confidence planted (companionRate, within sampling error; a little
// more, as a companion is sometimes picked on its own too) and a lift far above 1.
func TestPlantedCoPurchasesAreMined(t *testing.T) {
	items := readParquet[OrderItemRow](t, "platform/order_items/dt=*/*.parquet")
	byOrder := map[string][]string{}
	for _, it := range items {
		byOrder[it.OrderNo] = append(byOrder[it.OrderNo], it.SkuID)
	}
	var baskets [][]string
	for _, b := range byOrder {
		slices.Sort(b)
		baskets = append(baskets, slices.Compact(b))
	}
	rules, err := affinity.Mine(baskets, affinity.Options{
		MinSupport: 10 / float64(len(baskets)), MinConfidence: 0.1, MinLen: 2, MaxLen: 2})
	if err != nil {
		t.Fatal(err)
	}
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
