package portrait

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is what the portrait stage needs besides its inputs.
type Config struct {
	// Date is the run's business day, YYYY-MM-DD.
	Date string
	// AsOf is the day the portraits describe, YYYY-MM-DD, not after Date; "" means Date. Facts after
	// the end of this business day are ignored, and every window ("last 7 days"), T and "days
	// since" ends with it.
	AsOf string
	// Timezone is the business zone of days, weekdays and hours; "" means Asia/Shanghai.
	Timezone string
	// PurchaseTime is the order time that dates a purchase, for RFM, lifecycle and every
	// purchase-day figure: PurchaseCreated (the default: the day the order was placed) or
	// PurchasePaid (the day it was paid).
	PurchaseTime string
	// Rules are the thresholds; the zero value means DefaultRules().
	Rules Rules
}

// DefaultTimezone is the business zone when Config.Timezone is empty.
const DefaultTimezone = "Asia/Shanghai"

// The purchase-time rules of Config.PurchaseTime, as the sources config names them.
const (
	PurchaseCreated = "created_at"
	PurchasePaid    = "paid_at"
)

// Rules are the thresholds of the portrait stage. Start from DefaultRules or LoadRules.
type Rules struct {
	// HalfLifeDays is the half-life of interest weights: a view, cart or purchase this many days
	// before the as-of day weighs half as much as one on it.
	HalfLifeDays float64 `yaml:"half_life_days"`
	// InterestWeights weighs each kind of interest signal before decay: event types (view, cart,
	// favourite, follow, share, search, checkout) and purchase (one per paid order line). A kind
	// not listed gives no interest.
	InterestWeights map[string]float64 `yaml:"interest_weights"`
	// Lifecycle holds the rules of the lifecycle stage.
	Lifecycle LifecycleRules `yaml:"lifecycle"`
	// Value configures the BG/NBD and Gamma-Gamma models.
	Value ValueRules `yaml:"lifetime_value"`
	// Sentiment configures the nightly text model.
	Sentiment SentimentRules `yaml:"sentiment"`
	// Tags holds the thresholds of the marketing tags.
	Tags TagRules `yaml:"tags"`
}

// LifecycleRules place a person on the lifecycle, first rule that holds wins:
//   - no paid order: interested when a cart, favourite or follow event is at most InterestedDays
//     old; aware when the person has an account or any event (visited); unaware otherwise (known
//     only from vendor rows, tickets or review-site posts);
//   - buyers whose last purchase day is more than ChurnRiskDays old (a more recent buyer is never
//     lapsing): dormant when P(alive) < DormantPAlive, churn_risk when P(alive) <
//     ChurnRiskPAlive; where P(alive) says nothing (one purchase day, for which BG/NBD gives 1, or
//     no fitted model) dormant when the last purchase is more than DormantDays old, churn_risk
//     otherwise;
//   - then loyal with at least LoyalMinDays purchase days in the last LoyalWindowDays; repeat
//     with two purchase days or more; first_purchase otherwise.
type LifecycleRules struct {
	InterestedDays  int     `yaml:"interested_days"`
	DormantPAlive   float64 `yaml:"dormant_p_alive"`
	ChurnRiskPAlive float64 `yaml:"churn_risk_p_alive"`
	DormantDays     int     `yaml:"dormant_days"`
	ChurnRiskDays   int     `yaml:"churn_risk_days"`
	LoyalWindowDays int     `yaml:"loyal_window_days"`
	LoyalMinDays    int     `yaml:"loyal_min_purchase_days"`
}

// ValueRules configure the lifetime-value models, fitted each night with days as the time unit.
type ValueRules struct {
	// Months is the horizon of clv_12m_fen (12 gives the column its meaning).
	Months int `yaml:"months"`
	// MonthlyDiscount is the discount rate per month of the lifetime value (0.01 is 1%).
	MonthlyDiscount float64 `yaml:"monthly_discount"`
	// Penalizer is the L2 penalizer of both fits, on scale-free parameters: BG/NBD's time in
	// units of the buyers' mean T and Gamma-Gamma's money in units of the repeat buyers' mean
	// spend, so it means the same in days or weeks, fen or yuan. 0 is lifetimes' unpenalised fit.
	Penalizer float64 `yaml:"penalizer"`
	// MinBuyers is the fewest buyers BG/NBD is fitted on; with fewer, lifetime fields stay null.
	MinBuyers int `yaml:"min_buyers"`
	// MinRepeatBuyers is the fewest repeat buyers Gamma-Gamma is fitted on; with fewer, clv_12m_fen
	// stays null.
	MinRepeatBuyers int `yaml:"min_repeat_buyers"`
}

// SentimentRules configure the text model trained each night on the rated reviews (1-2 stars
// negative, 4-5 positive).
type SentimentRules struct {
	// MinClassTexts is the fewest training reviews of each class; with fewer, sentiment stays null.
	MinClassTexts int `yaml:"min_class_texts"`
	// HoldoutPercent of the rated reviews (chosen by a hash of the review id) are kept out of
	// training to measure the model's accuracy.
	HoldoutPercent int `yaml:"holdout_percent"`
	// MaxTexts bounds the rated reviews used (training and holdout): those with the smallest hash of
	// their review id, so the worker that trains holds at most this many texts.
	MaxTexts int `yaml:"max_texts"`
}

