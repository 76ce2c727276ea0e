package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Mess and shape of platform/orders and platform/order_items.
const (
	itemsPerOrderMean = 1.55  // from itemCountWeights
	couponRate        = 0.30  // orders with a coupon
	orderReplayRate   = 0.03  // an earlier snapshot of the order (paid, earlier update_time) is exported too
	orderOrphanRate   = 0.005 // header missing from the export: its items are orphans
	orderNegativeRate = 0.002 // negative pay_amount
	orderUnknownRate  = 0.01  // order_status outside the known set
	itemZeroQtyRate   = 0.002 // qty 0
)

var itemCountWeights = []float64{62, 25, 9, 4} // 1, 2, 3 or 4 lines

// Order is one order the person placed, with its lines.
type Order struct {
	No          string    // order_no: the day it was placed and ten digits
	Account     int       // index into Person.Accounts
	Device      int       // index into Person.Devices: where it was placed
	Created     time.Time // placed
	Paid        time.Time // zero when unpaid
	Updated     time.Time // last status change, never after the business day
	Status      string    // as exported, unknown values included
	Items       []Item    // the lines
	TotalFen    int64     // paid, after the discount
	DiscountFen int64     // coupon discount
	RefundFen   int64     // refunded
	Coupon      string    // coupon code, empty when none
}

// Item is one order line.
type Item struct {
	Product int   // index into Catalog.Products
	Qty     int   // units
	UnitFen int64 // price paid per unit
}

// coupons with the discount they give in fen (SHIP0 refunds the shipping fee); FULL300-30 needs
// 300 yuan of goods.
var (
	coupons        = []string{"NEW10", "VIP20", "FULL300-30", "DOUBLE11-50", "MEMBER15", "SHIP0"}
	couponDiscount = []int64{1000, 2000, 3000, 5000, 1500, 800}
)

