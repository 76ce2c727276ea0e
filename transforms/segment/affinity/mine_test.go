package affinity

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// toy is the five-basket example of Tan, Steinbach and Kumar, "Introduction
// to Data Mining", ch. 6 (the source of {Milk, Diapers} => {Beer}, s=0.4,
// c=0.67).
var toy = [][]string{
	{"Bread", "Milk"},
	{"Bread", "Diapers", "Beer", "Eggs"},
	{"Milk", "Diapers", "Beer", "Cola"},
	{"Bread", "Milk", "Diapers", "Beer"},
	{"Bread", "Milk", "Diapers", "Cola"},
}

// ruleText prints a rule as "A|B=>C count conf lift".
func ruleText(r Rule) string {
	return fmt.Sprintf(
		"%s=>%s %d %.4f %.4f",
		strings.Join(r.Antecedent, "|"),
		r.Consequent,
		r.Count,
		r.Confidence,
		r.Lift,
	)
}

// TestToyByHand checks Mine against the rules of the toy baskets worked out
// by hand, in the documented order, as arules' apriori(toy, parameter =
// list(supp = 0.4, conf = 0.6, minlen = 2)) lists them once sorted.
// Item counts: Bread, Milk, Diapers 4, Beer 3, Cola 2, Eggs 1. Support 0.4
// is a count of 2: Eggs, {Bread, Cola}, {Beer, Cola} and every set of four
// fail. lift = confidence / (count(rhs)/5).
func TestToyByHand(t *testing.T) {
	want := []string{
		// count 3: the frequent pairs, confidence 3/3 then 3/4
		"Beer=>Diapers 3 1.0000 1.2500",
		"Bread=>Diapers 3 0.7500 0.9375",
		"Bread=>Milk 3 0.7500 0.9375",
		"Diapers=>Beer 3 0.7500 1.2500",
		"Diapers=>Bread 3 0.7500 0.9375",
		"Diapers=>Milk 3 0.7500 0.9375",
		"Milk=>Bread 3 0.7500 0.9375",
		"Milk=>Diapers 3 0.7500 0.9375",
		// count 2, confidence 1: bodies of count 2
		"Beer|Bread=>Diapers 2 1.0000 1.2500",
		"Beer|Milk=>Diapers 2 1.0000 1.2500",
		"Cola=>Diapers 2 1.0000 1.2500",
		"Cola=>Milk 2 1.0000 1.2500",
		"Cola|Diapers=>Milk 2 1.0000 1.2500",
		"Cola|Milk=>Diapers 2 1.0000 1.2500",
		// count 2, confidence 2/3: bodies of count 3
		"Beer=>Bread 2 0.6667 0.8333",
		"Beer=>Milk 2 0.6667 0.8333",
		"Beer|Diapers=>Bread 2 0.6667 0.8333",
		"Beer|Diapers=>Milk 2 0.6667 0.8333",
		"Bread|Diapers=>Beer 2 0.6667 1.1111",
		"Bread|Diapers=>Milk 2 0.6667 0.8333",
		"Bread|Milk=>Diapers 2 0.6667 0.8333",
		"Diapers|Milk=>Beer 2 0.6667 1.1111",
		"Diapers|Milk=>Bread 2 0.6667 0.8333",
		"Diapers|Milk=>Cola 2 0.6667 1.6667",
	}
	rules, err := Mine(toy, Options{MinSupport: 0.4, MinConfidence: 0.6, MinLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		got = append(got, ruleText(r))
		if want := float64(r.Count) / 5; r.Support != want {
			t.Errorf("%s: support %v, want %v", ruleText(r), r.Support, want)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// minlen 1 (the default) adds {} => y for every item of support >= 0.6:
	// confidence = support(y), lift 1. Beer sits exactly on the threshold.
	rules, err = Mine(toy, Options{MinSupport: 0.4, MinConfidence: 0.6})
	if err != nil {
		t.Fatal(err)
	}
	var empty []string
	for _, r := range rules {
		if len(r.Antecedent) == 0 {
			empty = append(empty, ruleText(r))
		}
	}
	wantEmpty := []string{
		"=>Bread 4 0.8000 1.0000",
		"=>Diapers 4 0.8000 1.0000",
		"=>Milk 4 0.8000 1.0000",
		"=>Beer 3 0.6000 1.0000",
	}
	if len(rules) != len(want)+len(wantEmpty) || !slices.Equal(empty, wantEmpty) {
		t.Errorf(
			"minlen 1: %d rules, empty antecedents %q; want %d and %q",
			len(rules),
			empty,
			len(want)+len(wantEmpty),
			wantEmpty,
		)
	}
}

// bruteForce enumerates every itemset of the universe and every rule from
// it, straight from the definitions, with transactions as bit masks.
func bruteForce(transactions [][]string, universe []string, opt Options) map[string]Rule {
	n := len(transactions)
	minLen, maxLen := max(opt.MinLen, 1), opt.MaxLen
	if maxLen == 0 {
		maxLen = 10
	}
	need := max(1, int(math.Ceil(float64(n)*opt.MinSupport)))
	masks := make([]int, n)
	for t, tx := range transactions {
		for i, it := range universe {
			if slices.Contains(tx, it) {
				masks[t] |= 1 << i
			}
		}
	}
	count := func(set int) int {
		c := 0
		for _, m := range masks {
			if m&set == set {
				c++
			}
		}
		return c
	}
	out := map[string]Rule{}
	for set := 1; set < 1<<len(universe); set++ {
		c := count(set)
		size := bits.OnesCount(uint(set))
		if c < need || size < minLen || size > maxLen {
			continue
		}
		for h, head := range universe {
			if set&(1<<h) == 0 {
				continue
			}
			conf := float64(c) / float64(count(set&^(1<<h)))
			if conf < opt.MinConfidence-1e-12 {
				continue
			}
			var body []string
			for i, it := range universe {
				if i != h && set&(1<<i) != 0 {
					body = append(body, it)
				}
			}
			slices.Sort(body)
			r := Rule{
				Antecedent: body,
				Consequent: head,
				Count:      c,
				Support:    float64(c) / float64(n),
				Confidence: conf,
				Lift:       conf / (float64(count(1<<h)) / float64(n)),
			}
			out[strings.Join(body, "|")+"=>"+head] = r
		}
	}
	return out
}

// TestMatchesBruteForce compares Mine with the enumeration on random small
// data: duplicated items, empty baskets, every threshold and length bound.
func TestMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"a", "b", "c", "d", "e", "f", "g", "茶", "i", "j", "k", "l"}
	compared := 0
	for trial := 0; trial < 400; trial++ {
		universe := names[:2+rng.IntN(7)]
		n := 1 + rng.IntN(40)
		if trial%10 == 0 { // deeper trees: more items and baskets
			universe, n = names, 100+rng.IntN(200)
		}
		// Baskets are noisy copies of three patterns, so items correlate.
		patterns := make([][]bool, 3)
		for p := range patterns {
			for range universe {
				patterns[p] = append(patterns[p], rng.IntN(2) == 0)
			}
		}
		transactions := make([][]string, n)
		for i := range transactions {
			pattern := patterns[rng.IntN(len(patterns))]
			for j, it := range universe {
				if pattern[j] != (rng.Float64() < 0.15) {
					transactions[i] = append(transactions[i], it)
					if rng.IntN(6) == 0 {
						transactions[i] = append(transactions[i], it) // a duplicate counts once
					}
				}
			}
			rng.Shuffle(len(transactions[i]), func(a, b int) {
				transactions[i][a], transactions[i][b] = transactions[i][b], transactions[i][a]
			})
		}
		opt := Options{
			MinSupport:    []float64{0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9}[rng.IntN(7)],
			MinConfidence: []float64{0, 0.2, 0.5, 0.6, 0.8, 1}[rng.IntN(6)],
			MinLen:        rng.IntN(4),
		}
		if rng.IntN(2) == 0 {
			opt.MaxLen = max(opt.MinLen, 1) + rng.IntN(3)
		}
		want := bruteForce(transactions, universe, opt)
		compared += len(want)
		got, err := Mine(transactions, opt)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if len(got) != len(want) {
			t.Errorf(
				"trial %d (%+v, %d baskets): %d rules, brute force %d",
				trial,
				opt,
				n,
				len(got),
				len(want),
			)
			continue
		}
		for i, r := range got {
			w, ok := want[strings.Join(r.Antecedent, "|")+"=>"+r.Consequent]
			if !ok || w.Count != r.Count || math.Abs(w.Support-r.Support) > 1e-12 ||
				math.Abs(w.Confidence-r.Confidence) > 1e-12 || math.Abs(w.Lift-r.Lift) > 1e-9 {
				t.Errorf("trial %d: rule %+v, brute force %+v (found %v)", trial, r, w, ok)
			}
			if i > 0 && !ordered(got[i-1], r) {
				t.Errorf("trial %d: %s listed before %s", trial, ruleText(got[i-1]), ruleText(r))
			}
		}
	}
	t.Logf("%d rules compared", compared)
	if compared < 10000 {
		t.Errorf("only %d rules compared: the random data are too thin to test much", compared)
	}
}

// ordered tells whether a may come before b: support descending, then
// confidence descending, then antecedent and consequent ascending.
func ordered(a, b Rule) bool {
	if a.Support != b.Support {
		return a.Support > b.Support
	}
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	x, y := strings.Join(a.Antecedent, "\x00"), strings.Join(b.Antecedent, "\x00")
	if x != y {
		return x < y
	}
	return a.Consequent < b.Consequent
}

// TestInputOrderDoesNotMatter shuffles baskets and items: same rules.
func TestInputOrderDoesNotMatter(t *testing.T) {
	baskets := benchmarkBaskets(3000, 7)
	opt := Options{MinSupport: 0.01, MinConfidence: 0.2}
	want, err := Mine(baskets, opt)
	if err != nil || len(want) == 0 {
		t.Fatalf("%d rules, %v", len(want), err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(baskets), func(i, j int) { baskets[i], baskets[j] = baskets[j], baskets[i] })
	for _, b := range baskets {
		slices.Reverse(b)
	}
	got, err := Mine(baskets, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rules after shuffling, %d before", len(got), len(want))
	}
	for i := range got {
		if ruleText(got[i]) != ruleText(want[i]) {
			t.Fatalf(
				"rule %d: %s after shuffling, %s before",
				i,
				ruleText(got[i]),
				ruleText(want[i]),
			)
		}
	}
}

func TestLengthBounds(t *testing.T) {
	for _, c := range []struct{ minLen, maxLen, lo, hi int }{{0, 0, 1, 3}, {2, 2, 2, 2}, {3, 0, 3, 3},
		{1, 1, 1, 1}} {
		rules, err := Mine(toy, Options{MinSupport: 0.4, MinLen: c.minLen, MaxLen: c.maxLen})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]bool{}
		for _, r := range rules {
			seen[len(r.Antecedent)+1] = true
		}
		for l := 1; l <= 4; l++ {
			if seen[l] != (l >= c.lo && l <= c.hi) {
				t.Errorf(
					"minlen %d maxlen %d: rules of length %d present = %v",
					c.minLen,
					c.maxLen,
					l,
					seen[l],
				)
			}
		}
	}
}

func TestBadOptions(t *testing.T) {
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{MinSupport: -0.1}, "minimum support"},
		{Options{MinSupport: 1.5}, "minimum support"},
		{Options{MinSupport: math.NaN()}, "minimum support"},
		{Options{MinConfidence: 2}, "minimum confidence"},
		{Options{MinLen: -1}, "negative"},
		{Options{MinLen: 4, MaxLen: 3}, "minlen 4 is greater than maxlen 3"},
	} {
		if _, err := Mine(toy, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.opt, err, c.want)
		}
	}
	if rules, err := Mine(nil, DefaultOptions()); err != nil || len(rules) != 0 {
		t.Errorf("no transactions: %d rules, %v", len(rules), err)
	}
}

// TestEmptyBasketsCount checks that baskets without items still count in n,
// as arules counts empty transactions.
func TestEmptyBasketsCount(t *testing.T) {
	rules, err := Mine(
		[][]string{{"x", "y"}, {"x", "y"}, {}, {}},
		Options{MinSupport: 0.5, MinConfidence: 0.5},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Support != 0.5 {
			t.Errorf("%s: support %v, want 0.5 (2 of 4 baskets)", ruleText(r), r.Support)
		}
	}
	if len(rules) != 4 { // {} => x, {} => y, x => y, y => x
		t.Errorf("%d rules, want 4", len(rules))
	}
}
