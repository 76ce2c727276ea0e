package resolve

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// Match links weak records to accounts with three Fellegi-Sunter models: tickets that name no
// account (the caller's name and a phone that may be mistyped), review-site posts (nickname, city
// and a partial phone), and accounts with each other (a second account that shares no phone,
// e-mail or device with the first: name or handle, birthday, birth year, gender, city, channel).
// Candidate pairs come from blocking (tickets and posts on keys of two pieces of evidence, see
// ticketBlocks and postBlocks; accounts are blocked for them only on keys some weak record has, so
// the shuffle stays the size of the weak records' neighbourhoods; accounts are
// blocked with each other on their name and each handle, a name more than MaxAccountBlock
// accounts share only within a birth year). m and u are estimated per model by EM over the
// histogram of comparison vectors (for tickets and posts, of a bounded fitting sample blocked wide:
// fitCandidates), u starting from random pairs of a bounded sample. Account pairs
// are scored with a term-frequency adjustment against the prior of two random accounts
// (accountScore). The post model is fitted rule by rule and scored against one random account
// (fitSessions). A weak record joins its best account when the match probability reaches the
// threshold and no other account does; a post, when its best account holds that share of the odds
// of all its candidates and of none (oneOfAccounts), none weighing as much as the share of such
// records without an owner that EM finds (ownerShare). The output is node facts (the weak record
// and the account as partners, with the score) for the identity graph; quality counts: pairs
// compared, blocks skipped, candidates, matches and ambiguous records per model; and the night's
// MatchCard.
func Match(
	s beam.Scope,
	users, tickets, posts beam.PCollection,
	cfg MatchConfig,
	opt Options,
) (facts, counts, card beam.PCollection) {
	s = s.Scope("resolve.Match")
	weak := beam.Flatten(
		s,
		beam.ParDo(s, ticketCandidates, tickets),
		beam.ParDo(s, postCandidates, posts),
	)
	accounts := beam.ParDo(s, userCandidates, users)
	selves := beam.ParDo(s, selfCandidates, users)
	sample := sampleOf(s, weak, selves, accounts)
	fitting := beam.ParDo(s, fitCandidates, beam.Impulse(s), beam.SideInput{Input: sample})
	weakKeys := beam.ParDo(s, blockKeys, beam.Flatten(s, weak, fitting))
	blocked := beam.Flatten(
		s,
		beam.ParDo(
			s,
			&accountBlocksFn{},
			accounts,
			beam.SideInput{Input: settle.Whole(s, weakKeys)},
		),
		beam.ParDo(
			s,
			candidateBlocks,
			weak,
		),
		beam.ParDo(s, candidateBlocks, fitting),
		beam.ParDo(s, candidateBlocks, selves),
	)
	pairs, compared := beam.ParDo2(
		s,
		&compareFn{MaxBlock: cfg.MaxBlock, MaxAccountBlock: cfg.MaxAccountBlock},
		beam.GroupByKey(s, blocked),
	)
	byWeak := beam.GroupByKey(s, pairs)
	hist := stats.SumPerKey(s, beam.ParDo(s, patternsOf, byWeak))
	params := beam.ParDo(
		s,
		&estimateFn{Config: cfg},
		beam.Impulse(s),
		beam.SideInput{Input: hist},
		beam.SideInput{Input: sample},
		beam.SideInput{Input: sharedPairs(s, accounts)},
	)
	// The owner shares' histogram comes out of a shuffle, as byWeak does: settled, so that no
	// scoring reads it half made (package settle).
	owned := settle.Whole(
		s,
		stats.Count(s, beam.ParDo(s, &oddsBinFn{}, byWeak, beam.SideInput{Input: params})),
	)
	facts, scored := beam.ParDo2(
		s,
		&scoreFn{Threshold: cfg.Threshold, Salt: opt.Salt},
		byWeak,
		beam.SideInput{Input: params},
		beam.SideInput{Input: owned},
	)
	card = beam.ParDo(
		s,
		&cardFn{Threshold: cfg.Threshold},
		beam.Impulse(s),
		beam.SideInput{Input: params},
		beam.SideInput{Input: owned},
	)
	return facts, beam.Flatten(s, compared, scored), card
}

