package portrait

import (
	"math"
	"strconv"

	"github.com/shopportraits/portraits/schemas"
)

// The Add methods take one fact each. They return false, leaving the accumulator unchanged, for a
// fact dated after the as-of day; any other fact is used.

// platform is the source of values stated on platform accounts.
const platform = "platform"

// paidStatuses are the order states that count as purchases.
var paidStatuses = map[string]bool{
	"paid":      true,
	"shipped":   true,
	"completed": true,
	"refunded":  true,
}

// AddPerson adds the person's row of the spine (schemas.Person): it makes the person's portrait
// exist, facts or not, and gives its account count.
func (a *Acc) AddPerson(p schemas.Person) {
	a.spine++
	a.spineAccounts = max(a.spineAccounts, p.Accounts)
}

// AddUser adds a platform account: its demographics (the most recently updated account wins), its
// registration and its marketing consent. An account registered after the as-of day is not used.
func (a *Acc) AddUser(u schemas.User, e *env) bool {
	if e.late(u.RegisteredAt) {
		return false
	}
	a.facts++
	a.accounts++
	if !u.MarketingConsent {
		a.consentRefused++
	}
	a.registeredAt = minSet(a.registeredAt, u.RegisteredAt)
	stated := func(v string) latest {
		return latest{Value: v, At: u.UpdatedAt, Tie: u.UserID, Source: platform}
	}
	a.phone.offer(stated(u.PhoneMasked))
	a.gender.offer(stated(u.Gender))
	if u.BirthYear > 0 {
		a.birthYear.offer(stated(strconv.Itoa(int(u.BirthYear))))
	}
	a.city.offer(stated(u.City))
	a.province.offer(stated(u.Province))
	return true
}

// AddOrder adds an order with its lines. Any order marks activity, engagement time and channel at
// its placement. A paid one (paid, shipped, completed or refunded) whose payment came by the
// as-of day is a purchase: it adds its value, its purchase day and, per line, the purchase
// interest in the product's category and brand. The purchase is dated by the config's
// PurchaseTime: the order's placement (created_at, the default, as lifetimes dates a
// transaction) or its payment (paid_at). A paid order placed by the as-of day and paid after it
// is no purchase as of that day and is counted as pending.
func (a *Acc) AddOrder(o schemas.Order, lines []schemas.OrderItem, e *env) bool {
	if e.late(o.CreatedAt) {
		return false
	}
	a.facts++
	placed := e.at(o.CreatedAt)
	a.seen(placed, o.CreatedAt, e)
	a.engaged(placed)
	a.channel(o.Channel)
	paidAt := o.PaidAt
	if paidAt == 0 {
		paidAt = o.CreatedAt
	}
	if o.Status == "cancelled" {
		a.cancelled++
	}
	if !paidStatuses[o.Status] {
		return true
	}
	if e.late(paidAt) {
		a.pending++
		return true
	}
	at := o.CreatedAt
	if e.purchaseTime == PurchasePaid {
		at = paidAt
	}
	bought := e.at(at)
	a.orders++
	a.gmv += o.TotalFen
	a.refund += o.RefundFen
	if o.RefundFen > 0 {
		a.refundedOrders++
	}
	if o.DiscountFen > 0 {
		a.discountOrders++
	}
	if o.CouponCode != "" {
		a.couponOrders++
	}
	if bought.weekday >= 6 {
		a.weekendOrders++
	}
	a.firstOrder = minSet(a.firstOrder, at)
	a.lastOrder = max(a.lastOrder, at)
	a.purchaseDays = addDay(a.purchaseDays, bought.day, o.TotalFen)
	for _, l := range lines {
		a.items += l.Quantity
		a.lineAmount += l.AmountFen
		a.interest(l.SKU, "purchase", bought.day, e)
	}
	return true
}

// AddEvent adds a clickstream event: activity, engagement time, channel, session, interest in the
// product's category and brand (weighted by its type), and the latest cart, favourite or follow.
func (a *Acc) AddEvent(ev schemas.Event, e *env) bool {
	if e.late(ev.EventTime) {
		return false
	}
	a.facts++
	m := e.at(ev.EventTime)
	a.events++
	a.seen(m, ev.EventTime, e)
	a.engaged(m)
	a.channel(ev.Channel)
	if ev.SessionID != "" {
		a.sessions = a.sessions.add(hash64(ev.SessionID))
	}
	switch ev.EventType {
	case "cart":
		a.lastCart = max(a.lastCart, ev.EventTime)
		a.lastInterest = max(a.lastInterest, ev.EventTime)
	case "favourite", "follow":
		a.lastInterest = max(a.lastInterest, ev.EventTime)
	}
	if ev.SKU != "" {
		a.interest(ev.SKU, ev.EventType, m.day, e)
	}
	return true
}

