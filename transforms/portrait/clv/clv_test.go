package clv

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/diff/fd"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestSummarizeHandComputed(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tx := []Transaction{
		{"a", day("2024-01-01"), 10},
		{"a", day("2024-01-01").Add(5 * time.Hour), 5}, // same day: one period
		{"a", day("2024-01-08"), 20},
		{"a", day("2024-01-15"), 3},
		{"a", day("2024-01-15"), 7},
		{
			"a",
			day("2024-02-01"),
			100,
		}, // after the observation end: ignored
		{
			"b",
			time.Date(2024, 1, 28, 1, 0, 0, 0, shanghai),
			9,
		}, // the 28th where it happened (the 27th in UTC)
		{"c", day("2024-01-30"), 50}, // only after the end: no row
	}
	got := Summarize(tx, day("2024-01-29"), 7)
	want := []Summary{
		{Customer: "a", Frequency: 2, Recency: 2, T: 4, MonetaryValue: 15},
		{Customer: "b", Frequency: 0, Recency: 0, T: 1.0 / 7, MonetaryValue: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d summaries %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Customer != w.Customer || g.Frequency != w.Frequency ||
			!near(g.Recency, w.Recency, 1e-12) ||
			!near(g.T, w.T, 1e-12) ||
			!near(g.MonetaryValue, w.MonetaryValue, 1e-12) {
			t.Errorf("summary %d = %+v, want %+v", i, g, w)
		}
	}
	// Unit of one day.
	if s := Summarize(tx[:5], day("2024-01-29"), 1)[0]; s.Recency != 14 || s.T != 28 {
		t.Errorf("daily summary = %+v, want recency 14, T 28", s)
	}
}

func TestBGNBDLogLikelihoodHandComputed(t *testing.T) {
	m := BGNBD{R: 1, Alpha: 1, A: 1, B: 1}
	// x=0, T=2: Γ(1)/Γ(1) · 1/(1+2)^1 = 1/3.
	if got, want := m.LogLikelihood([]Summary{{T: 2}}), -math.Log(3); !near(got, want, 1e-12) {
		t.Errorf("ll(x=0) = %v, want %v", got, want)
	}
	// x=1, tx=1, T=2: B(1,2)/B(1,1)·1/3² + B(2,1)/B(1,1)·1/2² = 1/18 + 1/8 = 13/72.
	one := []Summary{{Frequency: 1, Recency: 1, T: 2}}
	if got, want := m.LogLikelihood(one), math.Log(13.0/72); !near(got, want, 1e-12) {
		t.Errorf("ll(x=1) = %v, want %v", got, want)
	}
	// P(alive) is the share of the "still alive" term: (1/18)/(13/72) = 4/13.
	if got := m.ProbAlive(1, 1, 2); !near(got, 4.0/13, 1e-12) {
		t.Errorf("P(alive) = %v, want 4/13", got)
	}
	if got := m.ProbAlive(0, 0, 5); got != 1 {
		t.Errorf("P(alive | x=0) = %v, want 1", got)
	}
}

