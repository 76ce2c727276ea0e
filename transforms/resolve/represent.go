package resolve

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// member is one identifier on its way to its person.
type member struct {
	IDHash   string
	Key      string
	Accounts []string // accounts it was seen with, for the per-person cap
	Partners []string // identifiers linked to it without an account
	Score    float64  // match probability of a probabilistic link
	Prev     string   // last night's person id
	Guard    string   // the guard that stopped it linking, if any
	PartSize int32    // members of its person, once assembled
}

// partnerMsg tells a node the representative of one of its partners (or, with Self, its own).
type partnerMsg struct {
	Self bool
	Rep  string
}

// representFn applies the per-identifier caps and chooses each identifier's representative: the
// identifier itself for an account, else its smallest account, else itself. Identifiers seen with
// several accounts link those accounts (an edge of the reduced graph); identifiers linked without
// an account ask their partners for their representatives.
//
// Members leave in byte batches (package batch), keyed by their representative's bucket: at a
// million persons an element per identifier, held by the runner until the component labels are
// known, outweighs the identifiers themselves.
type representFn struct {
	Config Config

	counts  quality.Tally
	members batch.Batches
}

func (f *representFn) StartBundle(
	_ context.Context,
	_ func(int, []byte),
	_ func(string, string),
	_ func(string, partnerMsg),
	_ func(string, int64),
) {
	f.counts = quality.Tally{}
}

func (f *representFn) ProcessElement(
	_ context.Context,
	idHash string,
	n node,
	members func(int, []byte),
	edges func(string, string),
	msgs func(string, partnerMsg),
	_ func(string, int64),
) {
	if n.Key == "" {
		return // known only from last night: the identifier is gone
	}
	typ, _ := identity.Split(n.Key)
	m := member{
		IDHash:   idHash,
		Key:      n.Key,
		Accounts: n.Accounts,
		Partners: n.Partners,
		Score:    n.Score,
		Prev:     n.Prev,
	}
	if limit, ok := f.Config.MaxAccounts[typ]; ok && len(m.Accounts) > limit {
		m.Guard, m.Accounts, m.Partners, m.Score = "max_accounts", nil, nil, 0
		f.counts.Add(guardKey(m.Guard, typ), 1)
	}
	if len(m.Partners) > f.Config.MaxLinks {
		m.Guard, m.Partners, m.Score = "max_links", nil, 0
		f.counts.Add(guardKey(m.Guard, typ), 1)
	}
	rep := m.Key
	if typ != identity.Account && len(m.Accounts) > 0 {
		rep = m.Accounts[0]
		for _, a := range m.Accounts[1:] {
			edges(rep, a)
		}
	}
	if len(m.Partners) > 0 {
		msgs(m.Key, partnerMsg{Self: true, Rep: rep})
		for _, p := range m.Partners {
			msgs(p, partnerMsg{Rep: rep})
		}
	}
	f.members.Add(
		batch.Bucket(rep),
		func(b []byte) []byte { return appendMember(b, rep, &m) },
		members,
	)
}

func (f *representFn) FinishBundle(
	ctx context.Context,
	members func(int, []byte),
	_ func(string, string),
	_ func(string, partnerMsg),
	count func(string, int64),
) {
	f.members.Flush(members)
	f.counts.Emit(ctx, count)
}

// partnerEdgesFn links a node's representative to the representatives of its partners. A node
// without its own message was capped or is junk: it links nobody.
func partnerEdgesFn(_ string, msgs func(*partnerMsg) bool, emit func(string, string)) {
	var self string
	var others []string
	var m partnerMsg
	for msgs(&m) {
		if m.Self {
			self = m.Rep
		} else {
			others = append(others, m.Rep)
		}
	}
	if self == "" {
		return
	}
	for _, o := range others {
		if o != self {
			emit(self, o)
		}
	}
}

func init() {
	fnreg.DoFn7x0[context.Context, string, node, func(int, []byte), func(string, string),
		func(string, partnerMsg), func(string, int64)](
		&representFn{},
	)
	register.Function3x0(partnerEdgesFn)
	register.Emitter2[string, partnerMsg]()
	register.Iter1[partnerMsg]()
}
