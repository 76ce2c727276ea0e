package portrait

import (
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestAssembleOrder(t *testing.T) {
	var got []orderFact
	emit := func(o orderFact) { got = append(got, o) }
	lines := []schemas.OrderItem{
		{OrderID: "o1", LineNo: 2, SKU: "b"},
		{OrderID: "o1", LineNo: 1, SKU: "a"},
	}
	older := schemas.Order{OrderID: "o1", Source: "orders_a", UpdatedAt: 1}
	newer := schemas.Order{OrderID: "o1", Source: "orders_b", UpdatedAt: 2}
	assembleOrder("o1", iterOf([]schemas.Order{newer, older}), iterOf(lines), emit)
	if len(got) != 2 {
		t.Fatalf("%d facts, want the order and its duplicate", len(got))
	}
	for _, o := range got {
		switch o.Order.Source {
		case "orders_b":
			if !o.HasOrder || o.Duplicate || len(o.Lines) != 2 || o.Lines[0].LineNo != 1 {
				t.Errorf("the latest row: %+v", o)
			}
		case "orders_a":
			if !o.Duplicate || len(o.Lines) != 0 {
				t.Errorf("the older row: %+v", o)
			}
		}
	}
	got = nil
	assembleOrder("o9", iterOf([]schemas.Order{}), iterOf(lines[:1]), emit)
	if len(got) != 1 || got[0].HasOrder || len(got[0].Lines) != 1 {
		t.Errorf("lines without an order: %+v", got)
	}
}
