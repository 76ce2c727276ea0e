package resolve

import (
	"context"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sideinput"
)

// OrderLinks links each ticket that names no account to the account of an order its text cites
// (schemas.Ticket.OrderIDs, "订单号：2026..."): the ticket joins that account as if it had named it,
// a deterministic link the ticket's own record makes. Only the cited orders cross the join: the
// orders are read once against the cited numbers, a side input of about one number per ticket. A
// ticket citing orders of two accounts is seen with both, and the ticket type's max_accounts guard
// decides. The counts are per citation: of an order the orders hold (linked/order_ref:ticket), and
// of one they do not (linked/order_ref_unknown:ticket).
func OrderLinks(
	s beam.Scope,
	tickets, orders beam.PCollection,
	opt Options,
) (facts, counts beam.PCollection) {
	s = s.Scope("resolve.OrderLinks")
	cites := beam.ParDo(s, ticketCites, tickets)
	owners := beam.ParDo(
		s,
		&citedOwnerFn{},
		orders,
		beam.SideInput{Input: settle.Whole(s, beam.ParDo(s, citedOrder, cites))},
	)
	return beam.ParDo2(s, &orderLinkFn{Salt: opt.Salt}, beam.CoGroupByKey(s, cites, owners))
}

// ticketCites emits (order id, ticket key) for each order a ticket without an account cites.
func ticketCites(t schemas.Ticket, emit func(string, string)) {
	if t.UserID != "" || t.TicketID == "" {
		return
	}
	for _, o := range t.OrderIDs {
		emit(o, identity.Key(identity.Ticket, t.TicketID))
	}
}

// citedOrder is the order id of a citation.
func citedOrder(order, _ string) string { return order }

// citedOwnerFn emits (order id, account key) for each order some ticket cites. The cited ids are
// read into a set once per worker.
type citedOwnerFn struct {
	cited map[string]bool
}

func (f *citedOwnerFn) ProcessElement(
	o schemas.Order,
	cited func(*string) bool,
	emit func(string, string),
) {
	if f.cited == nil {
		f.cited = sideinput.Set(cited)
	}
	if o.UserID != "" && f.cited[o.OrderID] {
		emit(o.OrderID, accountKey(o.UserID))
	}
}

// orderLinkFn gives each ticket citing an order the order's account, as a node fact.
type orderLinkFn struct {
	Salt clean.Options

	salt string
}

func (f *orderLinkFn) Setup() error {
	var err error
	f.salt, err = f.Salt.Salt()
	return err
}

func (f *orderLinkFn) ProcessElement(
	ctx context.Context,
	_ string,
	tickets, owners func(*string) bool,
	facts func(string, node),
	count func(string, int64),
) {
	var accounts []string
	var a string
	for owners(&a) {
		accounts = append(accounts, a)
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	reason := "order_ref:ticket"
	if len(accounts) == 0 {
		reason = "order_ref_unknown:ticket"
	}
	k := quality.Key{Source: Source, Stage: Stage, Measure: quality.Linked, Reason: reason}
	var t string
	for tickets(&t) {
		quality.Mirror(ctx, k, 1)
		count(k.String(), 1)
		if len(accounts) > 0 {
			facts(nodeHash(f.salt, t), node{Key: t, Accounts: accounts})
		}
	}
}

func init() {
	register.Function2x0(ticketCites)
	register.Function2x1(citedOrder)
	fnreg.DoFn3x0[schemas.Order, func(*string) bool, func(string, string)](&citedOwnerFn{})
	fnreg.DoFn6x0[context.Context, string, func(*string) bool, func(*string) bool, func(string, node),
		func(string, int64)](
		&orderLinkFn{},
	)
	register.Emitter2[string, string]()
	register.Iter1[string]()
}
