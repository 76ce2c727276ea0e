package clean

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// parser turns one record's fields into a cleaned row of its kind, stamped with its source and
// where it was read (the tie-break of deduplication).
type parser func(f *fields) schemas.Keyed

// parsers holds the parser of every kind in sources.Kinds.
var parsers = map[string]parser{
	"users":       parseUser,
	"orders":      parseOrder,
	"order_items": parseOrderItem,
	"products":    parseProduct,
	"events":      parseEvent,
	"touches":     parseTouch,
	"vendor":      parseVendor,
	"reviews":     parseReview,
	"tickets":     parseTicket,
	"site_posts":  parseSitePost,
}

func parseUser(f *fields) schemas.Keyed {
	u := schemas.User{
		Source: f.rec.Source, Src: f.rec.Origin(),
		UserID:              f.required("user_id"),
		Phone:               f.phone("phone"),
		Email:               f.email("email"),
		Name:                f.str("name"),
		Gender:              f.enum("gender", normalize.Genders, false),
		City:                f.str("city"),
		Province:            normalize.Province(f.str("province")),
		RegistrationChannel: f.enum("registration_channel", normalize.Channels, false),
		RegisteredAt:        f.time("registered_at", false),
		UpdatedAt:           f.time("updated_at", false),
	}
	if u.UpdatedAt == 0 {
		u.UpdatedAt = u.RegisteredAt
	}
	u.BirthYear, u.Birthday = birth(f)
	if raw := f.str("marketing_consent"); raw != "" {
		consent, err := normalize.Bool(raw)
		if err != nil {
			f.null("marketing_consent")
		}
		u.MarketingConsent = consent
	}
	u.PhoneHash, u.PhoneMasked = f.hash(u.Phone), normalize.MaskPhone(u.Phone)
	u.EmailHash = f.hash(u.Email)
	if reason := f.env.rules.testAccount(u); reason != "" && f.err == nil {
		f.fail("test_account", "test account: %s", reason)
	}
	return u
}

// birth returns the birth year and the birthday (YYYY-MM-DD, "" when not stated): the year comes
// from the birthday, else from the stated age at the run date; impossible values (before 1900, in
// the future, an age over 120) are dropped.
func birth(f *fields) (year int32, birthday string) {
	runYear := int64(f.env.runDate.Year())
	if raw := f.str("birthday"); raw != "" {
		y, m, d, err := normalize.Date(raw)
		if err == nil && y >= 1900 && int64(y) <= runYear {
			return int32(y), fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		}
		f.null("birthday")
	}
	if raw := f.str("age"); raw != "" {
		age := f.integer("age", false, 0, 120)
		if age > 0 {
			return int32(runYear - age), ""
		}
	}
	return 0, ""
}

func parseOrder(f *fields) schemas.Keyed {
	o := schemas.Order{
		Source: f.rec.Source, Src: f.rec.Origin(),
		OrderID:     f.required("order_id"),
		UserID:      f.required("user_id"),
		Status:      f.enum("status", normalize.OrderStatuses, true),
		Channel:     f.enum("channel", normalize.Channels, false),
		CreatedAt:   f.time("created_at", true),
		PaidAt:      f.time("paid_at", false),
		DiscountFen: f.money("discount", false),
		RefundFen:   f.money("refund", false),
		CouponCode:  f.str("coupon_code"),
		UpdatedAt:   f.time("updated_at", false),
	}
	if o.UpdatedAt == 0 {
		o.UpdatedAt = max(o.CreatedAt, o.PaidAt)
	}
	// A total from lines is computed once the lines are cleaned (FromLines), and checked there.
	if !f.env.src.Mappings["total"].FromLines {
		o.TotalFen = f.money("total", true)
		if err := CheckRefund(o); err != nil {
			f.fail(err.reason, "%s", err.detail)
		}
	}
	if o.PaidAt != 0 && o.PaidAt < o.CreatedAt {
		f.null("paid_at")
		o.PaidAt = 0
	}
	return o
}

