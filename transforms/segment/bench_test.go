package segment

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
)

// benchBaskets draws n baskets of 1 + Poisson(2) Zipf-popular SKUs out of 20,000, a third of
// them with one of 50 planted bundles.
func benchBaskets(n int, seed uint64) [][]string {
	rng := rand.New(rand.NewPCG(seed, 7))
	zipf := rand.NewZipf(rng, 1.2, 5, 19_999)
	bundles := make([][]string, 50)
	for i := range bundles {
		for j := 0; j < 2+i%2; j++ {
			bundles[i] = append(bundles[i], "sku"+strconv.Itoa(rng.IntN(20_000)))
		}
	}
	out := make([][]string, n)
	for i := range out {
		b := []string{"sku" + strconv.FormatUint(zipf.Uint64(), 10)}
		for l := rng.ExpFloat64() / 2; l < 1; l += rng.ExpFloat64() / 2 {
			b = append(b, "sku"+strconv.FormatUint(zipf.Uint64(), 10))
		}
		if rng.IntN(3) == 0 {
			b = append(b, bundles[rng.IntN(len(bundles))]...)
		}
		slices.Sort(b)
		out[i] = slices.Compact(b)
	}
	return out
}

// BenchmarkMineLevel mines SKU rules with the default thresholds; heap-MB is the live heap with
// the baskets loaded, as the mining worker holds them.
func BenchmarkMineLevel(b *testing.B) {
	cfg, err := LoadConfig("")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("baskets=%d", n), func(b *testing.B) {
			baskets := benchBaskets(n, 1)
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			var rules []schemas.AffinityRule
			for b.Loop() {
				if rules, err = mineLevel(LevelSKU, baskets, cfg.Affinity); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
			b.ReportMetric(float64(len(rules)), "rules")
		})
	}
}

// benchPortraits makes n portraits with a spread of activity and spend, a third non-buyers.
func benchPortraits(n int) []schemas.Portrait {
	rng := rand.New(rand.NewPCG(11, 12))
	out := make([]schemas.Portrait, n)
	for i := range out {
		p := schemas.Portrait{PersonID: fmt.Sprintf("p%07d", i), MarketingConsent: rng.IntN(5) > 0,
			Sessions: int32(
				rng.IntN(40),
			), ActiveDays30d: int32(rng.IntN(20)), TouchesReceived7d: int32(rng.IntN(4)),
			Lifecycle: []string{"interested", "repeat", "loyal", "dormant"}[rng.IntN(4)]}
		if rng.IntN(10) > 0 {
			d := int32(rng.IntN(400))
			p.LastSeenAt, p.DaysSinceLastSeen = 1, &d
		}
		if rng.IntN(3) > 0 {
			p.Orders = int32(1 + rng.IntN(10))
			p.GMVFen = int64(rng.ExpFloat64() * 50000 * float64(p.Orders))
			p.Frequency = float64(p.Orders - 1)
			p.RecencyDays = float64(rng.IntN(300))
			p.MonetaryValueFen = float64(p.GMVFen) / float64(p.Orders)
			share, clv, since := rng.Float64(), int64(rng.ExpFloat64()*40000), int32(rng.IntN(300))
			p.DiscountOrderShare, p.CLV12mFen, p.DaysSinceLastOrder, p.LastOrderAt = &share, &clv, &since, 1
			p.RScore, p.FScore, p.MScore = int32(
				1+rng.IntN(5),
			), int32(
				1+rng.IntN(5),
			), int32(
				1+rng.IntN(5),
			)
		}
		out[i] = p
	}
	return out
}

// BenchmarkFitClusters trains the default model (k 2 to 8 by silhouette, 10 restarts) on a sample
// of the default bound.
func BenchmarkFitClusters(b *testing.B) {
	cfg, err := LoadConfig("")
	if err != nil {
		b.Fatal(err)
	}
	var acc sampleAcc
	row := &sampleRowFn{Seed: 1}
	for _, p := range benchPortraits(cfg.Clusters.Sample) {
		acc.Rows = append(acc.Rows, row.ProcessElement(p))
	}
	fit := &fitFn{Cfg: cfg.Clusters}
	var model string
	for b.Loop() {
		if err := fit.ProcessElement(acc, func(m string) { model = m }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(model)), "model-bytes")
}

// BenchmarkBuild runs the whole stage with the default segments on 20,000 portraits, 40,000
// paid orders of 2 to 3 lines and their accounts, on the test runner (Prism unless --runner).
func BenchmarkBuild(b *testing.B) {
	cfg, err := LoadConfig("")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Date, cfg.Output = "2026-11-21", b.TempDir()
	const persons, orders = 20_000, 40_000
	portraits := benchPortraits(persons)
	var users []schemas.User
	var ids []string
	for i := range persons {
		u := fmt.Sprintf("u%07d", i)
		users = append(
			users,
			schemas.User{UserID: u, Phone: fmt.Sprintf("+86138%08d", i), UpdatedAt: 1},
		)
		ids = append(ids, "account:"+u+"="+portraits[i].PersonID)
	}
	var os []schemas.Order
	var items []schemas.OrderItem
	for i, basket := range benchBaskets(orders, 2) {
		id := fmt.Sprintf("o%07d", i)
		os = append(
			os,
			schemas.Order{OrderID: id, UserID: users[(i*7919)%persons].UserID, Status: "paid"},
		)
		for j, sku := range basket {
			items = append(
				items,
				schemas.OrderItem{OrderID: id, LineNo: int32(j + 1), SKU: sku, Quantity: 1},
			)
		}
	}
	var products []schemas.Product
	for i := range 20_000 {
		products = append(
			products,
			schemas.Product{SKU: "sku" + strconv.Itoa(i), Category: "c" + strconv.Itoa(i%40)},
		)
	}
	for b.Loop() {
		p, s := beam.NewPipelineWithRoot()
		in := Inputs{Portraits: beam.CreateList(s, portraits), Orders: beam.CreateList(s, os),
			OrderItems: beam.CreateList(s, items), Products: beam.CreateList(s, products),
			Users: beam.CreateList(
				s,
				users,
			), Identity: beam.ParDo(s, splitPair, beam.CreateList(s, ids))}
		Build(s, in, cfg)
		if err := ptest.Run(p); err != nil {
			b.Fatal(err)
		}
	}
}
