package affinity

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Options are the thresholds of Mine.
type Options struct {
	// MinSupport is the least share of transactions holding every item of
	// a rule, in [0, 1]. Zero lists every itemset that occurs at least once.
	MinSupport float64
	// MinConfidence is the least confidence of a rule, in [0, 1].
	MinConfidence float64
	// MinLen and MaxLen bound the number of items of a rule, both sides
	// counted, as arules' minlen and maxlen. Zero means arules' defaults, 1
	// and 10.
	MinLen, MaxLen int
}

// DefaultOptions are the defaults of arules' apriori: support 0.1,
// confidence 0.8, minlen 1, maxlen 10.
func DefaultOptions() Options {
	return Options{MinSupport: 0.1, MinConfidence: 0.8, MinLen: 1, MaxLen: 10}
}

// Rule is an association rule Antecedent => Consequent.
type Rule struct {
	// Antecedent holds the left-hand items, sorted; empty for {} => y.
	Antecedent []string
	// Consequent is the one right-hand item.
	Consequent string
	// Support, Confidence and Lift are as in the package comment.
	Support, Confidence, Lift float64
	// Count is the number of transactions holding every item of the rule.
	Count int
}

// confidenceEpsilon is arules' tolerance on the confidence threshold.
const confidenceEpsilon = 1e-12

// normalize checks opt and fills in the defaults of MinLen and MaxLen.
func (opt Options) normalize() (Options, error) {
	if !(opt.MinSupport >= 0 && opt.MinSupport <= 1) {
		return opt, fmt.Errorf("affinity: minimum support %v is not in [0, 1]", opt.MinSupport)
	}
	if !(opt.MinConfidence >= 0 && opt.MinConfidence <= 1) {
		return opt, fmt.Errorf(
			"affinity: minimum confidence %v is not in [0, 1]",
			opt.MinConfidence,
		)
	}
	if opt.MinLen < 0 || opt.MaxLen < 0 {
		return opt, fmt.Errorf(
			"affinity: rule lengths must not be negative (minlen %d, maxlen %d)",
			opt.MinLen,
			opt.MaxLen,
		)
	}
	if opt.MinLen == 0 {
		opt.MinLen = 1
	}
	if opt.MaxLen == 0 {
		opt.MaxLen = 10
	}
	if opt.MinLen > opt.MaxLen {
		return opt, fmt.Errorf(
			"affinity: minlen %d is greater than maxlen %d",
			opt.MinLen,
			opt.MaxLen,
		)
	}
	return opt, nil
}

// minCount is the least number of transactions of a frequent itemset:
// ceil(n·support) as arules computes it, and at least one.
func minCount(n int, support float64) int {
	return max(1, int(math.Ceil(float64(n)*support)))
}

// Mine finds the association rules of transactions (each a list of items)
// that pass opt, in a fixed order: support descending, then confidence
// descending, then antecedent and consequent ascending. No transactions
// give no rules.
func Mine(transactions [][]string, opt Options) ([]Rule, error) {
	opt, err := opt.normalize()
	if err != nil {
		return nil, err
	}
	n := len(transactions)
	if n == 0 {
		return nil, nil
	}
	if n > math.MaxInt32 {
		return nil, errors.New("affinity: more than 2^31-1 transactions")
	}
	enc := encode(transactions, minCount(n, opt.MinSupport))
	sets := enc.frequentItemsets(opt.MaxLen)
	return enc.rules(sets, n, opt), nil
}

// rules derives the rules of the frequent itemsets sets.
func (enc *encoded) rules(sets itemsets, n int, opt Options) []Rule {
	var out []Rule
	var lhs []int32
	for key, count := range sets {
		items := decodeKey(key)
		if len(items) < opt.MinLen {
			continue
		}
		for i, head := range items {
			lhs = append(append(lhs[:0], items[:i]...), items[i+1:]...)
			body := n
			if len(lhs) > 0 {
				body = sets[itemsetKey(lhs)]
			}
			conf := float64(count) / float64(body)
			if conf < opt.MinConfidence-confidenceEpsilon {
				continue
			}
			ante := make([]string, len(lhs))
			for j, it := range lhs {
				ante[j] = enc.names[it]
			}
			slices.Sort(ante)
			out = append(out, Rule{
				Antecedent: ante,
				Consequent: enc.names[head],
				Support:    float64(count) / float64(n),
				Confidence: conf,
				Lift:       conf * float64(n) / float64(enc.counts[head]),
				Count:      count,
			})
		}
	}
	slices.SortFunc(out, compareRules)
	return out
}

// compareRules orders rules by support and confidence descending, then by
// antecedent and consequent ascending.
func compareRules(a, b Rule) int {
	if c := cmp.Compare(b.Count, a.Count); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
		return c
	}
	if c := slices.Compare(a.Antecedent, b.Antecedent); c != 0 {
		return c
	}
	return cmp.Compare(a.Consequent, b.Consequent)
}