// parseOrderItem reads an order line. Without a line number the line is known by its order and
// product; without a quantity it is one unit.
func parseOrderItem(f *fields) schemas.Keyed {
	i := schemas.OrderItem{
		Source: f.rec.Source, Src: f.rec.Origin(),
		OrderID:      f.required("order_id"),
		LineNo:       int32(f.integer("line_no", false, 1, 10000)),
		SKU:          f.required("sku"),
		Quantity:     1,
		UnitPriceFen: f.money("unit_price", true),
		ShippingFen:  f.money("shipping", false),
	}
	if _, given := f.present("quantity", false); given {
		i.Quantity = int32(f.integer("quantity", true, 1, 100000))
	}
	i.AmountFen = int64(i.Quantity) * i.UnitPriceFen
	return i
}

func parseProduct(f *fields) schemas.Keyed {
	p := schemas.Product{
		Source: f.rec.Source, Src: f.rec.Origin(),
		SKU:       f.required("sku"),
		Title:     f.str("title"),
		Brand:     f.str("brand"),
		PriceFen:  f.money("price", false),
		UpdatedAt: f.time("updated_at", false),
	}
	if p.Title == "" {
		p.Title = p.SKU // a catalog without titles still names its products
	}
	path := strings.FieldsFunc(
		f.str("category"),
		func(r rune) bool { return strings.ContainsRune("/>|＞", r) },
	)
	for i := range path {
		path[i] = strings.TrimSpace(path[i])
	}
	if len(path) == 0 || path[0] == "" {
		f.fail("missing_category", "category is empty")
		return p
	}
	p.Category, p.CategoryPath = path[0], strings.Join(path, "/")
	return p
}

func parseEvent(f *fields) schemas.Keyed {
	e := schemas.Event{
		Source: f.rec.Source, Src: f.rec.Origin(),
		EventID:     f.required("event_id"),
		UserID:      f.str("user_id"),
		DeviceID:    f.str("device_id"),
		AnonymousID: f.str("anonymous_id"),
		EventType:   f.enum("event_type", normalize.EventTypes, true),
		SKU:         f.str("sku"),
		Channel:     f.enum("channel", normalize.Channels, true),
		SessionID:   f.str("session_id"),
		EventTime:   f.time("event_time", true),
	}
	// The user agent serves the bot rules only: the event does not carry it on.
	if f.env.rules.bot(f.rec.Fields["user_agent"]) {
		// Bot traffic is the reason that matters, whatever else is wrong with the event.
		f.err = &invalid{reason: "bot_traffic", detail: "user agent matches a bot rule"}
	}
	if e.UserID == "" && e.DeviceID == "" && e.AnonymousID == "" {
		f.fail("no_identity", "event has no user, device or anonymous id")
	}
	e.DeviceKey = f.identifierHash(identity.Device, e.DeviceID)
	e.CookieKey = f.identifierHash(identity.Anonymous, e.AnonymousID)
	return e
}

func parseTouch(f *fields) schemas.Keyed {
	return schemas.Touch{
		Source: f.rec.Source, Src: f.rec.Origin(),
		TouchID:    f.required("touch_id"),
		UserID:     f.required("user_id"),
		Channel:    f.enum("channel", normalize.TouchChannels, true),
		CampaignID: f.str("campaign_id"),
		Action:     f.enum("action", normalize.TouchActions, true),
		TouchTime:  f.time("touch_time", true),
	}
}

var ageBandRE = regexp.MustCompile(`^(\d{1,3})\s*[-~至]\s*(\d{1,3})$|^(\d{1,3})\s*(\+|岁以上|以上)$`)