// sampleSize bounds the weak records and accounts per model that random pairs are drawn from.
const sampleSize = 2000

// The ticket and post models score each weak record against the accounts of its tight blocks
// (ticketBlocks, postBlocks), which grow far slower than the population. Their m and u are fitted on
// the first fitSize weak records of the sample blocked on the wide keys instead (wideTicketBlocks,
// widePostBlocks): within tight blocks almost every non-match agrees on two fields, and EM, shown
// no other kind, takes the wrong class for the matches. The fitting records go through the same
// blocks, comparisons and histogram under keys with fitPrefix, and are never scored.
const (
	fitSize   = 500
	fitPrefix = "fit:"
)

// fitCandidates emits the fitting records: the sample's first fitSize tickets and posts, blocked
// on their wide keys.
func fitCandidates(_ []byte, samples func(*sample) bool, emit func(candidate)) {
	var smp sample
	if !samples(&smp) {
		return
	}
	for m, md := range models {
		if md.Accounts {
			continue
		}
		for _, c := range smp.Weak[m][:min(fitSize, len(smp.Weak[m]))] {
			c.Fit, c.Blocks, c.Wide = true, prefixed(c.Wide), nil
			emit(c)
		}
	}
}

// prefixed puts fitPrefix before each key.
func prefixed(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fitPrefix + k
	}
	return out
}

func ticketCandidates(t schemas.Ticket, emit func(candidate)) {
	if c, ok := ticketCandidate(t); ok {
		emit(c)
	}
}

func postCandidates(p schemas.SitePost, emit func(candidate)) {
	if c := postCandidate(p); len(c.Blocks) > 0 {
		emit(c)
	}
}

func userCandidates(u schemas.User, emit func(candidate)) {
	for _, c := range accountCandidates(u) {
		emit(c)
	}
}

func selfCandidates(u schemas.User, emit func(candidate)) {
	if c := selfCandidate(u); len(c.Blocks) > 0 {
		emit(c)
	}
}

func blockKeys(c candidate, emit func(string)) {
	for _, b := range c.Blocks {
		emit(b)
	}
}

func candidateBlocks(c candidate, emit func(string, candidate)) {
	for _, b := range c.Blocks {
		emit(b, c)
	}
}

// accountBlocksFn blocks an account on the keys that some weak record shares with it. The weak
// keys side input holds a few keys per weak record.
type accountBlocksFn struct {
	keys map[string]bool
}

func (f *accountBlocksFn) ProcessElement(
	c candidate,
	weakKeys func(*string) bool,
	emit func(string, candidate),
) {
	if f.keys == nil {
		f.keys = sideinput.Set(weakKeys)
	}
	for _, b := range c.Blocks {
		if f.keys[b] {
			emit(b, c)
		}
	}
	for _, b := range c.Wide {
		if f.keys[fitPrefix+b] {
			emit(fitPrefix+b, c)
		}
	}
}

// pair is one compared (weak record, account) pair, keyed by the weak record.
type pair struct {
	Model   int8
	Account string
	Vector  string // one byte per field: the level, 0xff when missing
	// NameFreq and HandleFreq count the accounts that share the pair's name or handle, under the
	// account model, when the pair was found in that block; 0 otherwise.
	NameFreq, HandleFreq int32
	// Narrow marks a pair found only within a birth year of a block too common to compare whole:
	// such pairs agree on the year by construction, so EM leaves them out.
	Narrow bool
}

// compareFn compares every weak record of a block with every account of it, or, under the
// account model, every account of the block with every other. A block with more accounts than
// MaxBlock is too common a key to tell people apart: it is skipped and counted. Under the account
// model a name or handle that more than MaxAccountBlock accounts share is compared only within each
// birth year, and a year of it still above the cap is skipped and counted. The pairs compared are
// counted per model.
type compareFn struct {
	MaxBlock, MaxAccountBlock int

	counts quality.Tally
}

func (f *compareFn) StartBundle(_ context.Context, _ func(string, pair), _ func(string, int64)) {
	f.counts = quality.Tally{}
}

