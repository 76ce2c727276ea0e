package schemas

// Review is one cleaned product review (table `reviews`).
type Review struct {
	ReviewID  string `parquet:"review_id" desc:"review id"`
	UserID    string `parquet:"user_id" desc:"account that wrote the review"`
	OrderID   string `parquet:"order_id,optional" desc:"order reviewed, when given"`
	SKU       string `parquet:"sku,optional" desc:"product reviewed"`
	Rating    int32  `parquet:"rating,optional" desc:"stars, 1 to 5; null when not given"`
	Text      string `parquet:"text,optional" desc:"review text, width-folded, phones and e-mails masked"`
	CreatedAt int64  `parquet:"created_at,timestamp(microsecond)" desc:"when the review was written, UTC"`
	Source    string `parquet:"source" desc:"configured source the row came from"`

	Src Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (r Review) NaturalKey() string { return r.ReviewID }

// Version implements Keyed.
func (r Review) Version() int64 { return r.CreatedAt }

// Origin implements Keyed.
func (r Review) Origin() Origin { return r.Src }

// Ticket is one cleaned customer-service ticket (table `tickets`).
type Ticket struct {
	TicketID    string `parquet:"ticket_id" desc:"ticket id"`
	UserID      string `parquet:"user_id,optional" desc:"account, when the agent linked one"`
	PhoneHash   string `parquet:"phone_hash,optional" pii:"identifier" desc:"salted HMAC-SHA256 of the caller's E.164 phone"`
	PhoneMasked string `parquet:"phone_masked,optional" pii:"contact" desc:"caller's phone, masked"`
	Category    string `parquet:"category" desc:"complaint, return, delivery, inquiry or other"`
	Status      string `parquet:"status" desc:"open, pending or closed"`
	Text        string `parquet:"text,optional" desc:"ticket text, phones and e-mails masked"`
	CreatedAt   int64  `parquet:"created_at,timestamp(microsecond)" desc:"when the ticket was opened, UTC"`
	UpdatedAt   int64  `parquet:"updated_at,timestamp(microsecond)" desc:"last change of the ticket, UTC"`
	Source      string `parquet:"source" desc:"configured source the row came from"`

	Phone    string   `parquet:"-"` // E.164, in memory only
	Name     string   `parquet:"-"` // caller's name, in memory only
	OrderIDs []string `parquet:"-"` // order numbers the text cites, read before masking; in memory only
	Src      Origin   `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (t Ticket) NaturalKey() string { return t.TicketID }

// Version implements Keyed.
func (t Ticket) Version() int64 { return t.UpdatedAt }

// Origin implements Keyed.
func (t Ticket) Origin() Origin { return t.Src }

// SitePost is one cleaned post from a third-party review site (table `site_posts`).
type SitePost struct {
	PostID       string `parquet:"post_id" desc:"post id on the site, prefixed by the site"`
	Site         string `parquet:"site" desc:"review site"`
	NicknameHash string `parquet:"nickname_hash,optional" pii:"identifier" desc:"salted HMAC-SHA256 of the author's nickname"`
	City         string `parquet:"city,optional" desc:"city the author states"`
	PhoneHint    string `parquet:"phone_hint,optional" pii:"contact" desc:"the partial phone the site shows, as 138****5678 or ****5678"`
	Rating       int32  `parquet:"rating,optional" desc:"stars, 1 to 5"`
	Text         string `parquet:"text,optional" desc:"post text, phones and e-mails masked"`
	PostedAt     int64  `parquet:"posted_at,timestamp(microsecond)" desc:"when the post was published, UTC"`
	Source       string `parquet:"source" desc:"configured source the row came from"`

	Nickname string `parquet:"-"` // in memory only, for fuzzy matching
	Src      Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed.
func (p SitePost) NaturalKey() string { return p.PostID }

// Version implements Keyed.
func (p SitePost) Version() int64 { return p.PostedAt }

// Origin implements Keyed.
func (p SitePost) Origin() Origin { return p.Src }

// VendorProfile is one cleaned enrichment row from a data vendor (table `vendor_profiles`).
type VendorProfile struct {
	VendorKey  string   `parquet:"vendor_key" pii:"identifier" desc:"salted HMAC-SHA256 of the vendor's phone hash"`
	Vendor     string   `parquet:"vendor" desc:"vendor, as the source is named"`
	AgeBand    string   `parquet:"age_band,optional" desc:"age band such as 25-34"`
	IncomeBand string   `parquet:"income_band,optional" desc:"low, lower_middle, middle, upper_middle or high"`
	Interests  []string `parquet:"interests,list" desc:"interest tags, sorted"`
	CityTier   int32    `parquet:"city_tier,optional" desc:"city tier 1 to 5"`
	UpdatedAt  int64    `parquet:"updated_at,timestamp(microsecond)" desc:"when the vendor last changed the row, UTC"`
	Source     string   `parquet:"source" desc:"configured source the row came from"`

	PhoneMD5    string `parquet:"-"` // lower-case hex, in memory only
	PhoneSHA256 string `parquet:"-"` // lower-case hex, in memory only
	Src         Origin `parquet:"-"` // where the row was read
}

// NaturalKey implements Keyed: the vendor and its strongest phone hash.
func (v VendorProfile) NaturalKey() string {
	if v.PhoneSHA256 != "" {
		return v.Vendor + "#sha256#" + v.PhoneSHA256
	}
	return v.Vendor + "#md5#" + v.PhoneMD5
}

// Version implements Keyed.
func (v VendorProfile) Version() int64 { return v.UpdatedAt }

// Origin implements Keyed.
func (v VendorProfile) Origin() Origin { return v.Src }

func init() {
	register[Review]("reviews", "one row per product review")
	register[Ticket]("tickets", "one row per customer-service ticket, latest state")
	register[SitePost]("site_posts", "one row per third-party review-site post")
	register[VendorProfile]("vendor_profiles", "one row per vendor and phone hash, latest values")
}
