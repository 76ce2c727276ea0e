package resolve

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// accountScore is the match probability of an account pair under the account model with the
// term-frequency adjustment: an exact name or handle weighs log2(m / f), f being the share of
// accounts that carry it, instead of the average u; the other fields weigh log2(m/u) as fitted.
func accountScore(fit *fitted, v linkage.Vector, p pair) float64 {
	params := fit.Params[accountModelIndex]
	if fit.Prior <= 0 || fit.Accounts < 2 {
		return 0
	}
	weight := math.Log2(fit.Prior / (1 - fit.Prior))
	for f, l := range v {
		if l == linkage.Missing {
			continue
		}
		freq := int32(0)
		switch {
		case f != accountName:
		case l == levelName:
			freq = p.NameFreq
		case l == levelHandle:
			freq = p.HandleFreq
		}
		if freq > 0 {
			weight += math.Log2(params.M[f][l] * float64(fit.Accounts) / float64(freq))
		} else {
			weight += params.Weight(f, int(l))
		}
	}
	return 1 / (1 + math.Exp2(-weight))
}

// score is a pair's match probability under its model, and its odds.
func (fit *fitted) score(v linkage.Vector, p pair) (prob, odds float64) {
	if models[p.Model].Accounts {
		prob = accountScore(fit, v, p)
		return prob, prob / (1 - prob)
	}
	params := fit.Params[p.Model]
	w, prob := params.Score(v)
	return prob, math.Exp2(w) * params.Lambda / (1 - params.Lambda)
}

// oneOfAccounts is the probability that a weak record belongs to the account whose pair has the
// given odds, when it belongs to at most one account: those odds over one (no account) plus the
// odds of every account compared with it (sumOdds, its own included), every account's odds scaled
// by owned/(1-owned), owned being the prior share of such records that belong to some account
// (ownerShare). Each pair's odds are against the prior of one random account (fitSessions), so two
// accounts that fit equally well share the record between them, and one that fits far better
// takes it.
func oneOfAccounts(odds, sumOdds, owned float64) float64 {
	r := owned / (1 - owned)
	return r * odds / (1 + r*sumOdds)
}

// oddsBin is a histogram bin of weak records of one model by their candidates' summed odds:
// Bin is log2 of the sum, in quarters of a bit.
type oddsBin struct {
	Model int8
	Bin   int32
}

// oddsBinOf bins summed odds.
func oddsBinOf(model int8, sumOdds float64) oddsBin {
	return oddsBin{Model: model, Bin: int32(math.Round(4 * math.Log2(sumOdds)))}
}

// oddsBinFn bins each weak record of a model scored as one of accounts (Sessions) by its
// candidates' summed odds, for ownerShare.
type oddsBinFn struct {
	fit *fitted
}

func (f *oddsBinFn) ProcessElement(
	weakKey string,
	iter func(*pair) bool,
	params func(*string) bool,
	emit func(oddsBin),
) error {
	if strings.HasPrefix(weakKey, fitPrefix) {
		return nil
	}
	pairs := distinctPairs(iter)
	if len(pairs) == 0 || models[pairs[0].Model].Sessions == nil {
		return nil
	}
	if f.fit == nil {
		var err error
		if f.fit, err = decodeFitted(params); err != nil {
			return err
		}
	}
	if w := weigh(f.fit, pairs); w.SumOdds > 0 {
		emit(oddsBinOf(pairs[0].Model, w.SumOdds))
	}
	return nil
}

// ownerShare fits, per model, the share of the weak records with candidates that belong to some
// account, by EM over the histogram of their candidates' summed odds S (each against the prior
// of one account with none weighing one, oneOfAccounts at an even share): a record belongs to some
// account with probability πS/(πS + 1-π), and π is the mean of that over the records and over
// ownerPriorRecords more at an even share. Records that fit an account well pull π up, records
// whose candidates all fit badly pull it down, records without evidence leave it; a few records
// move it little (a thousand persons' posts fit the model too roughly to be trusted with their
// own share), thousands decide it. π stays within [0.01, 0.99].
func ownerShare(bins func(*oddsBin, *int) bool) []float64 {
	hist := make([]map[int32]int, len(models))
	var b oddsBin
	var n int
	for bins(&b, &n) {
		if b.Model < 0 || int(b.Model) >= len(models) {
			continue
		}
		if hist[b.Model] == nil {
			hist[b.Model] = map[int32]int{}
		}
		hist[b.Model][b.Bin] += n
	}
	out := make([]float64, len(models))
	for m, h := range hist {
		// Summed in bin order: a map's order changes from run to run, and so would the last digit.
		order := slices.Sorted(maps.Keys(h))
		pi := 0.5
		for i := 0; i < 500 && len(h) > 0; i++ {
			owned, all := 0.0, 0.0
			for _, bin := range order {
				n, s := h[bin], math.Exp2(float64(bin)/4)
				owned += float64(n) * pi * s / (pi*s + 1 - pi)
				all += float64(n)
			}
			next := (owned + ownerPriorRecords/2) / (all + ownerPriorRecords)
			done := math.Abs(next-pi) < 1e-7
			if pi = next; done {
				break
			}
		}
		out[m] = min(max(pi, 0.01), 0.99)
	}
	return out
}