func (f *compareFn) ProcessElement(
	_ context.Context,
	block string,
	iter func(*candidate) bool,
	emit func(string, pair),
	_ func(string, int64),
) {
	var weak, accts []candidate
	var c candidate
	for iter(&c) {
		if c.Weak {
			weak = append(weak, c)
		} else {
			accts = append(accts, c)
		}
	}
	if len(weak) == 0 {
		return
	}
	md := models[weak[0].Model]
	// Fitting blocks are counted apart: their pairs are only seen by EM.
	kind, prefix := "", ""
	if weak[0].Fit {
		kind, prefix = "_fit", fitPrefix
		if md.Sessions != nil {
			prefix += fitRule(block) + "/"
		}
	}
	guard := quality.Key{
		Source:  Source,
		Stage:   Stage,
		Measure: quality.Guard,
		Reason:  "max_block" + kind + ":" + md.Name,
	}
	n := int64(0)
	if md.Accounts {
		for _, group := range f.accountGroups(weak) {
			if len(group) > f.MaxAccountBlock {
				f.counts.Add(guard, 1)
				continue
			}
			n += emitPairs(
				group,
				group,
				"",
				termFreq(block, len(weak), len(group) < len(weak)),
				emit,
			)
		}
	} else {
		if len(accts) == 0 {
			return
		}
		if len(accts) > f.MaxBlock {
			f.counts.Add(guard, 1)
			return
		}
		n = emitPairs(weak, accts, prefix, pair{}, emit)
	}
	if n > 0 {
		f.counts.Add(
			quality.Key{
				Source:  Source,
				Stage:   Stage,
				Measure: quality.Linked,
				Reason:  "compared" + kind + ":" + md.Name,
			},
			n,
		)
	}
}

// fitRule is the rule of a fitting block's key: "l4" for "fit:post/l4|1234".
func fitRule(block string) string {
	_, rest, _ := strings.Cut(block, "/")
	rule, _, _ := strings.Cut(rest, "|")
	return rule
}

// accountGroups splits an account model block into the groups compared whole: the block, or when
// it holds more than MaxAccountBlock accounts, its accounts of each stated birth year.
func (f *compareFn) accountGroups(accts []candidate) [][]candidate {
	if len(accts) <= f.MaxAccountBlock {
		return [][]candidate{accts}
	}
	byYear := map[string][]candidate{}
	for _, a := range accts {
		if y := a.Values[accountYear]; y != "" {
			byYear[y] = append(byYear[y], a)
		}
	}
	groups := make([][]candidate, 0, len(byYear))
	for _, y := range slices.Sorted(maps.Keys(byYear)) {
		if len(byYear[y]) > 1 {
			groups = append(groups, byYear[y])
		}
	}
	return groups
}

// termFreq is the template of an account model block's pairs: how many accounts share its name or
// handle, and whether the pairs come from one year of it only.
func termFreq(block string, size int, narrow bool) pair {
	p := pair{Narrow: narrow}
	switch {
	case strings.HasPrefix(block, accountModel.Name+"/n|"):
		p.NameFreq = int32(size)
	case strings.HasPrefix(block, accountModel.Name+"/h|"):
		p.HandleFreq = int32(size)
	}
	return p
}

// emitPairs compares every weak record with every account but itself, as copies of the template
// pair keyed by prefix and the weak record's key, and returns the pairs emitted.
func emitPairs(
	weak, accts []candidate,
	prefix string,
	template pair,
	emit func(string, pair),
) int64 {
	n := int64(0)
	for i := range weak {
		for j := range accts {
			if weak[i].Key == accts[j].Key {
				continue
			}
			p := template
			p.Model, p.Account, p.Vector = weak[i].Model, accts[j].Key, vectorString(
				compare(&weak[i], &accts[j]),
			)
			emit(prefix+weak[i].Key, p)
			n++
		}
	}
	return n
}

func (f *compareFn) FinishBundle(
	ctx context.Context,
	_ func(string, pair),
	count func(string, int64),
) {
	f.counts.Emit(ctx, count)
}

func vectorString(v linkage.Vector) string {
	b := make([]byte, len(v))
	for i, l := range v {
		b[i] = byte(l)
	}
	return string(b)
}

