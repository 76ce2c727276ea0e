package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Mess and shape of platform/orders and platform/order_items.
const (
	couponRate        = 0.30  // orders with a coupon
	orderReplayRate   = 0.03  // an order's first export is exported again with its last one (stale)
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
	Final       string    // the state the order reached: Status before an unknown value replaced it
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
	// Companions are drawn from a stream of their own, so that the rest of the orders is as it
	// would be without them.
	companions := newRand(g.seed, streamBaskets, uint64(p.Index))
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
		o.No = t.In(Shanghai).
			Format("20060102") +
			fmt.Sprintf(
				"%010d",
				permute(uint64(p.Index)*16+uint64(k), g.orderBits, g.seed^0x6f72),
			)
		g.fillOrder(r, companions, p, &o)
		out = append(out, o)
	}
	return out
}

// fillOrder draws the lines, money and status of an order: a line after the first is, with a draw
// from companions, a product of the first line's mate category (TopMate) instead of the person's
// own pick, and a line's companion product (Catalog.Companion) joins the order at list price.
func (g *generator) fillOrder(r, companions *rand.Rand, p *Person, o *Order) {
	var sum int64
	add := func(it Item) {
		if p.Test {
			it.UnitFen = 1
		}
		sum += it.UnitFen * int64(it.Qty)
		o.Items = append(o.Items, it)
	}
	first := -1
	for l := weighted(r, itemCountWeights) + 1; l > 0; l-- {
		it := Item{Product: g.cat.pickFor(r, p.FavTops), Qty: 1 + weighted(r, []float64{85, 11, 4})}
		if first < 0 {
			first = it.Product
		} else if m := g.mate(companions, first); m >= 0 {
			it.Product = m // a later line from the first line's mate category
		}
		list := g.cat.Products[it.Product].priceAt(o.Created)
		it.UnitFen = list * []int64{100, 90, 80}[weighted(r, []float64{70, 20, 10})] / 100
		add(it)
		if c := g.companion(companions, it.Product); c >= 0 &&
			!slices.ContainsFunc(o.Items, func(x Item) bool { return x.Product == c }) {
			add(Item{Product: c, Qty: 1, UnitFen: g.cat.Products[c].priceAt(o.Created)})
		}
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
	statuses := []string{"completed", "paid", "shipped", "cancelled", "refunded", "created"}
	o.Status = statuses[weighted(r, sw)]
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
	o.Final = o.Status
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

// orderState is an order after one change: its status, since when, and the money refunded.
type orderState struct {
	status    string
	at        time.Time
	refundFen int64
}

// states lists the states the order went through, oldest first: created, paid, shipped, and how
// it ended (completed, refunded or cancelled). ship is when a completed order left the warehouse.
func (o *Order) states(ship time.Time) []orderState {
	s := []orderState{{"created", o.Created, 0}}
	if !o.Paid.IsZero() {
		s = append(s, orderState{"paid", o.Paid, 0})
	}
	switch o.Final {
	case "shipped":
		s = append(s, orderState{"shipped", o.Updated, 0})
	case "completed":
		s = append(s, orderState{"shipped", ship, 0}, orderState{"completed", o.Updated, 0})
	case "refunded", "cancelled":
		s = append(s, orderState{o.Final, o.Updated, o.RefundFen})
	}
	s[len(s)-1].status = o.Status // an unknown value the order system wrote at the end
	return s
}

// exports keeps the state each day's export shows: the last state of every day the order
// changed on.
func (g *generator) exports(states []orderState) []orderState {
	var out []orderState
	for _, st := range states {
		if n := len(out); n > 0 && g.w.dayIndex(out[n-1].at) == g.w.dayIndex(st.at) {
			out[n-1] = st
			continue
		}
		out = append(out, st)
	}
	return out
}

// orderRows returns the export rows of the person's orders, each with the day of the export it
// is in: a header in the export of every day the order changed on, with the state it had at the
// end of that day and the time of that change, and the lines with the order's first export.
// changes counts the headers exported again per day.
func (g *generator) orderRows(p *Person, orders []Order, changes []DayChanges) (
	[]dated[OrderRow], []dated[OrderItemRow]) {
	if len(orders) == 0 {
		return nil, nil
	}
	r := newRand(g.seed, streamOrders, uint64(p.Index)|1<<40)
	var heads []dated[OrderRow]
	var lines []dated[OrderItemRow]
	for _, o := range orders {
		d := p.Devices[o.Device]
		h := OrderRow{
			OrderNo:        o.No,
			UID:            p.Accounts[o.Account].UID,
			Platform:       orderPlatform(r, d),
			CreateTime:     micros(o.Created),
			PayAmount:      yuanOf(o.TotalFen),
			DiscountAmount: yuanOf(o.DiscountFen),
			CouponCode:     o.Coupon,
		}
		if chance(r, orderNegativeRate) {
			h.PayAmount = -h.PayAmount
		}
		// A completed order shipped 12 to 72 hours after it was placed, before it completed.
		ship := o.Created.Add(time.Duration(between(r, 12*3600, 72*3600)) * time.Second)
		ship = minTime(ship, o.Updated)
		ship = maxTime(ship, o.Paid)
		exports := g.exports(o.states(ship))
		first := g.w.dayIndex(exports[0].at)
		if !chance(r, orderOrphanRate) {
			for i, st := range exports {
				v := h
				v.OrderStatus, v.UpdateTime = st.status, micros(st.at)
				v.RefundAmount = yuanOf(st.refundFen)
				if !o.Paid.IsZero() && !st.at.Before(o.Paid) {
					v.PayTime = micros(o.Paid)
				}
				day := g.w.dayIndex(st.at)
				heads = append(heads, dated[OrderRow]{day, v})
				if i > 0 {
					changes[day].OrderChanges++
				}
			}
			if n := len(exports); n > 1 && chance(r, orderReplayRate) {
				stale := heads[len(heads)-n]
				stale.day = heads[len(heads)-1].day
				heads = append(heads, stale)
			}
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
			lines = append(lines, dated[OrderItemRow]{first, line})
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

// companion is the product's companion when the draw from r says it joins the order, else -1.
func (g *generator) companion(r *rand.Rand, product int) int {
	if c := g.cat.Companion[product]; c >= 0 && chance(r, companionRate) {
		return c
	}
	return -1
}

// mate is a product of the product's mate category (TopMate) when the draw from r says one joins
// the order, else -1.
func (g *generator) mate(r *rand.Rand, product int) int {
	m := TopMate(g.cat.Products[product].Top)
	if m < 0 || !chance(r, mateRate) {
		return -1
	}
	return g.cat.pickProduct(r, m)
}
