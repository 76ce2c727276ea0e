package propensity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// simulatedTransactions is a seeded population of n buyers, first purchases
// in the 100 days from start, Poisson purchasing at rates of 0.02 to 0.12 a
// day and a dropout chance after each repeat purchase, observed for a year:
// enough customers for BG/NBD to fit.
func simulatedTransactions(n int, start time.Time, seed uint64) []clv.Transaction {
	rng := rand.New(rand.NewPCG(seed, 3))
	var tx []clv.Transaction
	for i := range n {
		id := fmt.Sprintf("s%03d", i)
		first := 100 * rng.Float64()
		rate := 0.02 + 0.1*rng.Float64()*rng.Float64()
		dropout := 0.3 * rng.Float64()
		for now := first; now < 365; now += rng.ExpFloat64() / rate {
			when := start.Add(time.Duration(now * 24 * float64(time.Hour)))
			tx = append(
				tx,
				clv.Transaction{Customer: id, Time: when, Amount: 5 + math.Round(95*rng.Float64())},
			)
			if now > first && rng.Float64() < dropout {
				break
			}
		}
	}
	return tx
}

var shanghai = time.FixedZone("CST", 8*3600)

// handTransactions are customers whose features are worked out by hand for
// the cutoff 2024-06-30 and a horizon of 30 days, (2024-06-30, 2024-07-30].
var handTransactions = []clv.Transaction{
	{Customer: "alice", Time: date("2024-01-01"), Amount: 10},
	{
		Customer: "alice",
		Time:     date("2024-01-01").Add(3 * time.Hour),
		Amount:   5,
	}, // same day: one purchase day
	{
		Customer: "alice",
		Time:     date("2024-04-15"),
		Amount:   20,
	}, // within 90 days, not 30
	{
		Customer: "alice",
		Time:     date("2024-06-10"),
		Amount:   30,
	}, // within 30 days
	{
		Customer: "alice",
		Time:     date("2024-07-15"),
		Amount:   8,
	}, // in the horizon
	{
		Customer: "bob",
		Time:     time.Date(2024, 6, 30, 23, 30, 0, 0, shanghai),
		Amount:   12,
	}, // the cutoff day where it happened
	{
		Customer: "bob",
		Time:     date("2024-07-31"),
		Amount:   3,
	}, // one day after the horizon
	{
		Customer: "carol",
		Time:     date("2024-07-02"),
		Amount:   9,
	}, // only after the cutoff: no row
	{
		Customer: "dave",
		Time:     date("2024-05-31"),
		Amount:   40,
	}, // 30 days before the cutoff: not within 30
	{
		Customer: "dave",
		Time:     date("2024-07-30"),
		Amount:   1,
	}, // the horizon's last day
}

var cutoff = date("2024-06-30")

func rowOf(t *testing.T, ds *Dataset, customer string) (map[string]float64, bool, float64) {
	t.Helper()
	for i, c := range ds.Customers {
		if c == customer {
			row := map[string]float64{}
			for j, name := range ds.Names {
				row[name] = ds.X[i][j]
			}
			return row, ds.Labels[i], ds.Baseline[i]
		}
	}
	t.Fatalf("no row for %s", customer)
	return nil, false, 0
}

