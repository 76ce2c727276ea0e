package clean

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
)

// TotalsStage is the name of the stage that computes orders' totals from their lines
// (`total: {from_lines: true}`), in rejects and quality counts.
const TotalsStage = "totals"

// ReasonNoLines counts, as nulled, an order whose total comes from lines and that has none: its
// total is 0.
const ReasonNoLines = "no_lines"

// CheckRefund rejects an order whose refund exceeds its total.
func CheckRefund(o schemas.Order) *invalid {
	if o.RefundFen > o.TotalFen {
		return &invalid{reason: "refund_exceeds_total",
			detail: fmt.Sprintf(
				"refund %d exceeds total %d (minor units)",
				o.RefundFen,
				o.TotalFen,
			)}
	}
	return nil
}

// ReasonRejectedOrder rejects an order line whose order was rejected once its total came from its
// lines: the line follows its order.
const ReasonRejectedOrder = "rejected_order"

// FromLines sets the total of each order (beam.X holding schemas.Order; schemas.Order out) to
// the sum of its lines' quantity × unit price plus their shipping, over the cleaned lines
// (schemas.OrderItem) of every order-lines source before their reference check: a line whose
// product the catalog lacks is rejected from the order lines but still counts here, as what the
// customer paid. An order without lines gets 0 and is counted as nulled, reason no_lines; an order
// whose refund then exceeds its total is rejected (refund_exceeds_total), and dropped is
// KV<order id, reason> of such orders, whose lines DropLinesOf rejects. Quality counts (stage
// totals): in = out + rejected. The lines are summed per order before the shuffle, which carries
// one element per order and bundle, and one per order.
func FromLines(
	s beam.Scope,
	source string,
	orders, lines beam.PCollection,
) (kept, dropped, rejects, counts beam.PCollection) {
	s = s.Scope("clean.FromLines." + source)
	sums := stats.SumPerKey(s, beam.ParDo(s, lineAmount, lines))
	keyed := beam.ParDo(s, orderByID, orders)
	joined := beam.CoGroupByKey(s, keyed, sums)
	return beam.ParDo4(s, &totalFn{Source: source}, joined)
}

// DropLinesOf rejects the order lines (schemas.OrderItem) of a lines source whose order is among
// dropped (KV<order id, reason>, from FromLines), as rejected_order naming the order's reason, so
// that no line outlives its order. Quality counts (stage totals): in = out + rejected.
func DropLinesOf(
	s beam.Scope,
	source string,
	lines, dropped beam.PCollection,
) (kept, rejects, counts beam.PCollection) {
	s = s.Scope("clean.DropLinesOf." + source)
	joined := beam.CoGroupByKey(s, beam.ParDo(s, orderItemKey, lines), dropped)
	return beam.ParDo3(s, &followFn{Source: source}, joined)
}

// followFn keeps the lines of an order that was not dropped.
type followFn struct {
	Source string
}

func (f *followFn) ProcessElement(
	ctx context.Context,
	id string,
	lines func(*schemas.OrderItem) bool,
	dropped func(*string) bool,
	emit func(schemas.OrderItem),
	reject func(schemas.Reject),
	count func(string, int64),
) {
	why := ""
	for r := ""; dropped(&r); {
		why = r
	}
	counts := quality.Tally{}
	key := quality.Key{Source: f.Source, Stage: TotalsStage}
	var l schemas.OrderItem
	for lines(&l) {
		key.Measure, key.Reason = quality.In, ""
		counts.Add(key, 1)
		if why != "" {
			key.Measure, key.Reason = quality.Rejected, ReasonRejectedOrder
			reject(stageReject(f.Source, TotalsStage, ReasonRejectedOrder,
				fmt.Sprintf("order %q was rejected as %s", id, why), l))
		} else {
			key.Measure = quality.Out
			emit(l)
		}
		counts.Add(key, 1)
	}
	counts.Emit(ctx, count)
}

// lineAmount is what a line adds to its order's total.
func lineAmount(
	l schemas.OrderItem,
) (string, int64) {
	return l.OrderID, l.AmountFen + l.ShippingFen
}

func orderByID(o beam.X) (string, schemas.Order) {
	order := o.(schemas.Order)
	return order.OrderID, order
}

// totalFn gives an order its total; its counts go out per order (a grouped input rules out
// bundle methods here as for orderItemsFn), summed downstream.
type totalFn struct {
	Source string
}

func (f *totalFn) ProcessElement(
	ctx context.Context,
	id string,
	orders func(*schemas.Order) bool,
	sums func(*int64) bool,
	emit func(schemas.Order),
	dropped func(string, string),
	reject func(schemas.Reject),
	count func(string, int64),
) {
	var total, n int64
	hasLines := false
	for sums(&n) {
		total += n
		hasLines = true
	}
	counts := quality.Tally{}
	key := quality.Key{Source: f.Source, Stage: TotalsStage}
	var o schemas.Order
	for orders(&o) {
		key.Measure, key.Reason = quality.In, ""
		counts.Add(key, 1)
		o.TotalFen = total
		if !hasLines {
			counts.Add(
				quality.Key{
					Source:  f.Source,
					Stage:   TotalsStage,
					Measure: quality.Nulled,
					Reason:  ReasonNoLines,
				},
				1,
			)
		}
		if bad := CheckRefund(o); bad != nil {
			key.Measure, key.Reason = quality.Rejected, bad.reason
			counts.Add(key, 1)
			reject(stageReject(f.Source, TotalsStage, bad.reason, bad.detail, o))
			dropped(id, bad.reason)
			continue
		}
		key.Measure = quality.Out
		counts.Add(key, 1)
		emit(o)
	}
	counts.Emit(ctx, count)
}

func init() {
	register.Function1x2(lineAmount)
	register.Function1x2(orderByID)
	register.Iter1[schemas.Order]()
	register.Iter1[int64]()
	fnreg.DoFn8x0[context.Context, string, func(*schemas.Order) bool, func(*int64) bool,
		func(schemas.Order), func(string, string), func(schemas.Reject), func(string, int64)](
		&totalFn{},
	)
	fnreg.DoFn7x0[context.Context, string, func(*schemas.OrderItem) bool, func(*string) bool,
		func(schemas.OrderItem), func(schemas.Reject), func(string, int64)](
		&followFn{},
	)
	register.Emitter1[schemas.Order]()
	register.Emitter2[string, string]()
}
