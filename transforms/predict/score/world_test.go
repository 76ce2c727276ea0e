package score

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// world is a synthetic night: cutoff and today portraits whose labels follow a known logistic rule
// of the features, with the true probability of each person's label.
type world struct {
	cutoff, today []schemas.Portrait
	truth         map[string]float64 // P(bought) of each person present at the cutoff
}

// trueLogit is the rule the labels follow: a logistic model in the features themselves, so a
// fitted model can recover it.
func trueLogit(x []float64) float64 {
	f := func(name string) float64 { return x[featureIndex(name)] }
	return -2.2 + 0.22*f("active_days_30d") + 0.9*f("has_orders") + 0.6*f("log1p_orders") -
		0.012*f("days_since_last_seen") + 0.15*f("touches_opened_30d")
}

func featureIndex(name string) int {
	for j, n := range FeatureNames {
		if n == name {
			return j
		}
	}
	panic("no feature " + name)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// synthWorld draws n persons: a share absent at the cutoff (a spine row only, some of them with
// orders today), the others with random activity, a third of them buyers.
func synthWorld(n int, seed uint64) world {
	rng := rand.New(rand.NewPCG(seed, 7))
	bg := testBGNBD()
	w := world{truth: map[string]float64{}}
	for i := range n {
		id := fmt.Sprintf("P%06d", i)
		c := schemas.Portrait{PersonID: id, Lifecycle: "unaware"}
		if rng.Float64() < 0.1 {
			t := c
			if rng.Float64() < 0.5 {
				t.Orders, t.RegisteredAt = 1, 1
			}
			w.cutoff, w.today = append(w.cutoff, c), append(w.today, t)
			continue
		}
		c.RegisteredAt = 1_700_000_000_000_000
		seen := int32(rng.IntN(200))
		c.DaysSinceLastSeen, c.LastSeenAt = &seen, 1
		c.ActiveDays30d = int32(rng.IntN(12))
		c.ActiveDays7d = min(c.ActiveDays30d, int32(rng.IntN(4)))
		c.ActiveDays90d = c.ActiveDays30d + int32(rng.IntN(10))
		c.Sessions = c.ActiveDays90d + int32(rng.IntN(5))
		c.TouchesReceived30d = int32(rng.IntN(6))
		c.TouchesOpened30d = int32(rng.IntN(int(c.TouchesReceived30d) + 1))
		if rng.Float64() < 0.35 {
			orders := 1 + rng.IntN(6)
			c.Orders = int32(orders)
			c.Frequency = float64(orders - 1)
			c.TDays = float64(30 + rng.IntN(300))
			c.RecencyDays = math.Floor(c.TDays * rng.Float64())
			if c.Frequency == 0 {
				c.RecencyDays = 0
			}
			since := int32(c.TDays - c.RecencyDays)
			c.DaysSinceLastOrder = &since
			c.GMVFen = int64(orders) * int64(5000+rng.IntN(20000))
			c.MonetaryValueFen = float64(c.GMVFen) / float64(orders)
			pa := bg.ProbAlive(c.Frequency, c.RecencyDays, c.TDays)
			ex := bg.ExpectedPurchases(30, c.Frequency, c.RecencyDays, c.TDays)
			c.PAlive, c.ExpectedPurchases30d = &pa, &ex
			share := float64(rng.IntN(orders+1)) / float64(orders)
			c.DiscountOrderShare, c.CouponOrderShare = &share, &share
		}
		p := sigmoid(trueLogit(Features(c)))
		w.truth[id] = p
		t := c
		if rng.Float64() < p {
			t.Orders += int32(1 + rng.IntN(2))
		}
		w.cutoff, w.today = append(w.cutoff, c), append(w.today, t)
	}
	return w
}

// days are the world's persons as portrait.Build gives them: today's portrait, then the cutoff's
// (synthWorld appends a person to both lists at once, so they agree index by index).
func (w world) days() []portrait.PersonDays {
	out := make([]portrait.PersonDays, len(w.today))
	for i := range w.today {
		out[i] = portrait.PersonDays{Portraits: []schemas.Portrait{w.today[i], w.cutoff[i]}}
	}
	return out
}

// testBGNBD is the published CDNOW fit, rescaled from weeks to days.
func testBGNBD() clv.BGNBD { return clv.BGNBD{R: 0.2426, Alpha: 4.4135 * 7, A: 0.7929, B: 2.4258} }

// cutoffCard is the cutoff portraits' model card of a config.
func cutoffCard(cfg Config) *portrait.ModelCard {
	bg := testBGNBD()
	return &portrait.ModelCard{Date: cfg.Date, AsOf: cfg.withDefaults().cutoff(), BGNBD: &bg}
}

// sampleOf labels a world with the pure functions the pipeline runs, returning the sample and the
// count of each rejection reason.
func sampleOf(w world, cfg Config) (*Sample, map[string]int) {
	cfg = cfg.withDefaults()
	s := NewSample(cfg.MaxTrain)
	reasons := map[string]int{}
	for _, d := range w.days() {
		row, reason, ok := label(d.Portraits[0], d.Portraits[1], 0, cfg.Seed)
		if ok {
			s.Add(row)
		} else {
			reasons[reason]++
		}
	}
	return s, reasons
}
