package resolve

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// sampleSize bounds the weak records and accounts per model that random pairs are drawn from.
const sampleSize = 2000

// sample keeps, per model, the weak records and the accounts whose keys hash smallest: a
// deterministic, mergeable sample of bounded size; and counts the weak records per model.
type sample struct {
	Weak, Accounts [][]candidate // per model
	Counts         []int64       // weak records per model
	AccountCounts  []int64       // accounts per model
}

// sampleOf draws the sample of sampleSize per model and side from the candidates of every
// collection. Each collection is sampled on its own and the three samples merged, so that no
// account's candidates cross a Flatten (package fanin says why).
func sampleOf(s beam.Scope, cols ...beam.PCollection) beam.PCollection {
	samples := make([]beam.PCollection, len(cols))
	for i, c := range cols {
		samples[i] = beam.Combine(s, &sampleFn{K: sampleSize}, c)
	}
	return beam.Combine(s, &mergeSamplesFn{K: sampleSize}, beam.Flatten(s, samples...))
}

// mergeSamplesFn merges samples as sampleFn does.
type mergeSamplesFn struct {
	K int
}

func (f *mergeSamplesFn) MergeAccumulators(a, b sample) sample {
	return (&sampleFn{K: f.K}).MergeAccumulators(a, b)
}

// sampleFn combines candidates into a sample of K per model and side.
type sampleFn struct {
	K int
}

func (f *sampleFn) CreateAccumulator() sample {
	return sample{
		Weak:          make([][]candidate, len(models)),
		Accounts:      make([][]candidate, len(models)),
		Counts:        make([]int64, len(models)),
		AccountCounts: make([]int64, len(models)),
	}
}

func (f *sampleFn) AddInput(a sample, c candidate) sample {
	side := a.Accounts
	if c.Weak {
		side = a.Weak
		a.Counts[c.Model]++
	} else {
		a.AccountCounts[c.Model]++
	}
	side[c.Model] = f.insert(side[c.Model], c)
	return a
}

func (f *sampleFn) MergeAccumulators(a, b sample) sample {
	for m := range models {
		a.Counts[m] += b.Counts[m]
		a.AccountCounts[m] += b.AccountCounts[m]
		a.Weak[m] = f.keep(append(a.Weak[m], b.Weak[m]...))
		a.Accounts[m] = f.keep(append(a.Accounts[m], b.Accounts[m]...))
	}
	return a
}

// keep bounds a side to the K candidates of smallest key hash, once each, in that order.
func (f *sampleFn) keep(cs []candidate) []candidate {
	slices.SortFunc(cs, sampleOrder)
	cs = slices.CompactFunc(cs, func(a, b candidate) bool { return a.Key == b.Key })
	if len(cs) > f.K {
		cs = cs[:f.K]
	}
	return cs
}

// insert is keep(append(cs, c)) for a side keep made: c goes to its place, or nowhere when the
// side is full and c comes after its last candidate (most candidates, once K are kept), so
// adding one costs a binary search rather than a sort of the side.
func (f *sampleFn) insert(cs []candidate, c candidate) []candidate {
	if len(cs) >= f.K && len(cs) > 0 && sampleOrder(c, cs[len(cs)-1]) > 0 {
		return cs
	}
	i, found := slices.BinarySearchFunc(cs, c, sampleOrder)
	if found {
		return cs
	}
	cs = slices.Insert(cs, i, c)
	if len(cs) > f.K {
		cs = cs[:f.K]
	}
	return cs
}

// sampleOrder orders candidates by key hash, then key: a sample of the smallest hashes is a
// random sample that any worker draws the same.
func sampleOrder(a, b candidate) int {
	if ha, hb := keyHash(a.Key), keyHash(b.Key); ha != hb {
		return cmp.Compare(ha, hb)
	}
	return strings.Compare(a.Key, b.Key)
}

