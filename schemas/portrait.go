package schemas

// Portrait is everything known about one resolved person on the run's business day (table
// `portraits`). Counts and windows ("last 7 days") end with the run day in the business zone (or
// the portrait config's as-of day, when it sets an earlier one); money is in minor units of the
// run's currency (fen for CNY), whatever the `_fen` in a name says; a field the
// person's facts cannot fill is null. An optional column stores its Go zero value as null, so the
// columns where zero is a real value (hour 0, a refund rate of 0, ordered today) are pointers.
type Portrait struct {
	// Who.
	PersonID         string   `parquet:"person_id" desc:"resolved person id (persons.person_id)"`
	PhoneMasked      string   `parquet:"phone_masked,optional" pii:"contact" desc:"the person's phone for people to read, masked: 138****5678; from the most recently updated account"`
	Accounts         int32    `parquet:"accounts" desc:"platform accounts of the person"`
	MarketingConsent bool     `parquet:"marketing_consent" desc:"true when every account of the person agreed to marketing (one refusal wins)"`
	Gender           string   `parquet:"gender,optional" desc:"female or male; from the platform account"`
	BirthYear        int32    `parquet:"birth_year,optional" desc:"year of birth from the platform account"`
	AgeBand          string   `parquet:"age_band,optional" desc:"age band such as 25-34: from the birth year when known, else from the vendor"`
	AgeBandSource    string   `parquet:"age_band_source,optional" desc:"where age_band came from: platform or the vendor source's name"`
	City             string   `parquet:"city,optional" desc:"city stated on the most recently updated account"`
	Province         string   `parquet:"province,optional" desc:"province stated on the most recently updated account"`
	CityTier         int32    `parquet:"city_tier,optional" desc:"city tier 1 to 5, from the most recently updated vendor row"`
	CityTierSource   string   `parquet:"city_tier_source,optional" desc:"vendor source that gave city_tier"`
	IncomeBand       string   `parquet:"income_band,optional" desc:"income band from the most recently updated vendor row"`
	IncomeBandSource string   `parquet:"income_band_source,optional" desc:"vendor source that gave income_band"`
	VendorInterests  []string `parquet:"vendor_interests,list" desc:"interest tags from vendors, sorted, distinct"`
	RegisteredAt     int64    `parquet:"registered_at,optional,timestamp(microsecond)" desc:"earliest registration of the person's accounts, UTC"`

	// Value.
	Orders             int32    `parquet:"orders" desc:"paid orders (paid, shipped, completed or refunded; cancelled and unpaid ones excluded)"`
	Items              int32    `parquet:"items" desc:"units bought in paid orders"`
	GMVFen             int64    `parquet:"gmv_fen" desc:"amount paid over paid orders, in minor units of the run's currency"`
	NetGMVFen          int64    `parquet:"net_gmv_fen" desc:"gmv_fen minus refunds, in minor units of the run's currency"`
	AvgOrderValueFen   *int64   `parquet:"avg_order_value_fen,optional" desc:"gmv_fen divided by orders, rounded, in minor units of the run's currency; null without orders"`
	RefundRate         *float64 `parquet:"refund_rate,optional" desc:"refunded amount divided by gmv_fen, 0 to 1; null without orders"`
	DiscountOrderShare *float64 `parquet:"discount_order_share,optional" desc:"share of paid orders with a discount, 0 to 1; null without orders"`
	CouponOrderShare   *float64 `parquet:"coupon_order_share,optional" desc:"share of paid orders that used a coupon, 0 to 1; null without orders"`
	FirstOrderAt       int64    `parquet:"first_order_at,optional,timestamp(microsecond)" desc:"first paid order, UTC"`
	LastOrderAt        int64    `parquet:"last_order_at,optional,timestamp(microsecond)" desc:"last paid order, UTC"`
	DaysSinceLastOrder *int32   `parquet:"days_since_last_order,optional" desc:"business days from the last paid order to the run day; null without orders"`

	// RFM as the lifetimes library defines it, purchases bucketed per business day.
	Frequency        float64 `parquet:"frequency" desc:"repeat purchase days: distinct days with a paid order, minus one"`
	RecencyDays      float64 `parquet:"recency_days" desc:"days from the first to the last purchase day"`
	TDays            float64 `parquet:"t_days" desc:"days from the first purchase day to the run day (lifetimes' T)"`
	MonetaryValueFen float64 `parquet:"monetary_value_fen" desc:"mean amount paid per repeat purchase day, in minor units of the run's currency; 0 without repeat days"`
	RScore           int32   `parquet:"r_score,optional" desc:"recency score 1-5 by quintile of days since the last order among buyers (5 = most recent); null for non-buyers"`
	FScore           int32   `parquet:"f_score,optional" desc:"frequency score 1-5 by quintile of purchase days among buyers (5 = most); null for non-buyers"`
	MScore           int32   `parquet:"m_score,optional" desc:"monetary score 1-5 by quintile of gmv_fen among buyers (5 = most); null for non-buyers"`
	RFMCell          string  `parquet:"rfm_cell,optional" desc:"the three scores as digits R, F, M such as 545; null for non-buyers"`

	// Interests.
	TopCategories []string `parquet:"top_categories,list" desc:"up to 3 top-level categories by time-decayed weight of views, favourites, carts and purchases (weights and half-life in the portrait config), strongest first"`
	TopBrands     []string `parquet:"top_brands,list" desc:"up to 3 brands by time-decayed weight, strongest first"`
	PriceBand     string   `parquet:"price_band,optional" desc:"low, mid or high: where the person's average unit price paid sits among the catalog's list prices (terciles)"`

	// Where and when.
	PreferredChannel   string `parquet:"preferred_channel,optional" desc:"app, web or mini_program: the channel of most events and orders"`
	BestContactWeekday int32  `parquet:"best_contact_weekday,optional" desc:"ISO weekday 1 (Monday) to 7 when the person engages and opens messages most, business zone"`
	BestContactHour    *int32 `parquet:"best_contact_hour,optional" desc:"hour 0-23 of the business zone when the person engages and opens messages most"`
	TouchesReceived7d  int32  `parquet:"touches_received_7d" desc:"marketing messages delivered (or sent, when no delivery is reported) in the last 7 days"`
	TouchesOpened7d    int32  `parquet:"touches_opened_7d" desc:"marketing messages opened or clicked in the last 7 days"`
	TouchesReceived30d int32  `parquet:"touches_received_30d" desc:"marketing messages delivered (or sent) in the last 30 days"`
	TouchesOpened30d   int32  `parquet:"touches_opened_30d" desc:"marketing messages opened or clicked in the last 30 days"`
	Unsubscribed       bool   `parquet:"unsubscribed" desc:"the person unsubscribed from a marketing channel and has not been touched since"`

	// Activity.
	ActiveDays7d      int32  `parquet:"active_days_7d" desc:"business days with an event or order in the last 7 days"`
	ActiveDays30d     int32  `parquet:"active_days_30d" desc:"business days with an event or order in the last 30 days"`
	ActiveDays90d     int32  `parquet:"active_days_90d" desc:"business days with an event or order in the last 90 days"`
	Sessions          int32  `parquet:"sessions" desc:"distinct clickstream sessions: exact up to 512, above that estimated from a 512-hash sketch (about 4% standard error)"`
	LastSeenAt        int64  `parquet:"last_seen_at,optional,timestamp(microsecond)" desc:"latest event or order, UTC"`
	DaysSinceLastSeen *int32 `parquet:"days_since_last_seen,optional" desc:"business days from last_seen_at to the run day; null when never seen"`

	// Lifecycle.
	Lifecycle string `parquet:"lifecycle" desc:"unaware, aware, interested, first_purchase, repeat, loyal, dormant or churn_risk (rules in the portrait config)"`

	// Feedback.
	Reviews        int32    `parquet:"reviews" desc:"product reviews written"`
	AvgRating      float64  `parquet:"avg_rating,optional" desc:"mean stars of the rated reviews and review-site posts, 1 to 5"`
	Sentiment      *float64 `parquet:"sentiment,optional" desc:"mean probability that the person's texts (reviews, tickets, review-site posts) are positive, 0 to 1, from the nightly text model"`
	NegativeTexts  int32    `parquet:"negative_texts" desc:"texts the model judged negative (probability below 0.5)"`
	Tickets        int32    `parquet:"tickets" desc:"customer-service tickets"`
	OpenComplaints int32    `parquet:"open_complaints" desc:"complaint tickets still open or pending"`
	SitePosts      int32    `parquet:"site_posts" desc:"third-party review-site posts matched to the person"`

	// Lifetime value (BG/NBD and Gamma-Gamma fitted each night over all buyers, days as the unit).
	PAlive               *float64 `parquet:"p_alive,optional" desc:"BG/NBD probability that the person is still an active buyer; null for non-buyers"`
	ExpectedPurchases30d *float64 `parquet:"expected_purchases_30d,optional" desc:"BG/NBD expected purchase days in the next 30 days; null for non-buyers"`
	ExpectedPurchases90d *float64 `parquet:"expected_purchases_90d,optional" desc:"BG/NBD expected purchase days in the next 90 days; null for non-buyers"`
	CLV12mFen            *int64   `parquet:"clv_12m_fen,optional" desc:"12-month discounted lifetime value in minor units of the run's currency (BG/NBD times Gamma-Gamma, lifetimes' formula); null for non-buyers"`

	// Prediction.
	Propensity30d float64 `parquet:"propensity_30d,optional" desc:"calibrated probability of at least one purchase in the next 30 days"`
	ChurnRisk     float64 `parquet:"churn_risk,optional" desc:"probability that a past buyer buys nothing in the next 30 days; null for non-buyers"`

	Tags []string `parquet:"tags,list" desc:"readable marketing tags derived from the fields above, sorted"`

	// Payment reliability, the credit grade's inputs.
	CancelledOrders int32 `parquet:"cancelled_orders" desc:"orders placed and then cancelled (status cancelled)"`
	RefundedOrders  int32 `parquet:"refunded_orders" desc:"paid orders with a refund"`
	Disputes        int32 `parquet:"disputes" desc:"complaint and return tickets, whatever their status"`

	// Scorecard: 1-5 grades by the night's global quantiles (docs/scorecards.md gives the rules).
	ContributionGrade int32 `parquet:"contribution_grade,optional" desc:"1-5 by quintile of net_gmv_fen plus clv_12m_fen among buyers (5 = the top fifth); null for non-buyers"`
	ActivityGrade     int32 `parquet:"activity_grade,optional" desc:"1-5: the rounded mean of the quintile scores of days_since_last_seen (fewer = higher) and active_days_90d among persons seen; null for persons never seen"`
	LoyaltyGrade      int32 `parquet:"loyalty_grade,optional" desc:"1-5: the rounded mean of the quintile scores of purchase days and of t_days (tenure since the first purchase) among buyers; null for non-buyers"`
	CreditGrade       int32 `parquet:"credit_grade,optional" desc:"5 without cancelled orders, refunds or disputes; else 4 to 1 by quartile of those incidents per order placed among persons with any (1 = the most); null for persons who never placed an order"`
}

func init() {
	register[Portrait](
		"portraits",
		"one row per resolved person: who, value, RFM, interests, channel and time, activity, "+
			"lifecycle, feedback, lifetime value and tags",
	)
}
