package sources

// Field is one canonical field of a record kind, which a source's column mapping points at a
// column.
type Field struct {
	Name     string
	Required bool
}

// Kinds lists the canonical fields of every record kind the clean stage understands. A source's
// `columns` maps these names to its own column (CSV header, JSON key or Parquet column).
var Kinds = map[string][]Field{
	"users": {
		{"user_id", true}, {"phone", false}, {"email", false}, {"name", false}, {"gender", false},
		{"birthday", false}, {"age", false}, {"city", false}, {"province", false},
		{"registration_channel", false}, {"registered_at", false}, {"updated_at", false},
		{"marketing_consent", false}, {"is_test", false},
	},
	"orders": {
		{"order_id", true}, {"user_id", true}, {"status", true}, {"channel", false},
		{"created_at", true}, {"paid_at", false}, {"total", true}, {"discount", false},
		{"refund", false}, {"coupon_code", false}, {"updated_at", false},
	},
	"order_items": {
		{
			"order_id",
			true,
		}, {"line_no", false}, {"sku", true}, {"quantity", false}, {"unit_price", true},
		{"shipping", false},
	},
	"products": {
		{"sku", true}, {"title", false}, {"category", true}, {"brand", false}, {"price", false},
		{"updated_at", false},
	},
	"events": {
		{"event_id", true}, {"user_id", false}, {"device_id", false}, {"anonymous_id", false},
		{"event_type", true}, {"sku", false}, {"channel", true}, {"session_id", false},
		{"event_time", true}, {"user_agent", false},
	},
	"touches": {
		{"touch_id", true}, {"user_id", true}, {"channel", true}, {"campaign_id", false},
		{"action", true}, {"touch_time", true},
	},
	"vendor": {
		{"phone_md5", false}, {"phone_sha256", false}, {"age_band", false}, {"income_band", false},
		{"interests", false}, {"city_tier", false}, {"updated_at", false},
	},
	"reviews": {
		{"review_id", true}, {"user_id", true}, {"order_id", false}, {"sku", false},
		{"rating", false}, {"text", false}, {"created_at", true},
	},
	"tickets": {
		{"ticket_id", true}, {"user_id", false}, {"phone", false}, {"name", false},
		{"category", false}, {"status", false}, {"text", false}, {"created_at", true},
		{"updated_at", false},
	},
	"site_posts": {
		{"post_id", true}, {"site", true}, {"nickname", false}, {"city", false},
		{"phone_hint", false}, {"rating", false}, {"text", false}, {"posted_at", true},
	},
}

// KindTable names the output table each kind's cleaned records go to.
var KindTable = map[string]string{
	"users": "users", "orders": "orders", "order_items": "order_items", "products": "products",
	"events": "events", "touches": "touches", "vendor": "vendor_profiles", "reviews": "reviews",
	"tickets": "tickets", "site_posts": "site_posts",
}