// keyHash is the 64-bit FNV-1a hash of s, without hash/fnv's allocation of a hasher and a byte
// copy per call.
func keyHash(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// estimateFn fits each model's m and u by EM and emits them, JSON-encoded, as one element.
type estimateFn struct {
	Config MatchConfig
}

func (f *estimateFn) ProcessElement(
	_ []byte,
	hist func(*string, *int64) bool,
	samples func(*sample) bool,
	shared func(*int8, *int64) bool,
	emit func(string),
) error {
	// Patterns per model and rule (patternsOf's keys).
	pats := make([]map[string][]linkage.Pattern, len(models))
	for m := range pats {
		pats[m] = map[string][]linkage.Pattern{}
	}
	var key string
	var n int64
	for hist(&key, &n) {
		var m int
		if _, err := fmt.Sscanf(key, "%d/", &m); err != nil || m < 0 || m >= len(models) {
			return fmt.Errorf("resolve: bad pattern key %q", key)
		}
		_, rest, _ := strings.Cut(key, "/")
		rule, v, ok := strings.Cut(rest, "/")
		if !ok {
			return fmt.Errorf("resolve: bad pattern key %q", key)
		}
		pats[m][rule] = append(pats[m][rule], linkage.Pattern{V: parseVector(v), Count: float64(n)})
	}
	for m := range pats {
		for _, ps := range pats[m] {
			slices.SortFunc(
				ps,
				func(a, b linkage.Pattern) int { return strings.Compare(vectorString(a.V), vectorString(b.V)) },
			)
		}
	}
	var smp sample
	if !samples(&smp) {
		smp = (&sampleFn{}).CreateAccumulator()
	}
	fit := fitted{
		Params:   make([]*linkage.Params, len(models)),
		Accounts: smp.Counts[accountModelIndex],
	}
	pairsSharing := map[int8]int64{}
	var sm int8
	var sp int64
	for shared(&sm, &sp) {
		pairsSharing[sm] += sp
	}
	for m, md := range models {
		others := smp.Accounts[m]
		if md.Accounts {
			others = smp.Weak[m]
		}
		init := initialParams(md, smp.Weak[m], others, f.Config)
		if md.SharedU > 0 {
			setSharedU(init.U[md.SharedU], pairsSharing[int8(m)], smp.AccountCounts[m])
		}
		cfg := linkage.EMConfig{
			MaxIterations: f.Config.MaxIterations,
			Tolerance:     f.Config.Tolerance,
			FixU:          md.FixU,
		}
		if md.Sessions != nil {
			fit.Params[m] = fitSessions(md, pats[m], init, cfg, smp.AccountCounts[m])
			continue
		}
		fit.Params[m], _ = linkage.EMPatterns(pats[m][""], init, cfg)
	}
	fit.Prior = accountPrior(
		fit.Params[accountModelIndex].Lambda,
		pats[accountModelIndex][""],
		fit.Accounts,
	)
	data, err := json.Marshal(fit)
	if err != nil {
		return fmt.Errorf("resolve: encode match parameters: %w", err)
	}
	emit(string(data))
	return nil
}

// sharedPairs counts, per model with a SharedU field, the pairs of accounts that share that
// field's value (the part before nameSep): one count per value, then n(n-1)/2 summed, as
// KV<model, pairs>.
func sharedPairs(s beam.Scope, accounts beam.PCollection) beam.PCollection {
	s = s.Scope("sharedPairs")
	counts := stats.Count(s, beam.ParDo(s, sharedValue, accounts))
	return stats.SumPerKey(s, beam.ParDo(s, pairsOfValue, counts))
}

// sharedValue emits an account's model and SharedU value, as "model/value".
func sharedValue(c candidate, emit func(string)) {
	md := models[c.Model]
	if md.SharedU <= 0 || c.Weak {
		return
	}
	if v, _, _ := strings.Cut(c.Values[md.SharedU], nameSep); v != "" {
		emit(fmt.Sprintf("%d/%s", c.Model, v))
	}
}

// pairsOfValue gives the pairs of accounts among the n that share one value, keyed by model.
func pairsOfValue(key string, n int, emit func(int8, int64)) {
	if n < 2 {
		return
	}
	var m int8
	if _, err := fmt.Sscanf(key, "%d/", &m); err == nil {
		emit(m, int64(n)*int64(n-1)/2)
	}
}

// setSharedU sets the u of a field's first level to the share of account pairs that share a
// value (floored at one pair in a thousand times all pairs' count, so that one
// never seen does not weigh without bound) and scales the other levels to keep the sum one.
func setSharedU(u []float64, pairs, accounts int64) {
	all := float64(accounts) * float64(accounts-1) / 2
	if all < 1 || len(u) < 2 {
		return
	}
	share := max(float64(pairs), 1e-3) / all
	rest := (1 - share) / (1 - u[0])
	for l := 1; l < len(u); l++ {
		u[l] *= rest
	}
	u[0] = share
}

// fitSessions fits a model rule by rule, as Splink trains m on one blocking rule at a time. The
// fitting pairs a wide rule found agree on the rule's fields by construction, so those fields are
// left out of that rule's EM (their levels read as missing), and u stays at init's, the
// frequencies of random pairs, which blocking does not bias; a single EM over every wide block
// lets u soak up the agreement blocking made and takes the wrong class for the matches (at 100,000
// persons it gave agreeing on the phone's last four digits a weight against a match). A field's m
// is the average of the sessions that keep it, weighted by the matches each session expects. The
// match share becomes the prior that a weak record belongs to one given account, one over the
// accounts: a pair's probability is then that of one account against all the others, whatever
// blocks found it, and oneOfAccounts weighs a record's candidates against each other.
func fitSessions(
	md model,
	pats map[string][]linkage.Pattern,
	init *linkage.Params,
	cfg linkage.EMConfig,
	accounts int64,
) *linkage.Params {
	out := init.Clone()
	sums := make([][]float64, len(out.M))
	weights := make([]float64, len(out.M))
	for f := range out.M {
		sums[f] = make([]float64, len(out.M[f]))
	}
	cfg.FixU = true
	for _, rule := range slices.Sorted(maps.Keys(md.Sessions)) {
		masked := maskFields(pats[rule], md.Sessions[rule])
		p, _ := linkage.EMPatterns(masked, init, cfg)
		pairs := 0.0
		for _, pt := range masked {
			pairs += pt.Count
		}
		matches := p.Lambda * pairs
		for f := range out.M {
			if slices.Contains(md.Sessions[rule], f) {
				continue
			}
			for l, m := range p.M[f] {
				sums[f][l] += matches * m
			}
			weights[f] += matches
		}
	}
	for f := range out.M {
		if weights[f] > 0 {
			for l := range out.M[f] {
				out.M[f][l] = sums[f][l] / weights[f]
			}
		}
	}
	out.Lambda = 1 / float64(max(accounts, 2))
	return out
}

// maskFields returns the patterns with the given fields' levels set to missing.
func maskFields(pats []linkage.Pattern, fields []int) []linkage.Pattern {
	out := make([]linkage.Pattern, len(pats))
	for i, pt := range pats {
		v := slices.Clone(pt.V)
		for _, f := range fields {
			v[f] = linkage.Missing
		}
		out[i] = linkage.Pattern{V: v, Count: pt.Count}
	}
	return out
}

// fitted is what scoring needs: each model's parameters, the accounts the account model compared,
// and the account model's prior match probability of two random accounts.
type fitted struct {
	Params   []*linkage.Params
	Accounts int64
	Prior    float64
}

// accountPrior is the probability that two accounts drawn at random belong to one person: EM's
// match share of the pairs compared, times those pairs, over all pairs of accounts. Scoring an
// account pair against this prior, with the name's and handle's weights adjusted by how many
// accounts share them (accountScore), does not depend on which blocks found the pair.
func accountPrior(lambda float64, pats []linkage.Pattern, accounts int64) float64 {
	compared := 0.0
	for _, p := range pats {
		compared += p.Count
	}
	all := float64(accounts) * float64(accounts-1) / 2
	if all <= 0 {
		return 0
	}
	return min(lambda*compared/all, 0.5)
}

// initialParams starts EM: u from the level frequencies of random (weak, account) pairs of the
// sample (nearly all non-matches; add-one smoothed), m from linkage.DefaultM, a 10% match share.
func initialParams(md model, weak, accounts []candidate, cfg MatchConfig) *linkage.Params {
	p := &linkage.Params{Fields: md.Fields, Lambda: 0.1}
	counts := make([][]float64, len(md.Comparators))
	for f, c := range md.Comparators {
		levels := c.Levels()
		p.Levels = append(p.Levels, levels)
		p.M = append(p.M, linkage.DefaultM(len(levels)))
		counts[f] = make([]float64, len(levels))
	}
	if len(weak) > 0 && len(accounts) > 0 {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x7265736f))
		for range cfg.RandomPairs {
			v := compare(&weak[rng.IntN(len(weak))], &accounts[rng.IntN(len(accounts))])
			for f, l := range v {
				if l != linkage.Missing {
					counts[f][l]++
				}
			}
		}
	}
	for f := range counts {
		total := 0.0
		for _, c := range counts[f] {
			total += c + 1
		}
		u := make([]float64, len(counts[f]))
		for l, c := range counts[f] {
			u[l] = (c + 1) / total
		}
		p.U = append(p.U, u)
	}
	return p
}
