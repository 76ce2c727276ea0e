package portrait

import (
	"math"
	"math/bits"
	"strconv"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/clv"
	"github.com/shopportraits/portraits/transforms/quantile"
)

// Finish turns a person's accumulated facts into their portrait with the night's model card (nil
// when there is none: scores, price band and lifetime value stay null). It does not change a.
// Propensity30d and ChurnRisk are left for the prediction stage.
func (a *Acc) Finish(personID string, card *ModelCard, e *env) schemas.Portrait {
	if card == nil {
		card = &ModelCard{}
	}
	out := schemas.Portrait{PersonID: personID}
	a.who(&out, e)
	a.value(&out, e)
	sum, buyer := a.summary(e)
	a.rfm(&out, sum, buyer, card)
	a.interestsOf(&out, card)
	a.contact(&out)
	a.activity(&out, e)
	a.feedback(&out)
	a.lifetime(&out, sum, buyer, card, e)
	out.Lifecycle = a.lifecycle(sum, buyer, out.PAlive, e)
	out.Tags = a.tags(&out, e)
	return out
}

// who fills the demographics. Precedence: a value stated on a platform account wins over a
// vendor's; among accounts (or among vendor rows) the most recently updated row that states a
// value wins, ties broken by account id (or vendor row key), then by the larger value.
func (a *Acc) who(out *schemas.Portrait, e *env) {
	out.PhoneMasked = a.phone.Value
	out.Accounts = a.spineAccounts
	out.MarketingConsent = a.accounts > 0 && a.consentRefused == 0
	out.Gender = a.gender.Value
	if y, err := strconv.Atoi(a.birthYear.Value); err == nil {
		out.BirthYear = int32(y)
		out.AgeBand, out.AgeBandSource = ageBand(dayTime(e.asOf).Year()-y), platform
	} else if a.ageBand.Value != "" {
		out.AgeBand, out.AgeBandSource = a.ageBand.Value, a.ageBand.Source
	}
	out.City, out.Province = a.city.Value, a.province.Value
	if t, err := strconv.Atoi(a.cityTier.Value); err == nil {
		out.CityTier, out.CityTierSource = int32(t), a.cityTier.Source
	}
	out.IncomeBand, out.IncomeBandSource = a.incomeBand.Value, a.incomeBand.Source
	out.VendorInterests = append([]string{}, a.interests...)
	out.RegisteredAt = a.registeredAt
	if out.RegisteredAt == 0 && a.accounts > 0 {
		out.RegisteredAt = a.firstSeen // accounts that state no registration: the first event or order
	}
}

// ageBand is the band of an age in the vendors' bands: 0-17, 18-24, 25-34, 35-44, 45-54, 55+.
func ageBand(age int) string {
	switch {
	case age < 18:
		return "0-17"
	case age < 25:
		return "18-24"
	case age < 35:
		return "25-34"
	case age < 45:
		return "35-44"
	case age < 55:
		return "45-54"
	}
	return "55+"
}

// value fills orders, items and money.
func (a *Acc) value(out *schemas.Portrait, e *env) {
	out.Orders, out.Items, out.GMVFen, out.NetGMVFen = a.orders, a.items, a.gmv, a.gmv-a.refund
	out.CancelledOrders, out.RefundedOrders = a.cancelled, a.refundedOrders
	if a.orders == 0 {
		return
	}
	n := int64(a.orders)
	aov := int64(math.Round(float64(a.gmv) / float64(n)))
	out.AvgOrderValueFen = &aov
	rate := 0.0
	if a.gmv > 0 {
		rate = float64(a.refund) / float64(a.gmv)
	}
	out.RefundRate = &rate
	out.DiscountOrderShare = ptr(float64(a.discountOrders) / float64(n))
	out.CouponOrderShare = ptr(float64(a.couponOrders) / float64(n))
	out.FirstOrderAt, out.LastOrderAt = a.firstOrder, a.lastOrder
	out.DaysSinceLastOrder = ptr(daysAgo(a.lastOrder, e))
}

// summary is the person's RFM summary in days, computed by clv.Summarize (lifetimes' definition)
// over one transaction per purchase day; buyer is false without a purchase day.
func (a *Acc) summary(e *env) (clv.Summary, bool) {
	if len(a.purchaseDays) == 0 {
		return clv.Summary{}, false
	}
	tx := make([]clv.Transaction, len(a.purchaseDays))
	for i, d := range a.purchaseDays {
		tx[i] = clv.Transaction{Time: dayTime(d.Day), Amount: float64(d.Fen)}
	}
	s := clv.Summarize(tx, dayTime(e.asOf), 1)
	if len(s) != 1 {
		return clv.Summary{}, false
	}
	return s[0], true
}

// stat is what the model card needs of the person.
func (a *Acc) stat(e *env) personStat {
	s, buyer := a.summary(e)
	if !buyer {
		return personStat{Facts: a.facts > 0}
	}
	var repeat int64
	for _, d := range a.purchaseDays[1:] {
		repeat += d.Fen
	}
	gaps := make([]int32, 0, len(a.purchaseDays)-1)
	for i := 1; i < len(a.purchaseDays); i++ {
		gaps = append(gaps, a.purchaseDays[i].Day-a.purchaseDays[i-1].Day)
	}
	return personStat{
		Facts:     true,
		Buyer:     true,
		Frequency: int32(s.Frequency),
		Recency:   int32(s.Recency),
		T:         int32(s.T),
		RepeatFen: repeat,
		SinceLast: int32(s.T - s.Recency),
		GMV:       a.gmv,
		Gaps:      gaps,
	}
}

