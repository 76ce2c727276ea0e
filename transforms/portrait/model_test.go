package portrait

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// TestModelCardMatchesLifetimes builds accumulators from random purchases, fits the card from
// their grouped stats, and compares with clv's fits on clv.Summarize of the same purchases (in the
// business zone, days as the unit): the stage computes RFM and the models as lifetimes does.
func TestModelCardMatchesLifetimes(t *testing.T) {
	e := testEnv(t)
	rng := rand.New(rand.NewPCG(5, 6))
	stats := newModelStats()
	var tx []clv.Transaction
	end := time.Date(2026, 11, 21, 0, 0, 0, 0, shanghai)
	// A BG/NBD population: purchase rates Gamma(0.5, 10) a day, dropout Beta(0.8, 2.5) after each
	// purchase, spend Gamma(6, nu) with nu Gamma(4, 1/200).
	rate := distuv.Gamma{Alpha: 0.5, Beta: 10, Src: rng}
	dropout := distuv.Beta{Alpha: 0.8, Beta: 2.5, Src: rng}
	nus := distuv.Gamma{Alpha: 4, Beta: 200, Src: rng}
	for i := range 1500 {
		id := strconv.Itoa(i)
		a := &Acc{}
		lambda, p, nu := rate.Rand(), dropout.Rand(), nus.Rand()
		spend := distuv.Gamma{Alpha: 6, Beta: nu, Src: rng}
		first := end.Add(-time.Duration(rng.IntN(300*24*60)) * time.Minute)
		for when := first; !when.After(end); when = when.Add(
			time.Duration(rng.ExpFloat64() / lambda * 24 * float64(time.Hour))) {
			fen := int64(math.Round(spend.Rand()))
			a.AddOrder(
				schemas.Order{
					Status:    "paid",
					CreatedAt: when.UnixMicro(),
					PaidAt:    when.UnixMicro(),
					TotalFen:  fen,
				},
				nil,
				e,
			)
			tx = append(tx, clv.Transaction{Customer: id, Time: when, Amount: float64(fen)})
			if rng.Float64() < p {
				break
			}
		}
		stats.add(a.stat(e))
	}
	stats.add(
		accOf(t, e, []fact{spine(schemas.Person{})}).stat(e),
	) // a person of the spine without facts counts, not as a buyer
	card := &ModelCard{}
	fitCard(card, stats, DefaultRules().Value)
	sum := clv.Summarize(tx, end, 1)
	wantBG, err := clv.FitBGNBD(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantGG, err := clv.FitGammaGamma(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	if card.BGNBD == nil || card.GammaGamma == nil || card.PurchaseModel != PurchaseBGNBD ||
		card.SpendModelReason != "" {
		t.Fatalf("card %+v", card)
	}
	t.Logf(
		"BG/NBD %+v on %d groups; Gamma-Gamma %+v on %d groups",
		*card.BGNBD,
		card.BGNBDGroups,
		*card.GammaGamma,
		card.GammaGammaGroups,
	)
	rel := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*math.Abs(b) }
	if g := *card.BGNBD; !rel(g.R, wantBG.R) || !rel(g.Alpha, wantBG.Alpha) ||
		!rel(g.A, wantBG.A) ||
		!rel(g.B, wantBG.B) {
		t.Errorf("BG/NBD %+v, clv on the summaries %+v", g, wantBG)
	}
	if g := *card.GammaGamma; !rel(g.P, wantGG.P) || !rel(g.Q, wantGG.Q) || !rel(g.V, wantGG.V) {
		t.Errorf("Gamma-Gamma %+v, clv on the summaries %+v", g, wantGG)
	}
	var repeat int64
	for _, s := range sum {
		if s.Frequency > 0 {
			repeat++
		}
	}
	if card.Persons != 1501 || card.PersonsWithFacts != 1500 || card.Buyers != int64(len(sum)) ||
		card.RepeatBuyers != repeat ||
		card.BGNBDGroups >= len(sum) {
		t.Errorf(
			"counts: %d persons, %d with facts, %d buyers, %d repeat, %d groups for %d buyers",
			card.Persons,
			card.PersonsWithFacts,
			card.Buyers,
			card.RepeatBuyers,
			card.BGNBDGroups,
			len(sum),
		)
	}
	// Cut points against the sorted GMVs: cut k is within 1/64 below the value at k fifths.
	var gmv []int64
	byCustomer := map[string]int64{}
	for _, x := range tx {
		byCustomer[x.Customer] += int64(x.Amount)
	}
	for _, v := range byCustomer {
		gmv = append(gmv, v)
	}
	slices.Sort(gmv)
	for k, cut := range card.MonetaryCuts {
		v := gmv[(k+1)*len(gmv)/5-1]
		if cut > v || float64(v-cut) > float64(v)/64 {
			t.Errorf("monetary cut %d = %d, the %d-th fifth of the GMVs is %d", k+1, cut, k+1, v)
		}
	}
}

func TestModelCardWithTooFewBuyers(t *testing.T) {
	e := testEnv(t)
	stats := newModelStats()
	for _, days := range [][]string{{"2026-11-01"}, {"2026-11-02", "2026-11-09"}} {
		var facts []fact
		for _, d := range days {
			facts = append(facts, paid(d, 100))
		}
		stats.add(accOf(t, e, facts).stat(e))
	}
	card := &ModelCard{}
	fitCard(card, stats, DefaultRules().Value)
	if card.BGNBD != nil || !strings.Contains(card.BGNBDError, "too few buyers to fit: 2") ||
		card.GammaGamma != nil || !strings.Contains(card.GammaGammaError, "too few repeat buyers") {
		t.Errorf("card %+v", card)
	}
	if !slices.Equal(card.FrequencyCuts, []int64{1, 1, 2, 2}) {
		t.Errorf("frequency cuts %v", card.FrequencyCuts)
	}
	p := accOf(t, e, []fact{paid("2026-11-01", 100)}).Finish("P", card, e)
	if p.PAlive != nil || p.CLV12mFen != nil || p.FScore != 1 || p.Lifecycle != FirstPurchase {
		t.Errorf("without models: %+v", p)
	}
}

func TestPriceCuts(t *testing.T) {
	ps := map[string]product{}
	for i, price := range []int64{900, 100, 500, 300, 700, 200, 800, 400, 600} {
		ps[strconv.Itoa(i)] = product{price: price}
	}
	if got := priceCuts(ps); !slices.Equal(got, []int64{300, 600}) {
		t.Errorf("terciles of 100..900 = %v", got)
	}
	if priceCuts(nil) != nil {
		t.Error("an empty catalog has cuts")
	}
}

// sparseStats are the model stats of a marketplace's buyers: 8,000 buyers over 600 days, one in
// two hundred back once, 20 to 300 days later; with recent, the stats of a repeat buyer whose
// last purchase was 3 days before the as-of day, added too.
func sparseStats(t *testing.T, e *env, recent *Acc) *modelStats {
	rng := rand.New(rand.NewPCG(7, 8))
	stats := newModelStats()
	end := time.Date(2026, 11, 21, 12, 0, 0, 0, shanghai)
	for range 8000 {
		first := end.AddDate(0, 0, -rng.IntN(600))
		facts := []fact{paid(first.Format(time.DateOnly), 5000+int64(rng.IntN(10000)))}
		if rng.IntN(200) == 0 {
			if again := first.AddDate(0, 0, 20+rng.IntN(280)); !again.After(end) {
				facts = append(
					facts,
					paid(again.Format(time.DateOnly), 5000+int64(rng.IntN(10000))),
				)
			}
		}
		stats.add(accOf(t, e, facts).stat(e))
	}
	stats.add(recent.stat(e))
	return stats
}

// TestSparseBuyersKeepALivePAlive fits the night's models on sparse buyers, where BG/NBD's
// maximum-likelihood fit runs off: a repeat buyer who bought 3 days ago keeps a P(alive) above
// the dormant threshold and a positive lifetime value.
func TestSparseBuyersKeepALivePAlive(t *testing.T) {
	e := testEnv(t)
	recent := accOf(t, e, []fact{paid("2026-08-01", 9000), paid("2026-11-18", 7000)})
	card := &ModelCard{}
	fitCard(card, sparseStats(t, e, recent), DefaultRules().Value)
	p := recent.Finish("P", card, e)
	if p.PAlive == nil || *p.PAlive < DefaultRules().Lifecycle.DormantPAlive ||
		p.CLV12mFen == nil ||
		*p.CLV12mFen <= 0 {
		t.Fatalf("recent repeat buyer: P(alive) %v, CLV %v, lifecycle %s; card %+v",
			deref(p.PAlive), deref(p.CLV12mFen), p.Lifecycle, card)
	}
	if card.PurchaseModel != PurchaseRecency || card.BGNBD != nil ||
		!strings.Contains(card.PurchaseModelReason, "a/(a+b)") {
		t.Errorf("the card says the purchase model is %q: %s",
			card.PurchaseModel, card.PurchaseModelReason)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
