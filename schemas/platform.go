package schemas

// User is one cleaned platform account (table `users`).
type User struct {
	UserID              string `parquet:"user_id" desc:"platform account id"`
	PhoneHash           string `parquet:"phone_hash,optional" pii:"identifier" desc:"salted HMAC-SHA256 of the E.164 phone"`
	PhoneMasked         string `parquet:"phone_masked,optional" pii:"contact" desc:"phone for people to read, masked: 138****5678"`
	EmailHash           string `parquet:"email_hash,optional" pii:"identifier" desc:"salted HMAC-SHA256 of the normalised e-mail"`
	Gender              string `parquet:"gender,optional" desc:"female, male, or null when unknown"`
	BirthYear           int32  `parquet:"birth_year,optional" desc:"year of birth, from the birthday or the stated age; null when absent or impossible"`
	City                string `parquet:"city,optional" desc:"city as stated on the account, width-folded and trimmed"`
	Province            string `parquet:"province,optional" desc:"province stated on the account, by its short name (广东 for 广东省 and 广东)"`
	RegistrationChannel string `parquet:"registration_channel,optional" desc:"app, web or mini_program"`
	RegisteredAt        int64  `parquet:"registered_at,optional,timestamp(microsecond)" desc:"account creation time, UTC; null when the source gives none"`
	UpdatedAt           int64  `parquet:"updated_at,optional,timestamp(microsecond)" desc:"last change of the account row (registered_at when not given), UTC"`
	MarketingConsent    bool   `parquet:"marketing_consent" desc:"the person agreed to receive marketing"`
	Source              string `parquet:"source" desc:"configured source the row came from"`

	Phone    string `parquet:"-"` // E.164, in memory only
	Email    string `parquet:"-"` // normalised e-mail, in memory only
	Name     string `parquet:"-"` // display name, in memory only
	Birthday string `parquet:"-"` // YYYY-MM-DD when stated, in memory only (identity matching)
	Src      Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (u User) NaturalKey() string { return u.UserID }

// Version implements Keyed.
func (u User) Version() int64 { return u.UpdatedAt }

// Origin implements Keyed.
func (u User) Origin() Origin { return u.Src }

// Order is one cleaned order header (table `orders`).
type Order struct {
	OrderID     string `parquet:"order_id" desc:"order id"`
	UserID      string `parquet:"user_id" desc:"account that placed the order"`
	Status      string `parquet:"status" desc:"created, paid, shipped, completed, cancelled or refunded"`
	Channel     string `parquet:"channel,optional" desc:"app, web or mini_program"`
	CreatedAt   int64  `parquet:"created_at,timestamp(microsecond)" desc:"order placement time, UTC"`
	PaidAt      int64  `parquet:"paid_at,optional,timestamp(microsecond)" desc:"payment time, UTC; null when unpaid"`
	TotalFen    int64  `parquet:"total_fen" desc:"amount paid, after discounts, in minor units of the run's currency (fen for CNY)"`
	DiscountFen int64  `parquet:"discount_fen" desc:"discount granted, in minor units of the run's currency"`
	RefundFen   int64  `parquet:"refund_fen" desc:"amount refunded, in minor units of the run's currency"`
	CouponCode  string `parquet:"coupon_code,optional" desc:"coupon used, null when none"`
	UpdatedAt   int64  `parquet:"updated_at,timestamp(microsecond)" desc:"last change of the order row, UTC"`
	Source      string `parquet:"source" desc:"configured source the row came from"`

	Src Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (o Order) NaturalKey() string { return o.OrderID }

// Version implements Keyed.
func (o Order) Version() int64 { return o.UpdatedAt }

// Origin implements Keyed.
func (o Order) Origin() Origin { return o.Src }

// OrderItem is one cleaned order line (table `order_items`).
type OrderItem struct {
	OrderID      string `parquet:"order_id" desc:"order the line belongs to"`
	LineNo       int32  `parquet:"line_no" desc:"line number within the order; 0 when the source gives none (the line is then known by its product)"`
	SKU          string `parquet:"sku" desc:"product sold"`
	Quantity     int32  `parquet:"quantity" desc:"units sold"`
	UnitPriceFen int64  `parquet:"unit_price_fen" desc:"price of one unit, in minor units of the run's currency"`
	AmountFen    int64  `parquet:"amount_fen" desc:"quantity times unit price, in minor units of the run's currency"`
	ShippingFen  int64  `parquet:"shipping_fen" desc:"freight charged for the line, in minor units of the run's currency; 0 when not given"`
	Source       string `parquet:"source" desc:"configured source the row came from"`

	Src Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed: the order and the line number, or the product for a source that
// numbers no lines.
func (i OrderItem) NaturalKey() string {
	if i.LineNo == 0 {
		return i.OrderID + "#sku:" + i.SKU
	}
	return i.OrderID + "#" + itoa(int64(i.LineNo))
}

// Version implements Keyed: order lines carry no update time, so the later origin wins.
func (i OrderItem) Version() int64 { return 0 }

// Origin implements Keyed.
func (i OrderItem) Origin() Origin { return i.Src }

// Product is one cleaned catalog entry (table `products`).
type Product struct {
	SKU          string `parquet:"sku" desc:"stock keeping unit"`
	Title        string `parquet:"title" desc:"product title, width-folded; the SKU when the source gives none"`
	Category     string `parquet:"category" desc:"top-level category"`
	CategoryPath string `parquet:"category_path" desc:"full category path, levels joined by /"`
	Brand        string `parquet:"brand,optional" desc:"brand"`
	PriceFen     int64  `parquet:"price_fen" desc:"list price, in minor units of the run's currency; 0 when the source gives none"`
	UpdatedAt    int64  `parquet:"updated_at,timestamp(microsecond)" desc:"last change of the catalog row, UTC"`
	Source       string `parquet:"source" desc:"configured source the row came from"`

	Src Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (p Product) NaturalKey() string { return p.SKU }

// Version implements Keyed.
func (p Product) Version() int64 { return p.UpdatedAt }

// Origin implements Keyed.
func (p Product) Origin() Origin { return p.Src }

// Event is one cleaned clickstream event (table `events`).
type Event struct {
	EventID   string `parquet:"event_id" desc:"event id; replays share it"`
	UserID    string `parquet:"user_id,optional" desc:"logged-in account, null when anonymous"`
	DeviceKey string `parquet:"device_id,optional" desc:"device id of the app or mini program as a salted HMAC-SHA256, identity_map's id_hash of the device: devices can be counted, never seen"`
	CookieKey string `parquet:"anonymous_id,optional" desc:"cookie id of the web visitor as a salted HMAC-SHA256, identity_map's id_hash of the cookie"`
	EventType string `parquet:"event_type" desc:"view, search, cart, favourite, follow, share, login or checkout"`
	SKU       string `parquet:"sku,optional" desc:"product concerned, null when none"`
	Channel   string `parquet:"channel" desc:"app, web or mini_program"`
	SessionID string `parquet:"session_id,optional" desc:"session id as sent by the client"`
	EventTime int64  `parquet:"event_time,timestamp(microsecond)" desc:"when the event happened, UTC"`
	Source    string `parquet:"source" desc:"configured source the row came from"`

	DeviceID    string `parquet:"-"` // device id as sent, in memory only (identity resolution)
	AnonymousID string `parquet:"-"` // cookie id as sent, in memory only (identity resolution)
	Src         Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (e Event) NaturalKey() string { return e.EventID }

// Version implements Keyed: replays are identical, so the later origin wins.
func (e Event) Version() int64 { return 0 }

// Origin implements Keyed.
func (e Event) Origin() Origin { return e.Src }

// Touch is one cleaned marketing touch (table `touches`).
type Touch struct {
	TouchID    string `parquet:"touch_id" desc:"touch id"`
	UserID     string `parquet:"user_id" desc:"account touched"`
	Channel    string `parquet:"channel" desc:"push, sms or email"`
	CampaignID string `parquet:"campaign_id,optional" desc:"campaign the touch belongs to"`
	Action     string `parquet:"action" desc:"send, deliver, open, click, bounce or unsubscribe"`
	TouchTime  int64  `parquet:"touch_time,timestamp(microsecond)" desc:"when the action happened, UTC"`
	Source     string `parquet:"source" desc:"configured source the row came from"`

	Src Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (t Touch) NaturalKey() string { return t.TouchID }

// Version implements Keyed.
func (t Touch) Version() int64 { return t.TouchTime }

// Origin implements Keyed.
func (t Touch) Origin() Origin { return t.Src }

func init() {
	register[User]("users", "one row per platform account, personal data hashed or masked")
	register[Order]("orders", "one row per order, money in minor units of the run's currency")
	register[OrderItem]("order_items", "one row per order line whose order exists")
	register[Product]("products", "one row per catalog product")
	register[Event](
		"events",
		"one row per clickstream event, bots and test accounts removed, replays dropped",
	)
	register[Touch]("touches", "one row per marketing touch action")
}
