package portrait

import (
	"cmp"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
)

// orderFact is an order with its lines: the one element per order (or per order id of lines
// without an order) that reaches the person.
type orderFact struct {
	Order schemas.Order
	Lines []schemas.OrderItem
	// HasOrder is false for lines whose order is missing; they cannot be attributed.
	HasOrder bool
	// Duplicate marks a second row of an order id (another source): it is counted, not used.
	Duplicate bool
}

// joinOrders gathers each order's lines by order id with a CoGroupByKey: one element per order and
// per line through the shuffle.
func joinOrders(s beam.Scope, orders, items beam.PCollection) beam.PCollection {
	s = s.Scope("joinOrders")
	keyed := beam.ParDo(s, orderByID, orders)
	lines := beam.ParDo(s, itemByOrder, items)
	return beam.ParDo(s, assembleOrder, beam.CoGroupByKey(s, keyed, lines))
}

func orderByID(o schemas.Order) (string, schemas.Order) { return o.OrderID, o }

func itemByOrder(i schemas.OrderItem) (string, schemas.OrderItem) { return i.OrderID, i }

// assembleOrder attaches the lines, sorted by line number, to the latest row of the order id.
func assembleOrder(
	_ string,
	orders func(*schemas.Order) bool,
	items func(*schemas.OrderItem) bool,
	emit func(orderFact),
) {
	var rows []schemas.Order
	var o schemas.Order
	for orders(&o) {
		rows = append(rows, o)
	}
	var lines []schemas.OrderItem
	var l schemas.OrderItem
	for items(&l) {
		lines = append(lines, l)
	}
	slices.SortFunc(lines, func(a, b schemas.OrderItem) int {
		return cmp.Or(
			cmp.Compare(a.LineNo, b.LineNo),
			cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.SKU, b.SKU),
		)
	})
	if len(rows) == 0 {
		emit(orderFact{Lines: lines})
		return
	}
	best := 0
	for i := range rows {
		if schemas.Later(rows[i], rows[best]) {
			best = i
		}
	}
	for i, r := range rows {
		if i == best {
			emit(orderFact{Order: r, Lines: lines, HasOrder: true})
		} else {
			emit(orderFact{Order: r, HasOrder: true, Duplicate: true})
		}
	}
}

func init() {
	register.Function1x2(orderByID)
	register.Function1x2(itemByOrder)
	register.Function4x0(assembleOrder)
	register.Emitter1[orderFact]()
	register.Iter1[schemas.Order]()
	register.Iter1[schemas.OrderItem]()
}
