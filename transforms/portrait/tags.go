package portrait

import (
	"slices"

	"github.com/shopportraits/portraits/schemas"
)

// Tags are the readable marketing tags; a portrait carries the ones whose rule holds (thresholds in
// TagRules, defaults in brackets):
//
//	high_value       m_score at least high_value_m_score [5]: top GMV quintile among buyers
//	discount_seeker  at least discount_seeker_min_orders [3] paid orders, and the share of them
//	                 with a discount or the share with a coupon at least discount_seeker_share [0.5]
//	night_owl        at least night_owl_min_engagements [10] events, orders and message opens, of
//	                 which at least night_owl_share [0.4] fall from night_owl_from_hour [22] to
//	                 before night_owl_to_hour [6], business zone
//	weekend_shopper  at least weekend_shopper_min_orders [3] paid orders, at least
//	                 weekend_shopper_share [0.6] of them paid on a Saturday or Sunday
//	complainer       complaint tickets plus texts judged negative at least complainer_min [2]
//	new_customer     first paid order within the last new_customer_days [30] days
//	at_risk          lifecycle churn_risk: a buyer whose P(alive), or silence, says they are slipping
//	cart_abandoner   a cart event within the last cart_abandoner_days [7] days and no paid
//	                 order since
//	promoter         at least promoter_min_rated [2] rated reviews or posts averaging at least
//	                 promoter_rating [4.5] stars, and texts (when scored) positive on average
var Tags = []string{
	"at_risk",
	"cart_abandoner",
	"complainer",
	"discount_seeker",
	"high_value",
	"new_customer",
	"night_owl",
	"promoter",
	"weekend_shopper",
}

// tags applies the tag rules to a finished portrait and its accumulator; sorted.
func (a *Acc) tags(p *schemas.Portrait, e *env) []string {
	r := e.rules.Tags
	var out []string
	tag := func(name string, ok bool) {
		if ok {
			out = append(out, name)
		}
	}
	orders := float64(a.orders)
	tag("high_value", p.MScore >= int32(r.HighValueMScore))
	tag("discount_seeker", a.orders >= int32(r.DiscountSeekerMinOrders) &&
		max(float64(a.discountOrders), float64(a.couponOrders))/orders >= r.DiscountSeekerShare)
	var engaged, night int32
	for h, n := range a.hours {
		engaged += n
		if isNight(h, r.NightOwlFromHour, r.NightOwlToHour) {
			night += n
		}
	}
	tag(
		"night_owl",
		engaged >= int32(r.NightOwlMinEngagements) &&
			float64(night)/float64(engaged) >= r.NightOwlShare,
	)
	tag(
		"weekend_shopper",
		a.orders >= int32(r.WeekendShopperMinOrders) &&
			float64(a.weekendOrders)/orders >= r.WeekendShopperShare,
	)
	tag("complainer", a.complaints+a.negative >= int32(r.ComplainerMin))
	tag("new_customer", a.orders > 0 && daysAgo(a.firstOrder, e) < int32(r.NewCustomerDays))
	tag("at_risk", p.Lifecycle == ChurnRisk)
	tag(
		"cart_abandoner",
		a.lastCart > a.lastOrder && daysAgo(a.lastCart, e) < int32(r.CartAbandonerDays),
	)
	tag("promoter", a.rated >= int32(r.PromoterMinRated) && p.AvgRating >= r.PromoterRating &&
		(p.Sentiment == nil || *p.Sentiment >= 0.5))
	slices.Sort(out)
	return out
}

// isNight reports whether hour h lies in [from, to), wrapping past midnight when from > to.
func isNight(h, from, to int) bool {
	if from <= to {
		return h >= from && h < to
	}
	return h >= from || h < to
}
