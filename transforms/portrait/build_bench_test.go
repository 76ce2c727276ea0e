package portrait

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// The generated world of BenchmarkBuild: persons with one account and two devices each, facts
// spread over the last 90 days, generated inside the pipeline in 16 shards.
const (
	benchPersons = 200_000
	benchEvents  = 1_000_000
	benchOrders  = 200_000
	benchTouches = 300_000
	benchReviews = 50_000
	benchShards  = 64
)

// genWorld generates one shard of one kind of fact. Spread: a shard's facts belong to any person,
// so a bundle holds about one fact per person (the worst case for the per-bundle partials).
// Clustered: a shard's facts belong to the persons p with p mod benchShards == shard, as when
// files are partitioned by user, so a bundle holds all of a person's facts (the best case).
type genWorld struct {
	Kind      string
	Clustered bool
}

func (g *genWorld) ProcessElement(shard int, emit func(beam.X)) {
	rng := rand.New(rand.NewPCG(uint64(shard), uint64(len(g.Kind))))
	person := func() int {
		if g.Clustered {
			return rng.IntN(benchPersons/benchShards)*benchShards + shard
		}
		return rng.IntN(benchPersons)
	}
	when := func() int64 { return at("2026-11-21 23:59") - rng.Int64N(90*86400e6) }
	per := func(n int) int { return n / benchShards }
	switch g.Kind {
	case "identity":
		for p := shard; p < benchPersons; p += benchShards {
			id := fmt.Sprintf("P%020d", p)
			emit(pair{fmt.Sprintf("account:u%d", p), id})
			emit(pair{fmt.Sprintf("device:d%d-a", p), id})
			emit(pair{fmt.Sprintf("device:d%d-b", p), id})
		}
	case "persons":
		for p := shard; p < benchPersons; p += benchShards {
			emit(schemas.Person{PersonID: fmt.Sprintf("P%020d", p), Accounts: 1})
		}
	case "users":
		for p := shard; p < benchPersons; p += benchShards {
			emit(
				schemas.User{
					UserID:           fmt.Sprintf("u%d", p),
					Gender:           "female",
					City:             "上海",
					RegisteredAt:     at("2025-01-01 10:00"),
					UpdatedAt:        at("2025-01-01 10:00"),
					MarketingConsent: true,
					Source:           "users",
				},
			)
		}
	case "events":
		types := []string{"view", "view", "view", "view", "cart", "favourite", "search"}
		for range per(benchEvents) {
			p := person()
			emit(
				schemas.Event{
					UserID:    fmt.Sprintf("u%d", p),
					DeviceID:  fmt.Sprintf("d%d-a", p),
					EventType: types[rng.IntN(len(types))],
					SKU: fmt.Sprintf(
						"S%d",
						rng.IntN(1000),
					),
					Channel:   "app",
					SessionID: fmt.Sprintf("s%d-%d", p, rng.IntN(20)),
					EventTime: when(),
					Source:    "events",
				},
			)
		}
	case "orders":
		for i := range per(benchOrders) {
			t := when()
			emit(
				schemas.Order{
					OrderID:   fmt.Sprintf("o%d-%d", shard, i),
					UserID:    fmt.Sprintf("u%d", person()),
					Status:    "completed",
					Channel:   "app",
					CreatedAt: t,
					PaidAt:    t,
					TotalFen:  1000 + rng.Int64N(50000),
					Source:    "orders",
				},
			)
		}
	case "touches":
		for i := range per(benchTouches) {
			emit(
				schemas.Touch{
					TouchID: fmt.Sprintf("t%d-%d", shard, i),
					UserID:  fmt.Sprintf("u%d", person()),
					Channel: "push",
					CampaignID: fmt.Sprintf(
						"C%d",
						rng.IntN(30),
					),
					Action:    []string{"send", "deliver", "open"}[rng.IntN(3)],
					TouchTime: when(),
					Source:    "touches",
				},
			)
		}
	case "reviews":
		words := []string{"很好", "满意", "太差", "失望", "一般", "物流快", "质量好", "破损"}
		for i := range per(benchReviews) {
			w := rng.IntN(len(words))
			emit(
				schemas.Review{
					ReviewID:  fmt.Sprintf("r%d-%d", shard, i),
					UserID:    fmt.Sprintf("u%d", person()),
					Rating:    int32(5 - w%2*4),
					Text:      words[w] + words[rng.IntN(len(words))],
					CreatedAt: when(),
					Source:    "reviews",
				},
			)
		}
	}
}

func asPair(x beam.X) (string, string) { p := x.(pair); return p.Key, p.Person }

func init() {
	fnreg.DoFn2x0[int, func(beam.X)](&genWorld{})
	register.Emitter1[beam.X]()
	register.Function1x2(asPair)
}

// BenchmarkBuild runs the whole composite on the test runner (Prism by default) over the generated
// world: 200k persons, 600k identifiers, 1M events, 200k orders, 300k touches, 50k reviews, in 64
// shards, spread or clustered (see genWorld). Run it alone: -run '^$' -bench Build -benchtime 1x.
func BenchmarkBuild(b *testing.B) {
	for _, clustered := range []bool{false, true} {
		name := map[bool]string{false: "spread", true: "clustered"}[clustered]
		b.Run(name, func(b *testing.B) { benchBuild(b, clustered) })
	}
}

func benchBuild(b *testing.B, clustered bool) {
	for i := 0; i < b.N; i++ {
		p, s := beam.NewPipelineWithRoot()
		shards := make([]int, benchShards)
		for j := range shards {
			shards[j] = j
		}
		seeds := beam.CreateList(s, shards)
		gen := func(kind string, t any) beam.PCollection {
			return beam.ParDo(
				s,
				&genWorld{Kind: kind, Clustered: clustered},
				seeds,
				beam.TypeDefinition{Var: beam.XType, T: reflect.TypeOf(t)},
			)
		}
		in := Inputs{
			Identity: beam.ParDo(s, asPair, gen("identity", pair{})),
			Persons:  gen("persons", schemas.Person{}),
			Users:    gen("users", schemas.User{}),
			Events:   gen("events", schemas.Event{}),
			Orders:   gen("orders", schemas.Order{}),
			Touches:  gen("touches", schemas.Touch{}),
			Reviews:  gen("reviews", schemas.Review{}),
			TempDir:  b.TempDir(),
		}
		out := Build(s, in, Config{Date: "2026-11-21"})
		passert.Count(s, Day(s, out.Portraits, 0), "portraits", benchPersons)
		if err := ptest.Run(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(
		float64(
			benchEvents+benchOrders+benchTouches+benchReviews+benchPersons,
		)*float64(
			b.N,
		)/b.Elapsed().
			Seconds(),
		"facts/s",
	)
}