func TestFeaturesHandComputed(t *testing.T) {
	tx := append(simulatedTransactions(300, date("2024-01-01"), 1), handTransactions...)
	ds, err := Features(tx, cutoff, 30, FeatureOptions{UnitDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ds.Customers {
		if c == "carol" {
			t.Error("carol bought only after the cutoff but has a row")
		}
	}
	want := map[string]struct {
		features map[string]float64
		label    bool
	}{
		"alice": {
			map[string]float64{
				"frequency":       2,
				"recency":         161.0 / 7,
				"T":               181.0 / 7,
				"monetary_value":  25,
				"days_since_last": 20,
				"purchases_30d":   1,
				"spend_30d":       30,
				"purchases_90d":   2,
				"spend_90d":       50,
			},
			true,
		},
		"bob": {
			map[string]float64{
				"frequency":       0,
				"recency":         0,
				"T":               0,
				"monetary_value":  0,
				"days_since_last": 0,
				"purchases_30d":   1,
				"spend_30d":       12,
				"purchases_90d":   1,
				"spend_90d":       12,
			},
			false,
		},
		"dave": {
			map[string]float64{
				"frequency":       0,
				"recency":         0,
				"T":               30.0 / 7,
				"monetary_value":  0,
				"days_since_last": 30,
				"purchases_30d":   0,
				"spend_30d":       0,
				"purchases_90d":   1,
				"spend_90d":       40,
			},
			true,
		},
	}
	for customer, w := range want {
		row, label, baseline := rowOf(t, ds, customer)
		for name, v := range w.features {
			if math.Abs(row[name]-v) > 1e-12 {
				t.Errorf("%s: %s = %v, want %v", customer, name, row[name], v)
			}
		}
		if label != w.label {
			t.Errorf("%s: label %v, want %v", customer, label, w.label)
		}
		x, tx, T := row["frequency"], row["recency"], row["T"]
		if row["bgnbd_p_alive"] != ds.BGNBD.ProbAlive(x, tx, T) ||
			row["bgnbd_expected"] != ds.BGNBD.ExpectedPurchases(30.0/7, x, tx, T) ||
			baseline != ProbPurchase(ds.BGNBD, 30.0/7, x, tx, T) {
			t.Errorf(
				"%s: BG/NBD features %v %v and baseline %v differ from the model's",
				customer,
				row["bgnbd_p_alive"],
				row["bgnbd_expected"],
				baseline,
			)
		}
	}
	// The BG/NBD model is the one fitted on the purchases up to the cutoff.
	var upTo []clv.Transaction
	for _, t := range tx {
		if !t.Time.After(time.Date(2024, 6, 30, 23, 59, 59, 0, t.Time.Location())) {
			upTo = append(upTo, t)
		}
	}
	bg, err := clv.FitBGNBD(clv.Summarize(upTo, cutoff, 7), 0)
	if err != nil {
		t.Fatal(err)
	}
	if bg != ds.BGNBD {
		t.Errorf("BG/NBD %+v, fitted on the purchases up to the cutoff %+v", ds.BGNBD, bg)
	}
}

// TestFeaturesDoNotLeak adds purchases after the cutoff, in and beyond the
// horizon, of known and new customers: no feature, baseline or model
// parameter may change, only the labels of those who bought in the horizon.
func TestFeaturesDoNotLeak(t *testing.T) {
	tx := append(simulatedTransactions(300, date("2024-01-01"), 2), handTransactions...)
	before, err := Features(tx, cutoff, 30, FeatureOptions{UnitDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	quiet := "" // a customer who did not buy in the horizon
	for i, c := range before.Customers {
		if !before.Labels[i] && strings.HasPrefix(c, "s") {
			quiet = c
			break
		}
	}
	later := []clv.Transaction{
		{
			Customer: "bob",
			Time:     date("2024-07-01"),
			Amount:   500,
		}, // first day after the cutoff
		{
			Customer: quiet,
			Time:     time.Date(2024, 7, 1, 0, 30, 0, 0, shanghai),
			Amount:   70,
		}, // 2024-06-30 in UTC, 07-01 where it happened
		{
			Customer: "s001",
			Time:     date("2024-08-20"),
			Amount:   5,
		}, // after the horizon
		{
			Customer: "zed",
			Time:     date("2024-07-03"),
			Amount:   20,
		}, // a new customer
		{
			Customer: "alice",
			Time:     date("2025-01-01"),
			Amount:   1e6,
		}, // far later
	}
	after, err := Features(append(tx, later...), cutoff, 30, FeatureOptions{UnitDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before.Customers, after.Customers) ||
		!reflect.DeepEqual(before.X, after.X) ||
		!reflect.DeepEqual(before.Baseline, after.Baseline) ||
		before.BGNBD != after.BGNBD {
		t.Fatal(
			"a purchase after the cutoff changed the customers, a feature, the baseline or the BG/NBD fit",
		)
	}
	changed := map[string]bool{}
	for i, c := range after.Customers {
		if before.Labels[i] != after.Labels[i] {
			changed[c] = after.Labels[i]
		}
	}
	want := map[string]bool{"bob": true, quiet: true}
	if !reflect.DeepEqual(changed, want) {
		t.Errorf("labels changed %v, want %v", changed, want)
	}
	// The same purchases do move the features once the cutoff passes them.
	moved, err := Features(
		append(tx, later...),
		date("2024-07-01"),
		30,
		FeatureOptions{UnitDays: 7},
	)
	if err != nil {
		t.Fatal(err)
	}
	if b, _, _ := rowOf(t, moved, "bob"); b["spend_30d"] != 512 {
		t.Errorf("with the cutoff a day later bob's 30-day spend is %v, want 512", b["spend_30d"])
	}
}

func TestFeaturesErrors(t *testing.T) {
	tx := simulatedTransactions(50, date("2024-01-01"), 3)
	for _, c := range []struct {
		cutoff  time.Time
		horizon int
		opt     FeatureOptions
		want    string
	}{
		{cutoff, 0, FeatureOptions{UnitDays: 7}, "horizon of 0 days"},
		{cutoff, 30, FeatureOptions{}, "unit of 0 days"},
		{date("2023-12-31"), 30, FeatureOptions{UnitDays: 7},
			"no purchase on or before the cutoff 2023-12-31"},
	} {
		if _, err := Features(tx, c.cutoff, c.horizon, c.opt); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