func parseVector(s string) linkage.Vector {
	v := make(linkage.Vector, len(s))
	for i := range len(s) {
		v[i] = int8(s[i])
	}
	return v
}

// distinctPairs drains a weak record's pairs, once per account (blocks overlap), sorted by account
// (then vector, so that the pair kept does not depend on the order they came in): the term
// frequencies of one account's pairs merge (the rarest shared name and handle), and the pair is
// narrow only when every block found it so.
func distinctPairs(iter func(*pair) bool) []pair {
	var all []pair
	var p pair
	for iter(&p) {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b pair) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Vector, b.Vector))
	})
	var out []pair
	for _, p := range all {
		if n := len(out); n > 0 && out[n-1].Account == p.Account {
			q := &out[n-1]
			q.NameFreq, q.HandleFreq = rarest(
				q.NameFreq,
				p.NameFreq,
			), rarest(
				q.HandleFreq,
				p.HandleFreq,
			)
			q.Narrow = q.Narrow && p.Narrow
			continue
		}
		out = append(out, p)
	}
	return out
}

// rarest is the smaller of two known term frequencies (0 is unknown).
func rarest(a, b int32) int32 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

// patternsOf counts comparison vectors per model for EM: key "model/rule/vector", the rule being
// the wide rule that found a fitting pair of a model fitted in sessions, else empty. The ticket and
// post models count the fitting records' pairs only (fitPrefix). Under the account model each pair
// comes from both of its accounts; the one with the smaller key counts it, and narrow pairs are
// left out.
func patternsOf(key string, iter func(*pair) bool, emit func(string, int64)) {
	rest, fit := strings.CutPrefix(key, fitPrefix)
	for _, p := range distinctPairs(iter) {
		md := models[p.Model]
		if md.Accounts == fit || md.Accounts && (p.Account < key || p.Narrow) {
			continue
		}
		rule := ""
		if fit && md.Sessions != nil {
			rule, _, _ = strings.Cut(rest, "/")
		}
		emit(fmt.Sprintf("%d/%s/%s", p.Model, rule, p.Vector), 1)
	}
}

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

func init() {
	register.Function2x0(ticketCandidates)
	register.Function2x0(postCandidates)
	register.Function2x0(userCandidates)
	register.Function2x0(selfCandidates)
	register.Function2x0(blockKeys)
	register.Function3x0(fitCandidates)
	register.Function2x0(candidateBlocks)
	register.Function3x0(patternsOf)
	fnreg.DoFn3x0[candidate, func(*string) bool, func(string, candidate)](&accountBlocksFn{})
	fnreg.DoFn5x0[context.Context, string, func(*candidate) bool, func(string, pair), func(string, int64)](
		&compareFn{},
	)
	register.Combiner3[sample, candidate, sample](&sampleFn{})
	register.Combiner1[sample](&mergeSamplesFn{})
	fnreg.DoFn5x1[[]byte, func(*string, *int64) bool, func(*sample) bool, func(*int8, *int64) bool, func(string), error](
		&estimateFn{},
	)
	register.Function2x0(sharedValue)
	register.Function3x0(pairsOfValue)
	register.Emitter2[int8, int64]()
	register.Iter2[int8, int64]()
	fnreg.DoFn7x1[context.Context, string, func(*pair) bool, func(*string) bool, func(*oddsBin, *int) bool, func(string, node), func(string, int64), error](
		&scoreFn{},
	)
	fnreg.DoFn4x1[string, func(*pair) bool, func(*string) bool, func(oddsBin), error](&oddsBinFn{})
	fnreg.DoFn4x1[[]byte, func(*string) bool, func(*oddsBin, *int) bool, func(MatchCard), error](
		&cardFn{},
	)
	register.Emitter1[MatchCard]()
	register.Emitter1[oddsBin]()
	register.Iter2[oddsBin, int]()
	register.Emitter1[candidate]()
	register.Emitter2[string, candidate]()
	register.Emitter2[string, pair]()
	register.Iter1[candidate]()
	register.Iter1[pair]()
	register.Iter1[sample]()
	register.Iter2[string, int64]()
}