// TagRules are the thresholds of the tags (see Tags for the rules).
type TagRules struct {
	HighValueMScore         int     `yaml:"high_value_m_score"`
	DiscountSeekerShare     float64 `yaml:"discount_seeker_share"`
	DiscountSeekerMinOrders int     `yaml:"discount_seeker_min_orders"`
	NightOwlFromHour        int     `yaml:"night_owl_from_hour"`
	NightOwlToHour          int     `yaml:"night_owl_to_hour"`
	NightOwlShare           float64 `yaml:"night_owl_share"`
	NightOwlMinEngagements  int     `yaml:"night_owl_min_engagements"`
	WeekendShopperShare     float64 `yaml:"weekend_shopper_share"`
	WeekendShopperMinOrders int     `yaml:"weekend_shopper_min_orders"`
	ComplainerMin           int     `yaml:"complainer_min"`
	NewCustomerDays         int     `yaml:"new_customer_days"`
	CartAbandonerDays       int     `yaml:"cart_abandoner_days"`
	PromoterRating          float64 `yaml:"promoter_rating"`
	PromoterMinRated        int     `yaml:"promoter_min_rated"`
}

// DefaultRules are the rules without a config file.
func DefaultRules() Rules {
	return Rules{
		HalfLifeDays:    30,
		InterestWeights: map[string]float64{"view": 1, "favourite": 2, "cart": 3, "purchase": 5},
		Lifecycle: LifecycleRules{
			InterestedDays:  90,
			DormantPAlive:   0.2,
			ChurnRiskPAlive: 0.5,
			DormantDays:     180,
			ChurnRiskDays:   90,
			LoyalWindowDays: 365,
			LoyalMinDays:    3,
		},
		Value: ValueRules{
			Months:          12,
			MonthlyDiscount: 0.01,
			Penalizer:       0,
			MinBuyers:       50,
			MinRepeatBuyers: 20,
		},
		Sentiment: SentimentRules{MinClassTexts: 20, HoldoutPercent: 20, MaxTexts: 1_000_000},
		Tags: TagRules{HighValueMScore: 5, DiscountSeekerShare: 0.5, DiscountSeekerMinOrders: 3,
			NightOwlFromHour: 22, NightOwlToHour: 6, NightOwlShare: 0.4, NightOwlMinEngagements: 10,
			WeekendShopperShare: 0.6, WeekendShopperMinOrders: 3, ComplainerMin: 2, NewCustomerDays: 30,
			CartAbandonerDays: 7, PromoterRating: 4.5, PromoterMinRated: 2},
	}
}