// orders makes the person's orders, oldest first.
func (g *generator) orders(p *Person) []Order {
	if !p.Life.Buyer() || len(p.Accounts) == 0 {
		return nil
	}
	r := newRand(g.seed, streamOrders, uint64(p.Index))
	var n int
	to := p.To
	switch p.Life {
	case OneTime:
		n = 1
	case Repeat:
		n = between(r, 2, 4)
	case Loyal:
		n = between(r, 5, 12)
	case Dormant:
		n = between(r, 1, 2)
		to = g.w.At(dormantSpanEnd * 0.85)
	}
	if p.Test {
		n = 1
	}
	from := maxTime(p.From, p.Accounts[0].Reg.Add(time.Hour))
	if !to.After(from) {
		return nil
	}
	times := make([]time.Time, n)
	for i := range times {
		times[i] = timeOnDay(r, dayOf(uniformTime(r, from, to)))
		if times[i].Before(from) || times[i].After(g.w.End) {
			times[i] = uniformTime(r, from, to)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	out := make([]Order, 0, n)
	for k, t := range times {
		o := Order{Created: t, Account: 0}
		if len(p.Accounts) > 1 && chance(r, 0.2) && !p.Accounts[1].Reg.After(t) {
			o.Account = 1
		}
		o.Device = deviceFor(r, p, o.Account)
		o.No = t.In(Shanghai).Format("20060102") + fmt.Sprintf("%010d", permute(uint64(p.Index)*16+uint64(k), g.orderBits, g.seed^0x6f72))
		g.fillOrder(r, p, &o)
		out = append(out, o)
	}
	return out
}

// fillOrder draws the lines, money and status of an order.
func (g *generator) fillOrder(r *rand.Rand, p *Person, o *Order) {
	var sum int64
	for l := weighted(r, itemCountWeights) + 1; l > 0; l-- {
		it := Item{Product: g.cat.pickFor(r, p.FavTops), Qty: 1 + weighted(r, []float64{85, 11, 4})}
		it.UnitFen = g.cat.Products[it.Product].PriceFen * []int64{100, 90, 80}[weighted(r, []float64{70, 20, 10})] / 100
		if p.Test {
			it.UnitFen = 1
		}
		sum += it.UnitFen * int64(it.Qty)
		o.Items = append(o.Items, it)
	}
	if chance(r, couponRate) && !p.Test {
		c := r.IntN(len(coupons))
		if coupons[c] != "FULL300-30" || sum >= 30000 {
			o.Coupon, o.DiscountFen = coupons[c], min(sum/2, couponDiscount[c])
		}
	}
	o.TotalFen = sum - o.DiscountFen

	recent := g.w.End.Sub(o.Created) < 72*time.Hour
	sw := []float64{58, 3, 8, 20, 7, 1} // completed paid shipped cancelled refunded created
	if recent {
		sw = []float64{0, 30, 35, 10, 0, 25}
	}
	o.Status = []string{"completed", "paid", "shipped", "cancelled", "refunded", "created"}[weighted(r, sw)]
	pay := o.Created.Add(time.Duration(between(r, 10, 1800)) * time.Second)
	switch o.Status {
	case "completed":
		o.Paid, o.Updated = pay, o.Created.Add(time.Duration(between(r, 72, 240))*time.Hour)
	case "paid":
		o.Paid, o.Updated = pay, pay
	case "shipped":
		o.Paid, o.Updated = pay, o.Created.Add(time.Duration(between(r, 12, 72))*time.Hour)
	case "refunded":
		o.Paid, o.Updated = pay, o.Created.Add(time.Duration(between(r, 96, 360))*time.Hour)
		o.RefundFen = o.TotalFen
		if len(o.Items) > 1 && chance(r, 0.4) {
			o.RefundFen = min(o.TotalFen, o.Items[0].UnitFen*int64(o.Items[0].Qty))
		}
	case "cancelled":
		o.Updated = o.Created.Add(time.Duration(between(r, 60, 3600)) * time.Second)
		if chance(r, 0.2) { // cancelled after payment: money back
			o.Paid, o.RefundFen = pay, o.TotalFen
			o.Updated = pay.Add(time.Duration(between(r, 1, 48)) * time.Hour)
		}
	case "created":
		o.Updated = o.Created
	}
	// What would happen after the business day has not happened yet: the order stays in the
	// state it had then.
	for o.Updated.After(g.w.End) {
		switch o.Status {
		case "completed", "refunded":
			o.Status, o.RefundFen = "shipped", 0
			o.Updated = o.Created.Add(time.Duration(between(r, 12, 72)) * time.Hour)
		case "shipped", "cancelled":
			o.Status, o.RefundFen, o.Updated = "paid", 0, o.Paid
		default:
			o.Updated = o.Created
		}
		if o.Paid.After(g.w.End) || (o.Status == "paid" && o.Paid.IsZero()) {
			o.Status, o.Paid, o.Updated = "created", time.Time{}, o.Created
		}
	}
	if chance(r, orderUnknownRate) {
		o.Status = pick(r, []string{"lost", "on_hold", "UNKNOWN", "待确认"})
	}
}

// deviceFor picks a device the account uses.
func deviceFor(r *rand.Rand, p *Person, acct int) int {
	var cands []int
	for i, d := range p.Devices {
		if containsInt(d.Accounts, acct) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return 0
	}
	return pick(r, cands)
}

// orderRows returns the export rows of the person's orders: headers and lines.
func (g *generator) orderRows(p *Person, orders []Order) ([]OrderRow, []OrderItemRow) {
	if len(orders) == 0 {
		return nil, nil
	}
	r := newRand(g.seed, streamOrders, uint64(p.Index)|1<<40)
	var heads []OrderRow
	var lines []OrderItemRow
	for _, o := range orders {
		d := p.Devices[o.Device]
		h := OrderRow{
			OrderNo:        o.No,
			UID:            p.Accounts[o.Account].UID,
			OrderStatus:    o.Status,
			Platform:       orderPlatform(r, d),
			CreateTime:     micros(o.Created),
			PayAmount:      yuanOf(o.TotalFen),
			DiscountAmount: yuanOf(o.DiscountFen),
			RefundAmount:   yuanOf(o.RefundFen),
			CouponCode:     o.Coupon,
			UpdateTime:     micros(o.Updated),
		}
		if !o.Paid.IsZero() {
			h.PayTime = micros(o.Paid)
		}
		if chance(r, orderNegativeRate) {
			h.PayAmount = -h.PayAmount
		}
		if chance(r, orderReplayRate) && !o.Paid.IsZero() && o.Updated.After(o.Paid) {
			old := h
			old.OrderStatus, old.UpdateTime, old.RefundAmount = "paid", micros(o.Paid), 0
			heads = append(heads, old)
		}
		if !chance(r, orderOrphanRate) {
			heads = append(heads, h)
		}
		for i, it := range o.Items {
			line := OrderItemRow{
				OrderNo:   o.No,
				LineNo:    int32(i + 1),
				SkuID:     g.cat.Products[it.Product].SKU,
				Qty:       int32(it.Qty),
				UnitPrice: yuanOf(it.UnitFen),
			}
			if chance(r, itemZeroQtyRate) {
				line.Qty = 0
			}
			lines = append(lines, line)
		}
	}
	return heads, lines
}

// orderPlatform writes the channel of the device the way the order system does.
func orderPlatform(r *rand.Rand, d Device) string {
	if chance(r, 0.85) {
		return d.Platform
	}
	switch d.Kind {
	case IOSApp:
		return "ios"
	case AndroidApp:
		return "android"
	case MiniProgram:
		return "小程序"
	case WebMobile:
		return "h5"
	}
	return "pc"
}

// dayOf returns midnight (Asia/Shanghai) of t's day.
func dayOf(t time.Time) time.Time {
	t = t.In(Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Shanghai)
}