func parseVendor(f *fields) schemas.Keyed {
	v := schemas.VendorProfile{
		Source: f.rec.Source, Src: f.rec.Origin(),
		Vendor:      f.env.src.Name,
		PhoneMD5:    hexHash(f, "phone_md5", 32),
		PhoneSHA256: hexHash(f, "phone_sha256", 64),
		IncomeBand:  f.enum("income_band", normalize.IncomeBands, false),
		Interests:   f.list("interests"),
		CityTier:    int32(f.integer("city_tier", false, 1, 5)),
		UpdatedAt:   f.time("updated_at", false),
	}
	if v.PhoneMD5 == "" && v.PhoneSHA256 == "" {
		f.fail("missing_phone_hash", "neither phone_md5 nor phone_sha256 holds a hash")
	}
	if band := strings.ReplaceAll(f.str("age_band"), " ", ""); band != "" {
		m := ageBandRE.FindStringSubmatch(band)
		switch {
		case m == nil:
			f.null("age_band")
		case m[3] != "":
			v.AgeBand = m[3] + "+"
		default:
			v.AgeBand = m[1] + "-" + m[2]
		}
	}
	key := v.PhoneSHA256
	if key == "" {
		key = "md5:" + v.PhoneMD5
	}
	v.VendorKey = f.hash(key)
	return v
}

// hexHash reads a lower-cased hex digest of the given length, dropping anything else.
func hexHash(f *fields, name string, length int) string {
	v := strings.ToLower(f.str(name))
	if v == "" {
		return ""
	}
	if _, err := hex.DecodeString(v); err != nil || len(v) != length {
		f.null(name)
		return ""
	}
	return v
}

// rating reads 1-5 stars; other values are dropped.
func rating(f *fields, name string) int32 { return int32(f.integer(name, false, 1, 5)) }

func parseReview(f *fields) schemas.Keyed {
	return schemas.Review{
		Source: f.rec.Source, Src: f.rec.Origin(),
		ReviewID:  f.required("review_id"),
		UserID:    f.required("user_id"),
		OrderID:   f.str("order_id"),
		SKU:       f.str("sku"),
		Rating:    rating(f, "rating"),
		Text:      f.text("text"),
		CreatedAt: f.time("created_at", true),
	}
}

func parseTicket(f *fields) schemas.Keyed {
	t := schemas.Ticket{
		Source: f.rec.Source, Src: f.rec.Origin(),
		TicketID:  f.required("ticket_id"),
		UserID:    f.str("user_id"),
		Phone:     f.phone("phone"),
		Name:      f.str("name"),
		Category:  f.enum("category", normalize.TicketCategories, false),
		Status:    f.enum("status", normalize.TicketStatuses, false),
		Text:      f.text("text"),
		OrderIDs:  normalize.OrderRefs(f.str("text")),
		CreatedAt: f.time("created_at", true),
		UpdatedAt: f.time("updated_at", false),
	}
	if t.Category == "" {
		t.Category = "other"
	}
	if t.Status == "" {
		t.Status = "open"
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	t.PhoneHash, t.PhoneMasked = f.hash(t.Phone), normalize.MaskPhone(t.Phone)
	return t
}

func parseSitePost(f *fields) schemas.Keyed {
	p := schemas.SitePost{
		Source: f.rec.Source, Src: f.rec.Origin(),
		Site:     strings.ToLower(f.required("site")),
		Nickname: f.str("nickname"),
		City:     f.str("city"),
		Rating:   rating(f, "rating"),
		Text:     f.text("text"),
		PostedAt: f.time("posted_at", true),
	}
	p.PostID = p.Site + ":" + f.required("post_id")
	if raw := f.str("phone_hint"); raw != "" {
		hint, err := normalize.PhoneHint(raw)
		if err != nil {
			f.null("phone_hint")
		}
		p.PhoneHint = hint
	}
	p.NicknameHash = f.hash(strings.ToLower(p.Nickname))
	return p
}

// dayEnd is the first instant after the given business day in loc, in micros.
func dayEnd(day time.Time, loc *time.Location) int64 {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc).UnixMicro()
}