// LoadRules reads a YAML file over DefaultRules; "" gives the defaults. Unknown keys and values out
// of range are errors naming the file.
func LoadRules(path string) (Rules, error) {
	r := DefaultRules()
	if path == "" {
		return r, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Rules{}, fmt.Errorf("portrait rules: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return Rules{}, fmt.Errorf("portrait rules %s: %w", path, err)
	}
	if err := r.Validate(); err != nil {
		return Rules{}, fmt.Errorf("portrait rules %s: %w", path, err)
	}
	return r, nil
}

// interestKinds are the kinds InterestWeights may name.
var interestKinds = map[string]bool{
	"view":      true,
	"search":    true,
	"cart":      true,
	"favourite": true,
	"follow":    true,
	"share":     true,
	"checkout":  true,
	"purchase":  true,
}

// Validate checks every threshold; the error names the YAML key.
func (r Rules) Validate() error {
	type check struct {
		ok  bool
		key string
		v   any
	}
	l, v, s, t := r.Lifecycle, r.Value, r.Sentiment, r.Tags
	prob := func(p float64) bool { return p >= 0 && p <= 1 }
	checks := []check{
		{r.HalfLifeDays > 0, "half_life_days", r.HalfLifeDays},
		{l.InterestedDays > 0, "lifecycle.interested_days", l.InterestedDays},
		{
			prob(l.DormantPAlive) && l.DormantPAlive <= l.ChurnRiskPAlive,
			"lifecycle.dormant_p_alive (0 to churn_risk_p_alive)",
			l.DormantPAlive,
		},
		{prob(l.ChurnRiskPAlive), "lifecycle.churn_risk_p_alive", l.ChurnRiskPAlive},
		{
			l.ChurnRiskDays > 0 && l.ChurnRiskDays <= l.DormantDays,
			"lifecycle.churn_risk_days (1 to dormant_days)",
			l.ChurnRiskDays,
		},
		{l.LoyalWindowDays > 0, "lifecycle.loyal_window_days", l.LoyalWindowDays},
		{l.LoyalMinDays >= 2, "lifecycle.loyal_min_purchase_days (at least 2)", l.LoyalMinDays},
		{v.Months > 0 && v.Months <= 120, "lifetime_value.months (1 to 120)", v.Months},
		{
			v.MonthlyDiscount >= 0 && v.MonthlyDiscount < 1,
			"lifetime_value.monthly_discount (0 to 1)",
			v.MonthlyDiscount,
		},
		{v.Penalizer >= 0, "lifetime_value.penalizer", v.Penalizer},
		{v.MinBuyers >= 2, "lifetime_value.min_buyers (at least 2)", v.MinBuyers},
		{
			v.MinRepeatBuyers >= 2,
			"lifetime_value.min_repeat_buyers (at least 2)",
			v.MinRepeatBuyers,
		},
		{s.MinClassTexts >= 1, "sentiment.min_class_texts", s.MinClassTexts},
		{
			s.HoldoutPercent >= 0 && s.HoldoutPercent < 100,
			"sentiment.holdout_percent (0 to 99)",
			s.HoldoutPercent,
		},
		{s.MaxTexts >= 2, "sentiment.max_texts", s.MaxTexts},
		{
			t.HighValueMScore >= 1 && t.HighValueMScore <= 5,
			"tags.high_value_m_score (1 to 5)",
			t.HighValueMScore,
		},
		{prob(t.DiscountSeekerShare), "tags.discount_seeker_share", t.DiscountSeekerShare},
		{
			t.DiscountSeekerMinOrders >= 1,
			"tags.discount_seeker_min_orders",
			t.DiscountSeekerMinOrders,
		},
		{
			t.NightOwlFromHour >= 0 && t.NightOwlFromHour < 24,
			"tags.night_owl_from_hour (0 to 23)",
			t.NightOwlFromHour,
		},
		{
			t.NightOwlToHour >= 0 && t.NightOwlToHour < 24,
			"tags.night_owl_to_hour (0 to 23)",
			t.NightOwlToHour,
		},
		{prob(t.NightOwlShare), "tags.night_owl_share", t.NightOwlShare},
		{t.NightOwlMinEngagements >= 1, "tags.night_owl_min_engagements", t.NightOwlMinEngagements},
		{prob(t.WeekendShopperShare), "tags.weekend_shopper_share", t.WeekendShopperShare},
		{
			t.WeekendShopperMinOrders >= 1,
			"tags.weekend_shopper_min_orders",
			t.WeekendShopperMinOrders,
		},
		{t.ComplainerMin >= 1, "tags.complainer_min", t.ComplainerMin},
		{t.NewCustomerDays >= 1, "tags.new_customer_days", t.NewCustomerDays},
		{t.CartAbandonerDays >= 1, "tags.cart_abandoner_days", t.CartAbandonerDays},
		{
			t.PromoterRating >= 1 && t.PromoterRating <= 5,
			"tags.promoter_rating (1 to 5)",
			t.PromoterRating,
		},
		{t.PromoterMinRated >= 1, "tags.promoter_min_rated", t.PromoterMinRated},
	}
	for _, c := range checks {
		if !c.ok {
			return fmt.Errorf("%s: %v is out of range", c.key, c.v)
		}
	}
	for kind, w := range r.InterestWeights {
		if !interestKinds[kind] {
			return fmt.Errorf(
				"interest_weights: unknown kind %q (want an event type or purchase)",
				kind,
			)
		}
		if !(w >= 0) || w > 1000 {
			return fmt.Errorf("interest_weights.%s: %v, want 0 to 1000", kind, w)
		}
	}
	return nil
}

// withDefaults fills AsOf, Timezone and a zero Rules.
func (c Config) withDefaults() Config {
	if c.AsOf == "" {
		c.AsOf = c.Date
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.PurchaseTime == "" {
		c.PurchaseTime = PurchaseCreated
	}
	if reflect.ValueOf(c.Rules).IsZero() {
		c.Rules = DefaultRules()
	}
	return c
}

// Validate checks the dates, the zone and the rules (after filling the defaults). Build's DoFns
// check the same when they start, so a bad config fails the run with this error.
func (c Config) Validate() error {
	_, err := c.withDefaults().clock()
	return err
}

// clock checks the config (with its defaults filled) and returns its business calendar.
func (c Config) clock() (clock, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return clock{}, fmt.Errorf("portrait config: timezone: %w", err)
	}
	date, err := time.ParseInLocation(time.DateOnly, c.Date, loc)
	if err != nil {
		return clock{}, fmt.Errorf("portrait config: date %q: want YYYY-MM-DD", c.Date)
	}
	asOf, err := time.ParseInLocation(time.DateOnly, c.AsOf, loc)
	if err != nil {
		return clock{}, fmt.Errorf("portrait config: as-of %q: want YYYY-MM-DD", c.AsOf)
	}
	if asOf.After(date) {
		return clock{}, fmt.Errorf(
			"portrait config: as-of %s is after the run date %s",
			c.AsOf,
			c.Date,
		)
	}
	if err := c.Rules.Validate(); err != nil {
		return clock{}, fmt.Errorf("portrait rules: %w", err)
	}
	if c.PurchaseTime != "" && c.PurchaseTime != PurchaseCreated && c.PurchaseTime != PurchasePaid {
		return clock{}, fmt.Errorf(
			"portrait config: purchase time %q (created_at or paid_at)",
			c.PurchaseTime,
		)
	}
	return newClock(asOf, loc), nil
}