func TestGammaGammaLogLikelihoodHandComputed(t *testing.T) {
	g := GammaGamma{P: 1, Q: 1, V: 1}
	// x=1, m=1: Γ(2)/(Γ(1)Γ(1)) · 1 · 1 / (1+1)² = 1/4; x=0 is skipped.
	data := []Summary{{Frequency: 1, Recency: 1, T: 2, MonetaryValue: 1}, {T: 3}}
	if got, want := g.LogLikelihood(data), math.Log(0.25); !near(got, want, 1e-12) {
		t.Errorf("ll = %v, want %v", got, want)
	}
	g = GammaGamma{P: 2, Q: 3, V: 4}
	// weight p·x/(p·x+q-1) = 2/4; population mean v·p/(q-1) = 4.
	if got := g.ExpectedAverageProfit(1, 10); !near(got, 7, 1e-12) {
		t.Errorf("expected average profit = %v, want 7", got)
	}
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	data := []Summary{
		{Frequency: 0, T: 5},
		{Frequency: 3, Recency: 4, T: 6, MonetaryValue: 12},
		{Frequency: 1, Recency: 0.5, T: 9, MonetaryValue: 3},
	}
	x := []float64{math.Log(0.7), math.Log(2.5), math.Log(1.3), math.Log(3.1)}
	bg := func(x, grad []float64) float64 {
		var ll float64
		for _, s := range data {
			ll += bgnbdTerm(
				math.Exp(x[0]),
				math.Exp(x[1]),
				math.Exp(x[2]),
				math.Exp(x[3]),
				s.Frequency,
				s.Recency,
				s.T,
				1,
				grad,
			)
		}
		return ll
	}
	gg := func(x, grad []float64) float64 {
		var ll float64
		for _, s := range data[1:] {
			ll += gammaGammaTerm(
				math.Exp(x[0]),
				math.Exp(x[1]),
				math.Exp(x[2]),
				s.Frequency,
				s.MonetaryValue,
				1,
				grad,
			)
		}
		return ll
	}
	for name, c := range map[string]struct {
		f func(x, grad []float64) float64
		x []float64
	}{"BG/NBD": {bg, x}, "Gamma-Gamma": {gg, x[:3]}} {
		got := make([]float64, len(c.x))
		c.f(c.x, got)
		want := fd.Gradient(
			nil,
			func(x []float64) float64 { return c.f(x, nil) },
			c.x,
			&fd.Settings{Formula: fd.Central},
		)
		for i := range got {
			if !near(got[i], want[i], 1e-6*(1+math.Abs(want[i]))) {
				t.Errorf("%s gradient[%d] = %v, finite differences %v", name, i, got[i], want[i])
			}
		}
	}
}

func TestCustomerLifetimeValue(t *testing.T) {
	bg := BGNBD{R: 0.5, Alpha: 4, A: 1.5, B: 3}
	gg := GammaGamma{P: 6, Q: 4, V: 15}
	s := Summary{Frequency: 2, Recency: 20, T: 30, MonetaryValue: 40}
	profit := gg.ExpectedAverageProfit(s.Frequency, s.MonetaryValue)
	// Undiscounted, one month is profit times the purchases expected in it.
	if got, want := CustomerLifetimeValue(bg, gg, s, 1, 0, 4.345),
		profit*bg.ExpectedPurchases(4.345, 2, 20, 30); !near(
		got,
		want,
		1e-9,
	) {
		t.Errorf("1-month CLV = %v, want %v", got, want)
	}
	// Discounted month by month: sum of per-month increments over 1.01^i.
	var want float64
	for i := 1; i <= 12; i++ {
		inc := bg.ExpectedPurchases(
			float64(i)*30,
			2,
			20,
			30,
		) - bg.ExpectedPurchases(
			float64(i-1)*30,
			2,
			20,
			30,
		)
		want += profit * inc / math.Pow(1.01, float64(i))
	}
	if got := CustomerLifetimeValue(bg, gg, s, 12, 0.01, 30); !near(got, want, 1e-9) || !(got > 0) {
		t.Errorf("12-month CLV = %v, want %v", got, want)
	}
	if LifetimesPeriodsPerMonth(7) != 4.345 || LifetimesPeriodsPerMonth(1) != 30 ||
		LifetimesPeriodsPerMonth(14) != 30.0/14 {
		t.Error("LifetimesPeriodsPerMonth does not follow lifetimes' factors")
	}
}

// cdnowDir is the CDNOW sample shipped with the lifetimes library.
const cdnowDir = "../../../../shared/data/cdnow"

