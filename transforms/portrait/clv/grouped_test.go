package clv

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// simulate draws customers from a BG/NBD process (daily purchase days, as the nightly job
// buckets them) and summarises them with Summarize.
func simulate(n int, seed uint64) []Summary {
	rng := rand.New(rand.NewPCG(seed, 1))
	gamma := func(shape, scale float64) float64 { // Marsaglia and Tsang, shape < 1 boosted
		boost := 1.0
		if shape < 1 {
			boost = math.Pow(rng.Float64(), 1/shape)
			shape++
		}
		d := shape - 1.0/3
		c := 1 / math.Sqrt(9*d)
		for {
			x := rng.NormFloat64()
			v := 1 + c*x
			if v <= 0 {
				continue
			}
			v = v * v * v
			if u := rng.Float64(); math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
				return d * v * scale * boost
			}
		}
	}
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	var tx []Transaction
	for i := range n {
		id := strconv.Itoa(i)
		lambda := gamma(0.5, 1/8.0)          // purchases a day: Gamma(r=0.5, alpha=8)
		x, y := gamma(0.8, 1), gamma(2.5, 1) // dropout p ~ Beta(0.8, 2.5)
		p := x / (x + y)
		nu := gamma(
			4,
			1.0/200,
		) // spend rate: Gamma(q=4, v=200)
		// spend ~ Gamma(p=6, nu), whole yuan
		spend := func() float64 { return math.Round(gamma(6, 1/nu)) }
		t := float64(rng.IntN(300)) // first purchase day
		first := end.AddDate(0, 0, -int(t))
		tx = append(tx, Transaction{Customer: id, Time: first, Amount: spend()})
		at := 0.0
		for rng.Float64() >= p {
			at += rng.ExpFloat64() / lambda
			if at > t {
				break
			}
			tx = append(
				tx,
				Transaction{
					Customer: id,
					Time:     first.Add(time.Duration(at * 24 * float64(time.Hour))),
					Amount:   spend(),
				},
			)
		}
	}
	return Summarize(tx, end, 1)
}

// group counts the distinct summaries, as the nightly job does.
func group(sum []Summary) ([]Group, []SpendGroup) {
	bg := map[[3]float64]float64{}
	gg := map[[2]float64]float64{}
	for _, s := range sum {
		bg[[3]float64{s.Frequency, s.Recency, s.T}]++
		gg[[2]float64{s.Frequency, s.MonetaryValue}]++
	}
	var g []Group
	for k, c := range bg {
		g = append(g, Group{Frequency: k[0], Recency: k[1], T: k[2], Count: c})
	}
	var s []SpendGroup
	for k, c := range gg {
		s = append(s, SpendGroup{Frequency: k[0], MonetaryValue: k[1], Count: c})
	}
	return g, s
}

func relClose(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Abs(want) }

func TestGroupedFitsMatchClv(t *testing.T) {
	sum := simulate(4000, 7)
	groups, spend := group(sum)
	if len(groups) >= len(sum) {
		t.Fatalf(
			"%d groups for %d customers: the simulation gives no shared summaries",
			len(groups),
			len(sum),
		)
	}
	want, err := FitBGNBD(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FitBGNBDGrouped(groups, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BG/NBD on %d customers in %d groups: %+v (clv: %+v)", len(sum), len(groups), got, want)
	for _, c := range [][2]float64{{got.R, want.R}, {got.Alpha, want.Alpha}, {got.A, want.A},
		{got.B, want.B}} {
		if !relClose(c[0], c[1], 1e-5) {
			t.Errorf("grouped BG/NBD %+v, clv %+v", got, want)
			break
		}
	}
	// The grouped log-likelihood is clv's.
	var ll float64
	for _, g := range groups {
		ll += g.Count * bgnbdTerm(
			want.R,
			want.Alpha,
			want.A,
			want.B,
			g.Frequency,
			g.Recency,
			g.T,
			0,
			nil,
		)
	}
	if w := want.LogLikelihood(sum); !relClose(ll, w, 1e-10) {
		t.Errorf("grouped log-likelihood %v, clv %v", ll, w)
	}

	wantGG, err := FitGammaGamma(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	gotGG, err := FitGammaGammaGrouped(spend, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]float64{{gotGG.P, wantGG.P}, {gotGG.Q, wantGG.Q}, {gotGG.V, wantGG.V}} {
		if !relClose(c[0], c[1], 1e-5) {
			t.Errorf("grouped Gamma-Gamma %+v, clv %+v", gotGG, wantGG)
			break
		}
	}
}

func TestBadGroups(t *testing.T) {
	if _, err := FitBGNBDGrouped(nil, 0); err == nil {
		t.Error("no groups: no error")
	}
	if _, err := FitBGNBDGrouped([]Group{{Frequency: 1, Recency: 5, T: 3, Count: 1}}, 0); err == nil ||
		!strings.Contains(err.Error(), "invalid group") {
		t.Errorf("recency after T: %v", err)
	}
	if _, err := FitBGNBDGrouped([]Group{{T: 3, Count: 0}}, 0); err == nil {
		t.Error("count 0: no error")
	}
	if _, err := FitGammaGammaGrouped([]SpendGroup{{Frequency: 0, MonetaryValue: 0, Count: 3}},
		0); err == nil ||
		!strings.Contains(err.Error(), "no repeat customers") {
		t.Errorf("no repeat customers: %v", err)
	}
}

// TestCDNOWGroupedMatchesPublished fits the CDNOW sample grouped by distinct weekly summaries.
func TestCDNOWGroupedMatchesPublished(t *testing.T) {
	dir := cdnowDir
	f, err := os.Open(filepath.Join(dir, "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf(
			"CDNOW data not available in %s (DESIGN.md, Real data to check against): %v",
			dir,
			err,
		)
	}
	defer f.Close()
	var tx []Transaction
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		d, err1 := time.Parse("20060102", fs[2])
		amount, err2 := strconv.ParseFloat(fs[4], 64)
		if len(fs) != 5 || err1 != nil || err2 != nil {
			t.Fatalf("CDNOW_sample.txt:%d: bad line", line)
		}
		tx = append(tx, Transaction{Customer: fs[1], Time: d, Amount: amount})
	}
	groups, _ := group(Summarize(tx, time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC), 7))
	bg, err := FitBGNBDGrouped(groups, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CDNOW in %d groups: %+v", len(groups), bg)
	for _, c := range [][2]float64{{bg.R, 0.2426}, {bg.Alpha, 4.4135}, {bg.A, 0.7929},
		{bg.B, 2.4258}} {
		if math.Abs(c[0]-c[1]) > 0.0002 {
			t.Errorf("grouped CDNOW fit %+v, published r=0.2426 alpha=4.4135 a=0.7929 b=2.4258", bg)
			break
		}
	}
}
