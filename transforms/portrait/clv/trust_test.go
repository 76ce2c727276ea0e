package clv

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// inWeeks is the groups with recency and T in weeks.
func inWeeks(groups []Group) []Group {
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i] = Group{Frequency: g.Frequency, Recency: g.Recency / 7, T: g.T / 7, Count: g.Count}
	}
	return out
}

// TestScaleFreePenaltyIsUnitFree fits one BG/NBD population in days and in weeks with a penalizer:
// on scale-free parameters the fits are one (alpha seven times larger in days), where lifetimes'
// penalty on alpha itself gives two different models; without a penalty both agree with
// lifetimes' fit.
func TestScaleFreePenaltyIsUnitFree(t *testing.T) {
	days, spend := group(simulate(3000, 11))
	weeks := inWeeks(days)
	d, err := FitBGNBDScaleFree(days, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	w, err := FitBGNBDScaleFree(weeks, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if !relClose(d.R, w.R, 1e-4) || !relClose(d.A, w.A, 1e-4) || !relClose(d.B, w.B, 1e-4) ||
		!relClose(d.Alpha, 7*w.Alpha, 1e-4) {
		t.Errorf("scale-free fits: days %+v, weeks %+v", d, w)
	}
	ld, err := FitBGNBDGrouped(days, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	lw, err := FitBGNBDGrouped(weeks, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if relClose(ld.R, lw.R, 0.01) {
		t.Errorf("lifetimes' penalty gave the same r in days and weeks: %+v, %+v", ld, lw)
	}
	free, err := FitBGNBDScaleFree(days, 0)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := FitBGNBDGrouped(days, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !relClose(free.R, plain.R, 1e-4) || !relClose(free.Alpha, plain.Alpha, 1e-4) ||
		!relClose(free.A, plain.A, 1e-4) || !relClose(free.B, plain.B, 1e-4) {
		t.Errorf("without a penalty: scale-free %+v, lifetimes %+v", free, plain)
	}

	// Gamma-Gamma in fen and in yuan: one model, v a hundred times larger in fen.
	fen := make([]SpendGroup, len(spend))
	for i, g := range spend {
		fen[i] = SpendGroup{
			Frequency:     g.Frequency,
			MonetaryValue: 100 * g.MonetaryValue,
			Count:         g.Count,
		}
	}
	gy, err := FitGammaGammaScaleFree(spend, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	gf, err := FitGammaGammaScaleFree(fen, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if !relClose(gy.P, gf.P, 1e-4) || !relClose(gy.Q, gf.Q, 1e-4) ||
		!relClose(100*gy.V, gf.V, 1e-4) {
		t.Errorf("scale-free Gamma-Gamma: yuan %+v, fen %+v", gy, gf)
	}
}

// TestUntrusted trusts a fit on a BG/NBD population and says why it does not trust fits that run
// to a bound, drop everyone after a purchase, or explain no more than one purchase rate.
func TestUntrusted(t *testing.T) {
	groups, _ := group(simulate(3000, 12))
	bg, err := FitBGNBDScaleFree(groups, 0)
	if err != nil {
		t.Fatal(err)
	}
	if why := Untrusted(bg, groups); why != "" {
		t.Errorf("a fit on a BG/NBD population is untrusted: %s (%+v)", why, bg)
	}
	for want, m := range map[string]BGNBD{
		"a/(a+b) = 0.995 exceeds 0.99": {R: 0.3, Alpha: 40, A: 0.995, B: 0.005},
		"b = 0.0005 is at a bound":     {R: 0.3, Alpha: 40, A: 0.001, B: 0.0005},
		"r = 2e+06 is at a bound":      {R: 2e6, Alpha: 40, A: 0.8, B: 2.5},
		"alpha over the mean T = ":     {R: 0.3, Alpha: 1e-4, A: 0.8, B: 2.5},
	} {
		if why := Untrusted(m, groups); !strings.Contains(why, want) {
			t.Errorf("%+v: %q, want %q", m, why, want)
		}
	}
	// Everyone alive, buying at one rate: the fit runs a to 0, and a model inside the bounds
	// explains the customers worse than the one rate does.
	poisson := poissonWorld(3000, 13)
	pbg, err := FitBGNBDScaleFree(poisson, 0)
	if err != nil {
		t.Fatal(err)
	}
	if why := Untrusted(pbg, poisson); !strings.Contains(why, "at a bound") {
		t.Errorf("a Poisson world's fit %+v: %q", pbg, why)
	}
	inside := BGNBD{R: 1, Alpha: 50, A: 0.5, B: 0.5}
	if why := Untrusted(inside, poisson); !strings.Contains(
		why,
		"no better than one purchase rate",
	) {
		t.Errorf("%+v on a Poisson world: %q", inside, why)
	}
}

// poissonWorld is customers who never drop out and buy on a day with probability 0.02.
func poissonWorld(n int, seed uint64) []Group {
	rng := rand.New(rand.NewPCG(seed, 2))
	count := map[[3]float64]float64{}
	for range n {
		T := float64(rng.IntN(300))
		x, last := 0.0, 0.0
		for d := 1.0; d <= T; d++ {
			if rng.Float64() < 0.02 {
				x, last = x+1, d
			}
		}
		count[[3]float64{x, last, T}]++
	}
	var out []Group
	for k, c := range count {
		out = append(out, Group{Frequency: k[0], Recency: k[1], T: k[2], Count: c})
	}
	return out
}

func TestPoissonFit(t *testing.T) {
	groups := []Group{{Frequency: 2, Recency: 8, T: 10, Count: 3}, {Frequency: 0, T: 20, Count: 2}}
	rate, ll := PoissonFit(groups)
	// 6 repeat purchases over 70 customer-days.
	if want := 6.0 / 70; math.Abs(rate-want) > 1e-15 || math.Abs(ll-(6*math.Log(want)-6)) > 1e-12 {
		t.Errorf("rate %v, log-likelihood %v", rate, ll)
	}
	if rate, ll := PoissonFit([]Group{{T: 5, Count: 1}}); rate != 0 || ll != 0 {
		t.Errorf("no repeat purchase: rate %v, log-likelihood %v", rate, ll)
	}
}

// TestRecency gives P(alive) as the share of repeat gaps longer than the silence, and expected
// purchases as P(alive) times the rate times the horizon.
func TestRecency(t *testing.T) {
	m := NewRecency(map[int32]int64{30: 1, 5: 2, 10: 1}, 0.01)
	if m.Gaps != 4 || len(m.GapDays) != 3 || m.GapDays[0] != 5 || m.GapCounts[0] != 2 {
		t.Fatalf("model %+v", m)
	}
	cases := []struct{ recency, T, want float64 }{
		{10, 10, 1}, {10, 15, 0.5}, {10, 19, 0.5}, {10, 20, 0.25}, {0, 30, 0},
	}
	for _, c := range cases {
		if got := m.ProbAlive(1, c.recency, c.T); got != c.want {
			t.Errorf("silence %v: P(alive) %v, want %v", c.T-c.recency, got, c.want)
		}
	}
	if got := m.ExpectedPurchases(30, 1, 10, 15); math.Abs(got-0.5*0.01*30) > 1e-15 {
		t.Errorf("expected purchases %v", got)
	}
	if got := (Recency{}).ProbAlive(0, 0, 100); got != 1 {
		t.Errorf("without gaps: %v", got)
	}
	var _ Purchases = m
	var _ Purchases = BGNBD{}
}