// ownerPriorRecords is the weight of ownerShare's prior, an even share, in records.
const ownerPriorRecords = 20

// weighed is what a weak record's candidates come to: the best account with direct evidence (of
// probability -1 when none has any), the runner-up's probability, the best one's odds and the
// odds of all candidates summed.
type weighed struct {
	Best                             pair
	BestP, Second, BestOdds, SumOdds float64
}

// weigh scores a weak record's candidates (one pair per account, all of one model).
func weigh(fit *fitted, pairs []pair) weighed {
	w := weighed{Best: pair{Model: pairs[0].Model}, BestP: -1, Second: -1}
	md := models[w.Best.Model]
	for _, p := range pairs {
		v := parseVector(p.Vector)
		prob, odds := fit.score(v, p)
		w.SumOdds += odds
		if !md.evident(v) {
			continue
		}
		if prob > w.BestP {
			w.Best, w.BestP, w.BestOdds, w.Second = p, prob, odds, w.BestP
		} else if prob > w.Second {
			w.Second = prob
		}
	}
	return w
}

// decodeFitted reads the match parameters estimateFn emitted.
func decodeFitted(params func(*string) bool) (*fitted, error) {
	var data string
	if !params(&data) {
		return nil, fmt.Errorf("resolve: no match parameters")
	}
	var fit fitted
	if err := json.Unmarshal([]byte(data), &fit); err != nil {
		return nil, fmt.Errorf("resolve: decode match parameters: %w", err)
	}
	return &fit, nil
}

// scoreFn links a weak record to its best account when the match probability reaches the
// threshold (ties: the smallest account key), as node facts of both.
type scoreFn struct {
	Threshold float64
	Salt      clean.Options

	salt  string
	fit   *fitted
	owned []float64 // per model, ownerShare
}

func (f *scoreFn) Setup() error {
	var err error
	f.salt, err = f.Salt.Salt()
	return err
}

func (f *scoreFn) ProcessElement(
	ctx context.Context,
	weakKey string,
	iter func(*pair) bool,
	params func(*string) bool,
	owned func(*oddsBin, *int) bool,
	facts func(string, node),
	count func(string, int64),
) error {
	if strings.HasPrefix(weakKey, fitPrefix) {
		return nil // a fitting record: seen by EM, scored under its own key
	}
	if f.fit == nil {
		var err error
		if f.fit, err = decodeFitted(params); err != nil {
			return err
		}
		f.owned = ownerShare(owned)
	}
	pairs := distinctPairs(iter)
	if len(pairs) == 0 {
		return nil
	}
	// The best account with direct evidence, and the runner-up: a weak record that two accounts
	// match equally well is ambiguous and joins neither.
	w := weigh(f.fit, pairs)
	best, bestP, md := w.Best, w.BestP, models[w.Best.Model]
	placed, ambiguous := bestP >= f.Threshold &&
		w.Second < f.Threshold, bestP >= f.Threshold &&
		w.Second >= f.Threshold
	if md.Sessions != nil && bestP >= 0 {
		// Placed by its share of the candidates' odds (oneOfAccounts), not against the runner-up.
		share := oneOfAccounts(w.BestOdds, w.SumOdds, f.owned[best.Model])
		placed, ambiguous, bestP = share >= f.Threshold, bestP >= f.Threshold &&
			share < f.Threshold, share
	}
	name := md.Name
	// Side inputs rule out bundle methods here, so counts go out per weak record.
	linked := func(reason string) {
		k := quality.Key{
			Source:  Source,
			Stage:   Stage,
			Measure: quality.Linked,
			Reason:  reason + ":" + name,
		}
		quality.Mirror(ctx, k, 1)
		count(k.String(), 1)
	}
	linked("candidates")
	if ambiguous {
		linked("ambiguous")
	}
	if !placed {
		return nil
	}
	linked("matched")
	facts(
		nodeHash(f.salt, weakKey),
		node{Key: weakKey, Partners: []string{best.Account}, Score: bestP},
	)
	facts(nodeHash(f.salt, best.Account), node{Key: best.Account, Partners: []string{weakKey}})
	return nil
}
