package propensity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestProbPurchaseLimits(t *testing.T) {
	m := clv.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
	if got := ProbPurchase(m, 0, 2, 30, 38); got != 0 {
		t.Errorf("P(X(0) > 0) = %v, want 0", got)
	}
	// A new customer: the complement of lifetimes' unconditional
	// probability_of_n_purchases_up_to_time(t, 0) = (α/(α+t))^r.
	if got, want := ProbPurchase(m, 39, 0, 0, 0), 1-math.Pow(m.Alpha/(m.Alpha+39), m.R); math.Abs(
		got-want,
	) > 1e-12 {
		t.Errorf("new customer: %v, want %v", got, want)
	}
	// Over an endless window, a live customer buys for sure: P(alive).
	if got, want := ProbPurchase(m, 1e15, 3, 10, 38), m.ProbAlive(3, 10, 38); math.Abs(
		got-want,
	) > 1e-9 {
		t.Errorf("endless window: %v, want P(alive) %v", got, want)
	}
	// Longer windows and more recent purchases make a purchase likelier.
	if a, b := ProbPurchase(m, 10, 3, 30, 38), ProbPurchase(m, 20, 3, 30, 38); !(a < b) {
		t.Errorf("P over 10 = %v, over 20 = %v: want increasing", a, b)
	}
	if a, b := ProbPurchase(m, 10, 3, 10, 38), ProbPurchase(m, 10, 3, 30, 38); !(a < b) {
		t.Errorf("P at recency 10 = %v, at 30 = %v: want increasing", a, b)
	}
}

// simulatedHistory is one simulated BG/NBD customer: the summary at T and
// whether they bought in (T, T+t].
type simulatedHistory struct {
	x, tx, T float64
	bought   bool
}

// simulateBGNBD draws n customers of the BG/NBD process (first purchase at
// 0, exponential gaps of rate λ ~ Gamma(r, α), dropout with probability
// p ~ Beta(a, b) after each repeat purchase), each observed up to an age T
// uniform in [tMin, tMax], and whether they bought in the t units after.
func simulateBGNBD(m clv.BGNBD, n int, tMin, tMax, t float64, seed uint64) []simulatedHistory {
	src := rand.NewPCG(seed, 1)
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	dropout := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	out := make([]simulatedHistory, n)
	for i := range out {
		l, p := lambda.Rand(), dropout.Rand()
		h := simulatedHistory{T: tMin + (tMax-tMin)*rng.Float64()}
		for now := rng.ExpFloat64() / l; now <= h.T+t; now += rng.ExpFloat64() / l {
			if now > h.T {
				h.bought = true
				break
			}
			h.x, h.tx = h.x+1, now
			if rng.Float64() < p {
				break
			}
		}
		out[i] = h
	}
	return out
}

// TestProbPurchaseMatchesSimulation checks the formula against the process
// it describes: among simulated customers grouped by any function of their
// history, the mean predicted probability must match the share that bought
// in the window, within sampling error.
func TestProbPurchaseMatchesSimulation(t *testing.T) {
	m := clv.BGNBD{R: 0.5, Alpha: 4, A: 0.8, B: 2.5}
	const window = 20
	hist := simulateBGNBD(m, 60000, 5, 40, window, 3)
	type group struct{ pred, variance, bought, n float64 }
	groups := map[string]*group{}
	add := func(name string, p float64, bought bool) {
		g := groups[name]
		if g == nil {
			g = &group{}
			groups[name] = g
		}
		g.pred += p
		g.variance += p * (1 - p)
		g.bought += b2f(bought)
		g.n++
	}
	for _, h := range hist {
		p := ProbPurchase(m, window, h.x, h.tx, h.T)
		add("all", p, h.bought)
		switch {
		case h.x == 0:
			add("x=0", p, h.bought)
		case h.x <= 2:
			add("x=1..2", p, h.bought)
		default:
			add("x>=3", p, h.bought)
		}
		if h.x > 0 && h.T-h.tx > 15 {
			add("x>0, idle > 15", p, h.bought)
		}
		if h.x > 0 && h.T-h.tx < 2 {
			add("x>0, idle < 2", p, h.bought)
		}
	}
	for name, g := range groups {
		se := math.Sqrt(g.variance) / g.n
		pred, obs := g.pred/g.n, g.bought/g.n
		t.Logf("%-15s n=%5.0f predicted %.4f observed %.4f (se %.4f)", name, g.n, pred, obs, se)
		if math.Abs(pred-obs) > 4*se {
			t.Errorf(
				"%s: mean predicted %.4f, observed %.4f, more than 4 standard errors (%.4f) apart",
				name,
				pred,
				obs,
				se,
			)
		}
	}
	// The groups differ enough that a wrong formula would show.
	if a, b := groups["x>0, idle > 15"].bought/groups["x>0, idle > 15"].n,
		groups["x>0, idle < 2"].bought/groups["x>0, idle < 2"].n; !(b > a+0.1) {
		t.Errorf(
			"recent buyers bought at %.3f, idle ones at %.3f: the simulation does not separate them",
			b,
			a,
		)
	}
}
