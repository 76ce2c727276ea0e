package affinity

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchmarkBaskets makes n seeded baskets over 1,000 products: 1 + Poisson(3)
// Zipf-popular products each, and with probability 0.3 one of 40 planted
// bundles of two to four products.
func benchmarkBaskets(n int, seed uint64) [][]string {
	rng := rand.New(rand.NewPCG(seed, 99))
	zipf := rand.NewZipf(rng, 1.1, 10, 999)
	bundles := make([][]string, 40)
	for i := range bundles {
		for j := 0; j < 2+i%3; j++ {
			bundles[i] = append(bundles[i], fmt.Sprintf("p%03d", rng.IntN(1000)))
		}
	}
	baskets := make([][]string, n)
	for i := range baskets {
		size := 1
		for l := 0.0; ; size++ { // Poisson(3) by exponential gaps
			if l += rng.ExpFloat64() / 3; l > 1 {
				break
			}
		}
		for j := 0; j < size; j++ {
			baskets[i] = append(baskets[i], fmt.Sprintf("p%03d", zipf.Uint64()))
		}
		if rng.Float64() < 0.3 {
			baskets[i] = append(baskets[i], bundles[rng.IntN(len(bundles))]...)
		}
	}
	return baskets
}

// BenchmarkMine mines 200,000 baskets at confidence 0.1 and supports of
// 0.001 (200 baskets) and 0.0001 (20 baskets).
func BenchmarkMine(b *testing.B) {
	baskets := benchmarkBaskets(200_000, 1)
	for _, support := range []float64{0.001, 0.0001} {
		b.Run(fmt.Sprintf("support=%g", support), func(b *testing.B) {
			opt := Options{MinSupport: support, MinConfidence: 0.1}
			var rules []Rule
			for b.Loop() {
				var err error
				if rules, err = Mine(baskets, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rules)), "rules")
		})
	}
}