// AddTouch adds a marketing touch. A message is the touch's channel and campaign (its touch id when
// it names no campaign); within the last 30 days the message is received when delivered, or sent
// and not bounced, and opened when opened or clicked. Opens and clicks also mark engagement time.
// Sends, deliveries and unsubscribes per channel tell whether the person unsubscribed and was not
// touched since.
func (a *Acc) AddTouch(t schemas.Touch, e *env) bool {
	if e.late(t.TouchTime) {
		return false
	}
	a.facts++
	m := e.at(t.TouchTime)
	ch := -1
	for i, c := range touchChannels {
		if c == t.Channel {
			ch = i
		}
	}
	key := "touch\x1f" + t.TouchID
	if t.CampaignID != "" {
		key = "campaign\x1f" + t.Channel + "\x1f" + t.CampaignID
	}
	msg := message{Key: hash64(key), Sent: -1, Delivered: -1, Opened: -1}
	age := e.age(m.day)
	inWindow := age >= 0 && age < touchWindow
	switch t.Action {
	case "send":
		msg.Sent = int8(age)
	case "deliver":
		msg.Delivered = int8(age)
	case "bounce":
		msg.Bounced = true
	case "open", "click":
		msg.Opened = int8(age)
		a.engaged(m)
	case "unsubscribe":
		inWindow = false
		if ch >= 0 {
			a.unsubAt[ch] = max(a.unsubAt[ch], t.TouchTime)
		}
	}
	if ch >= 0 && (t.Action == "send" || t.Action == "deliver") {
		a.touchedAt[ch] = max(a.touchedAt[ch], t.TouchTime)
	}
	if inWindow {
		a.messages = addMessage(a.messages, msg)
	}
	return true
}

// AddVendor adds a vendor row: age band, city tier and income band (the most recently updated row
// wins) and interest tags (all kept). A row updated after the as-of day is not used.
func (a *Acc) AddVendor(v schemas.VendorProfile, e *env) bool {
	if e.late(v.UpdatedAt) {
		return false
	}
	a.facts++
	a.vendorRows++
	vendor := v.Vendor
	if vendor == "" {
		vendor = v.Source
	}
	stated := func(s string) latest {
		return latest{Value: s, At: v.UpdatedAt, Tie: v.NaturalKey(), Source: vendor}
	}
	a.ageBand.offer(stated(v.AgeBand))
	if v.CityTier > 0 {
		a.cityTier.offer(stated(strconv.Itoa(int(v.CityTier))))
	}
	a.incomeBand.offer(stated(v.IncomeBand))
	for _, tag := range v.Interests {
		if tag != "" {
			a.interests = addSet(a.interests, tag)
		}
	}
	return true
}

// AddReview adds a product review: its stars and, when scored, its text's probability of being
// positive.
func (a *Acc) AddReview(r schemas.Review, t Text, e *env) bool {
	if e.late(r.CreatedAt) {
		return false
	}
	a.facts++
	a.reviews++
	a.rating(r.Rating)
	a.text(t)
	return true
}

// AddTicket adds a customer-service ticket: complaints, open or pending ones, and its text's score.
func (a *Acc) AddTicket(tk schemas.Ticket, t Text, e *env) bool {
	if e.late(tk.CreatedAt) {
		return false
	}
	a.facts++
	a.tickets++
	if tk.Category == "complaint" || tk.Category == "return" {
		a.disputes++
	}
	if tk.Category == "complaint" {
		a.complaints++
		if tk.Status == "open" || tk.Status == "pending" {
			a.openComplaints++
		}
	}
	a.text(t)
	return true
}

// AddPost adds a review-site post: its stars and its text's score.
func (a *Acc) AddPost(p schemas.SitePost, t Text, e *env) bool {
	if e.late(p.PostedAt) {
		return false
	}
	a.facts++
	a.posts++
	a.rating(p.Rating)
	a.text(t)
	return true
}

// Text is a text's score by the night's sentiment model.
type Text struct {
	// Scored is false when there is no model or no text.
	Scored bool
	// Positive is the probability that the text is positive, 0 to 1.
	Positive float64
}

func (a *Acc) text(t Text) {
	if !t.Scored || !(t.Positive >= 0 && t.Positive <= 1) {
		return
	}
	a.scored++
	a.positiveSum += int64(math.Round(t.Positive * sentimentScale))
	if t.Positive < 0.5 {
		a.negative++
	}
}

func (a *Acc) rating(stars int32) {
	if stars >= 1 && stars <= 5 {
		a.rated++
		a.ratingSum += int64(stars)
	}
}

// seen marks a day of activity (events and orders) and the earliest and latest times seen.
func (a *Acc) seen(m moment, micros int64, e *env) {
	if age := e.age(m.day); age >= 0 && age < activeDays {
		a.active[age/64] |= 1 << (age % 64)
	}
	a.lastSeen = max(a.lastSeen, micros)
	a.firstSeen = minSet(a.firstSeen, micros)
}

// engaged counts an engagement at the moment's weekday and hour.
func (a *Acc) engaged(m moment) {
	a.weekdays[m.weekday-1]++
	a.hours[m.hour]++
}

// channel counts an event or order on its channel.
func (a *Acc) channel(c string) {
	for i, n := range channelNames {
		if n == c {
			a.channels[i]++
			return
		}
	}
}

// interest adds the decayed weight of a signal kind to the product's category and brand.
func (a *Acc) interest(sku, kind string, day int32, e *env) {
	base := e.rules.InterestWeights[kind]
	if base <= 0 {
		return
	}
	p, ok := e.products[sku]
	if !ok {
		return
	}
	w := e.decay.weight(base, e.age(day))
	if p.category != "" {
		a.categories = addWeight(a.categories, p.category, w)
	}
	if p.brand != "" {
		a.brands = addWeight(a.brands, p.brand, w)
	}
}
