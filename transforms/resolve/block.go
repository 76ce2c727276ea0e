package resolve

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/linkage"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// The ticket and post models score each weak record against the accounts of its tight blocks
// (ticketBlocks, postBlocks), which grow far slower than the population. Their m and u are fitted
// on the first fitSize weak records of the sample blocked on the wide keys instead
// (wideTicketBlocks, widePostBlocks): within tight blocks almost every non-match agrees on two
// fields, and EM, shown no other kind, takes the wrong class for the matches. The fitting records
// go through the same blocks, comparisons and histogram under keys with fitPrefix, and are never
// scored.
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