func readCDNOW(t *testing.T) ([]Transaction, map[int][3]float64) {
	t.Helper()
	if _, err := os.Stat(cdnowDir); err != nil {
		t.Skipf(
			"CDNOW data not available at %s (see DESIGN.md, Real data to check against): %v",
			cdnowDir,
			err,
		)
	}
	f, err := os.Open(filepath.Join(cdnowDir, "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tx []Transaction
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			t.Fatalf("CDNOW_sample.txt:%d: %d fields", line, len(fs))
		}
		d, err1 := time.Parse("20060102", fs[2])
		amount, err2 := strconv.ParseFloat(fs[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("CDNOW_sample.txt:%d: %v %v", line, err1, err2)
		}
		tx = append(tx, Transaction{Customer: fs[1], Time: d, Amount: amount})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	g, err := os.Open(filepath.Join(cdnowDir, "cdnow_customers_summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, err := csv.NewReader(g).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "ID,frequency,recency,T" {
		t.Fatalf("unexpected header %v", rows[0])
	}
	want := map[int][3]float64{}
	for _, r := range rows[1:] {
		id, _ := strconv.Atoi(r[0])
		var v [3]float64
		for i := range v {
			v[i], err = strconv.ParseFloat(r[i+1], 64)
			if err != nil {
				t.Fatal(err)
			}
		}
		want[id] = v
	}
	return tx, want
}

func fitCDNOW(t *testing.T) ([]Summary, BGNBD) {
	tx, _ := readCDNOW(t)
	sum := Summarize(tx, day("1997-09-30"), 7)
	bg, err := FitBGNBD(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	return sum, bg
}

func TestCDNOWSummaryMatchesLifetimes(t *testing.T) {
	tx, want := readCDNOW(t)
	got := Summarize(tx, day("1997-09-30"), 7)
	if len(got) != 2357 || len(want) != 2357 {
		t.Fatalf("%d summaries, %d published, want 2357", len(got), len(want))
	}
	round2 := func(v float64) float64 { return math.Round(v*100) / 100 }
	for _, s := range got {
		id, err := strconv.Atoi(s.Customer)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := want[id]
		if !ok {
			t.Errorf("customer %s not in the published summary", s.Customer)
			continue
		}
		if s.Frequency != w[0] || round2(s.Recency) != w[1] || round2(s.T) != w[2] {
			t.Errorf(
				"customer %s: %v %v %v, published %v",
				s.Customer,
				s.Frequency,
				s.Recency,
				s.T,
				w,
			)
		}
	}
}

func sig3(v float64) float64 {
	e := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*e) / e
}

func TestCDNOWBGNBDFitMatchesPublished(t *testing.T) {
	sum, bg := fitCDNOW(t)
	ll := bg.LogLikelihood(sum)
	t.Logf(
		"BG/NBD on CDNOW: r=%.4f alpha=%.4f a=%.4f b=%.4f, log-likelihood %.4f",
		bg.R,
		bg.Alpha,
		bg.A,
		bg.B,
		ll,
	)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r", bg.R, 0.2426}, {"alpha", bg.Alpha, 4.4135}, {"a", bg.A, 0.7929}, {"b", bg.B, 2.4258}} {
		if sig3(c.got) != sig3(c.want) {
			t.Errorf(
				"%s = %.5g, published %.5g (3 significant digits differ)",
				c.name,
				c.got,
				c.want,
			)
		}
	}
	// Fader, Hardie and Lee (2005) report a log-likelihood of -9582.4.
	if !near(ll, -9582.4, 0.1) {
		t.Errorf("log-likelihood %.3f, published -9582.4", ll)
	}
	// ... and 1.226 expected purchases in the next 39 weeks for x=2, tx=30.43, T=38.86.
	if got := bg.ExpectedPurchases(39, 2, 30.43, 38.86); !near(got, 1.226, 0.001) {
		t.Errorf("E[Y(39) | 2, 30.43, 38.86] = %.4f, published 1.226", got)
	}
}

func TestCDNOWGammaGamma(t *testing.T) {
	sum, bg := fitCDNOW(t)
	gg, err := FitGammaGamma(sum, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Gamma-Gamma on CDNOW: p=%.4f q=%.4f v=%.4f, log-likelihood %.4f on %d repeat customers",
		gg.P, gg.Q, gg.V, gg.LogLikelihood(sum), len(repeatCustomers(sum)))
	// lifetimes' documentation fits the same CDNOW sample: "fitted with 946
	// subjects, p: 6.25, q: 3.74, v: 15.44".
	if n := len(repeatCustomers(sum)); n != 946 {
		t.Errorf("%d repeat customers, lifetimes fits 946", n)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p", gg.P, 6.25}, {"q", gg.Q, 3.74}, {"v", gg.V, 15.44}} {
		if !near(c.got, c.want, 0.006) {
			t.Errorf("%s = %.4f, lifetimes %.2f", c.name, c.got, c.want)
		}
	}
	var total float64
	for _, s := range sum {
		v := CustomerLifetimeValue(bg, gg, s, 12, 0.01, LifetimesPeriodsPerMonth(7))
		if !(v >= 0) {
			t.Fatalf("customer %s: CLV %v", s.Customer, v)
		}
		total += v
	}
	t.Logf("12-month CLV over %d customers (1%% a month): %.2f", len(sum), total)
}