// rfm fills lifetimes' frequency, recency, T and monetary value, and the 1-5 scores.
func (a *Acc) rfm(out *schemas.Portrait, s clv.Summary, buyer bool, card *ModelCard) {
	if !buyer {
		return
	}
	out.Frequency, out.RecencyDays, out.TDays, out.MonetaryValueFen = s.Frequency, s.Recency, s.T,
		s.MonetaryValue
	since := int64(s.T - s.Recency)
	out.RScore = quantile.ScoreLow(card.RecencyCuts, 5, since)
	out.FScore = quantile.ScoreHigh(card.FrequencyCuts, 5, int64(s.Frequency)+1)
	out.MScore = quantile.ScoreHigh(card.MonetaryCuts, 5, a.gmv)
	if out.RScore > 0 && out.FScore > 0 && out.MScore > 0 {
		out.RFMCell = strconv.Itoa(int(out.RScore*100 + out.FScore*10 + out.MScore))
	}
}

// interestsOf fills the top categories and brands and the price band.
func (a *Acc) interestsOf(out *schemas.Portrait, card *ModelCard) {
	out.TopCategories, out.TopBrands = top(a.categories, 3), top(a.brands, 3)
	if a.items <= 0 || len(card.PriceCuts) != 2 {
		return
	}
	unit := float64(a.lineAmount) / float64(a.items)
	switch {
	case unit <= float64(card.PriceCuts[0]):
		out.PriceBand = "low"
	case unit <= float64(card.PriceCuts[1]):
		out.PriceBand = "mid"
	default:
		out.PriceBand = "high"
	}
}

// contact fills the channel, the best contact time and the touches.
func (a *Acc) contact(out *schemas.Portrait) {
	if i := argmax(a.channels[:]); i >= 0 {
		out.PreferredChannel = channelNames[i]
	}
	if i := argmax(a.weekdays[:]); i >= 0 {
		out.BestContactWeekday = int32(i + 1)
	}
	if i := argmax(a.hours[:]); i >= 0 {
		out.BestContactHour = ptr(int32(i))
	}
	for _, m := range a.messages {
		if r := m.received(); r >= 0 {
			out.TouchesReceived30d++
			if r < 7 {
				out.TouchesReceived7d++
			}
		}
		if m.Opened >= 0 {
			out.TouchesOpened30d++
			if m.Opened < 7 {
				out.TouchesOpened7d++
			}
		}
	}
	for i := range a.unsubAt {
		if a.unsubAt[i] > 0 && a.touchedAt[i] <= a.unsubAt[i] {
			out.Unsubscribed = true
		}
	}
}

// argmax is the index of the largest positive count (the first of equals), -1 when all are 0.
func argmax(counts []int32) int {
	best := -1
	for i, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	return best
}

// activity fills the active days, sessions and last seen.
func (a *Acc) activity(out *schemas.Portrait, e *env) {
	window := func(days int) int32 {
		lo := a.active[0]
		if days < 64 {
			lo &= 1<<days - 1
		}
		hi := a.active[1] & (1<<max(days-64, 0) - 1)
		return int32(bits.OnesCount64(lo) + bits.OnesCount64(hi))
	}
	out.ActiveDays7d, out.ActiveDays30d, out.ActiveDays90d = window(
		7,
	), window(
		30,
	), window(
		activeDays,
	)
	out.Sessions = int32(a.sessions.count())
	if a.lastSeen > 0 {
		out.LastSeenAt = a.lastSeen
		out.DaysSinceLastSeen = ptr(daysAgo(a.lastSeen, e))
	}
}

// feedback fills reviews, ratings, sentiment and tickets.
func (a *Acc) feedback(out *schemas.Portrait) {
	out.Reviews, out.Tickets, out.OpenComplaints, out.SitePosts = a.reviews, a.tickets,
		a.openComplaints, a.posts
	out.Disputes = a.disputes
	if a.rated > 0 {
		out.AvgRating = float64(a.ratingSum) / float64(a.rated)
	}
	if a.scored > 0 {
		out.Sentiment = ptr(float64(a.positiveSum) / sentimentScale / float64(a.scored))
	}
	out.NegativeTexts = a.negative
}

// lifetime fills P(alive), expected purchases and CLV from the night's purchase and spend models,
// in days as lifetimes computes them; a value that comes out infinite or NaN stays null.
func (a *Acc) lifetime(out *schemas.Portrait, s clv.Summary, buyer bool, card *ModelCard, e *env) {
	bg := card.purchases()
	if !buyer || bg == nil {
		return
	}
	keep := func(v float64) *float64 {
		if !finite(v) || v < 0 {
			return nil
		}
		return &v
	}
	out.PAlive = keep(bg.ProbAlive(s.Frequency, s.Recency, s.T))
	out.ExpectedPurchases30d = keep(bg.ExpectedPurchases(30, s.Frequency, s.Recency, s.T))
	out.ExpectedPurchases90d = keep(bg.ExpectedPurchases(90, s.Frequency, s.Recency, s.T))
	if card.GammaGamma == nil {
		return
	}
	r := e.rules.Value
	v := clv.CustomerLifetimeValue(
		bg,
		*card.GammaGamma,
		s,
		r.Months,
		r.MonthlyDiscount,
		clv.LifetimesPeriodsPerMonth(1),
	)
	if finite(v) && v >= 0 {
		out.CLV12mFen = ptr(int64(math.Round(v)))
	}
}

func ptr[T any](v T) *T { return &v }

// daysAgo is the age in business days of a timestamp.
func daysAgo(micros int64, e *env) int32 { return e.age(e.at(micros).day) }
