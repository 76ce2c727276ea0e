package resolve

import (
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// keepMax bounds the accounts and partners a node remembers: enough to tell that a cap is exceeded,
// small enough that a hub identifier cannot blow up one element.
const keepMax = 64

// node is everything known about one identifier, merged over every record that carries it and
// over last night's identity map. It is keyed by the salted hash of its key.
type node struct {
	Key      string   // node key; "" when only last night's map knows the identifier
	Accounts []string // account keys seen with it on a record, sorted, at most keepMax+1
	// Partners are the node keys linked to it without an account (records, matches), sorted, at
	// most keepMax+1.
	Partners []string
	Score    float64 // match probability when a probabilistic match linked it
	Prev     string  // last night's person id
}

// mergeNodes merges node facts; the result does not depend on the order.
type mergeNodes struct{}

func (mergeNodes) MergeAccumulators(a, b node) node {
	if a.Key == "" {
		a.Key = b.Key
	}
	a.Accounts = union(a.Accounts, b.Accounts)
	a.Partners = union(a.Partners, b.Partners)
	a.Score = max(a.Score, b.Score)
	a.Prev = max(a.Prev, b.Prev)
	return a
}

// union merges two sorted sets, keeping at most keepMax+1 values (enough to know a cap was passed).
func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) <= keepMax+1 && increasing(a) && subset(b, a) {
		return a // nothing new, as for most facts of a bundle: no allocation
	}
	out := slices.Concat(a, b)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > keepMax+1 {
		out = out[:keepMax+1]
	}
	return out
}

// increasing reports whether a is sorted without repeats, as union leaves it.
func increasing(a []string) bool {
	for i := 1; i < len(a); i++ {
		if a[i-1] >= a[i] {
			return false
		}
	}
	return true
}

// subset reports whether every value of b is in a.
func subset(b, a []string) bool {
	for _, v := range b {
		if !slices.Contains(a, v) {
			return false
		}
	}
	return true
}

// extractFn turns cleaned rows of any kind into node facts keyed by the identifier's salted hash,
// merged per bundle so that a device seen in ten thousand events leaves the bundle once. Junk
// identifiers (the blocklist) are left out and counted.
type extractFn struct {
	Config Config
	Salt   clean.Options

	junk   blocklist
	salt   string
	nodes  map[string]*node
	counts quality.Tally
	// last is the previous row when it was an event whose facts are all in nodes, and lastGuards
	// the guards it counted: a clickstream repeats one visitor's identifiers event after event,
	// and such a repeat adds nothing but those counts.
	last       eventIDs
	hasLast    bool
	lastGuards []quality.Key
}

// flushAt bounds the nodes a bundle holds before it emits them.
const flushAt = 200_000

func (f *extractFn) Setup() error {
	var err error
	if f.junk, err = f.Config.compileBlocklist(); err != nil {
		return err
	}
	f.salt, err = f.Salt.Salt()
	return err
}

func (f *extractFn) StartBundle(_ context.Context, _ func(string, node), _ func(string, int64)) {
	f.nodes = map[string]*node{}
	f.counts = quality.Tally{}
	f.hasLast = false
}

func (f *extractFn) ProcessElement(
	ctx context.Context,
	row beam.X,
	emit func(string, node),
	count func(string, int64),
) {
	e, isEvent := row.(schemas.Event)
	ids := eventIdentifiers(e)
	if isEvent && f.hasLast && ids == f.last {
		for _, k := range f.lastGuards {
			f.counts.Add(k, 1)
		}
		return
	}
	f.hasLast, f.lastGuards = false, f.lastGuards[:0]
	c := carriedBy(row)
	keep := func(key string) bool {
		if key == "" {
			return false
		}
		typ, value := identity.Split(key)
		if f.junk.junk(typ, value) {
			k := guardKey("blocklist", typ)
			f.counts.Add(k, 1)
			f.lastGuards = append(f.lastGuards, k)
			return false
		}
		return true
	}
	account := c.account
	if !keep(account) {
		account = ""
	}
	var others []string
	kept := make([]bool, len(c.others))
	for i, k := range c.others {
		kept[i] = (c.from[i] < 0 || kept[c.from[i]]) && keep(k)
		if kept[i] {
			others = append(others, k)
		}
	}
	if account != "" {
		f.add(account, node{})
		for _, k := range others {
			f.add(k, node{Accounts: []string{account}})
		}
	} else {
		for _, k := range others {
			var partners []string
			for _, p := range others {
				if p != k {
					partners = append(partners, p)
				}
			}
			slices.Sort(partners)
			f.add(k, node{Partners: partners})
		}
	}
	if len(f.nodes) >= flushAt {
		f.flush(ctx, emit, count)
	} else if isEvent {
		f.last, f.hasLast = ids, true
	}
}

func (f *extractFn) add(key string, n node) {
	n.Key = key
	if cur, ok := f.nodes[key]; ok {
		*cur = mergeNodes{}.MergeAccumulators(*cur, n)
		return
	}
	f.nodes[key] = &n
}

func (f *extractFn) flush(ctx context.Context, emit func(string, node), count func(string, int64)) {
	for key, n := range f.nodes {
		emit(nodeHash(f.salt, key), *n)
	}
	clear(f.nodes)
	f.hasLast = false
	f.counts.Emit(ctx, count)
}

func (f *extractFn) FinishBundle(
	ctx context.Context,
	emit func(string, node),
	count func(string, int64),
) {
	f.flush(ctx, emit, count)
}

// nodeHash is the salted hash that stands for an identifier in every output.
func nodeHash(salt, key string) string { return normalize.Hash(salt, key) }

// Stage is the name of the resolve stage in quality counts.
const Stage = "resolve"

// Source is the quality source under which the resolve stage reports guards and matches.
const Source = "identity"

// guardKey names the quality counter of a guard that fired for an identifier type.
func guardKey(guard, typ string) quality.Key {
	return quality.Key{
		Source:  Source,
		Stage:   Stage,
		Measure: quality.Guard,
		Reason:  guard + ":" + typ,
	}
}

func init() {
	register.Combiner1[node](&mergeNodes{})
	fnreg.DoFn4x0[context.Context, beam.X, func(string, node), func(string, int64)](&extractFn{})
	register.Emitter2[string, node]()
}
