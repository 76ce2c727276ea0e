package clean

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

const testConfig = `
business_timezone: Asia/Shanghai
rules:
  bot_user_agents: ['bot', 'python-requests']
  test_email_domains: ['test.com']
  test_name_patterns: ['测试']
  test_phones: ['13800000000']
sources:
  - {name: users, kind: users, format: parquet, path: u}
  - {name: orders, kind: orders, format: parquet, path: o}
  - {name: items, kind: order_items, format: parquet, path: i}
  - {name: products, kind: products, format: parquet, path: p}
  - {name: events, kind: events, format: jsonl, path: e, timezone: Asia/Shanghai}
  - {name: touches, kind: touches, format: jsonl, path: t}
  - {name: acme, kind: vendor, format: csv, path: v}
  - {name: reviews, kind: reviews, format: jsonl, path: r}
  - {name: tickets, kind: tickets, format: csv, path: k, timezone: Asia/Shanghai}
  - {name: sites, kind: site_posts, format: jsonl, path: s}
`

func testEnv(t *testing.T, source string) *env {
	t.Helper()
	cfg, err := sources.Parse([]byte(testConfig), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := newEnv(cfg, source, Options{Date: "2026-11-21", SaltSource: salt.Sample})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// parse runs a source's parser over the given fields.
func parse(t *testing.T, source string, kv map[string]string) (schemas.Keyed, *fields) {
	t.Helper()
	e := testEnv(t, source)
	f := &fields{rec: ingest.Record{Source: source, Fields: kv}, env: e}
	return parsers[e.src.Kind](f), f
}

func reason(f *fields) string {
	if f.err == nil {
		return ""
	}
	return f.err.reason
}

func TestUsers(t *testing.T) {
	row, f := parse(t, "users", map[string]string{
		"user_id": "u1", "phone": "+86 138-0013-8000", "email": " Alice@QQ.com ", "name": "王小明",
		"gender": "女", "birthday": "1990/1/2", "age": "230", "city": "上海", "registration_channel": "小程序",
		"registered_at": "2025-01-02T03:04:05Z", "marketing_consent": "1",
	})
	u := row.(schemas.User)
	if reason(f) != "" || len(f.nulled) != 0 {
		t.Fatalf("err %v, nulled %v", f.err, f.nulled)
	}
	hash := normalize.Hash(f.env.salt, "+8613800138000")
	if u.Phone != "+8613800138000" || u.PhoneMasked != "138****8000" || u.PhoneHash != hash {
		t.Errorf("phone fields = %q %q %q", u.Phone, u.PhoneMasked, u.PhoneHash)
	}
	if u.Email != "alice@qq.com" || u.EmailHash == "" || u.Gender != "female" || u.BirthYear != 1990 ||
		u.Birthday != "1990-01-02" ||
		u.RegistrationChannel != "mini_program" ||
		!u.MarketingConsent ||
		u.UpdatedAt != u.RegisteredAt {
		t.Errorf("user = %+v", u)
	}
	if u.RegisteredAt != time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro() {
		t.Errorf("registered_at = %d", u.RegisteredAt)
	}

	row, f = parse(
		t,
		"users",
		map[string]string{"user_id": "u2", "age": "230", "phone": "12345", "gender": "robot",
			"registered_at": "2025-01-02"},
	)
	if u := row.(schemas.User); reason(f) != "" || u.BirthYear != 0 || u.Phone != "" ||
		u.Gender != "" {
		t.Errorf("impossible values kept: %+v, %v", u, f.err)
	}
	if strings.Join(f.nulled, ",") != "phone,gender,age" {
		t.Errorf("nulled = %v", f.nulled)
	}
	row, f = parse(
		t,
		"users",
		map[string]string{"user_id": "u3", "age": "36", "registered_at": "2025-01-02"},
	)
	if u := row.(schemas.User); u.BirthYear != 1990 || u.Birthday != "" || reason(f) != "" {
		t.Errorf("birth year from age = %d, birthday %q", u.BirthYear, u.Birthday)
	}
}

func TestUserRejects(t *testing.T) {
	cases := map[string]map[string]string{
		"missing_user_id": {"registered_at": "2025-01-02"},
		"test_account":    {"user_id": "u", "registered_at": "2025-01-02", "email": "qa@test.com"},
	}
	for want, kv := range cases {
		if _, f := parse(t, "users", kv); reason(f) != want {
			t.Errorf("%v: reason %q, want %q", kv, reason(f), want)
		}
	}
	// registered_at is optional: absent it stays empty, unusable it is nulled.
	for raw, nulled := range map[string]bool{"": false, "yesterday": true,
		"2026-11-22 00:00:01": true} {
		row, f := parse(t, "users", map[string]string{"user_id": "u", "registered_at": raw})
		if reason(f) != "" || row.(schemas.User).RegisteredAt != 0 ||
			slices.Contains(f.nulled, "registered_at") != nulled {
			t.Errorf("registered_at %q: %+v, nulled %v, %v", raw, row, f.nulled, f.err)
		}
	}
	for _, kv := range []map[string]string{
		{"user_id": "u", "registered_at": "2025-01-02", "name": "测试账号"},
		{"user_id": "u", "registered_at": "2025-01-02", "phone": "138 0000 0000"},
	} {
		if _, f := parse(t, "users", kv); reason(f) != "test_account" {
			t.Errorf("%v not a test account: %v", kv, f.err)
		}
	}
	// The run day ends at midnight in Asia/Shanghai: 2026-11-21 23:59 there is not in the future.
	if _, f := parse(t, "users", map[string]string{"user_id": "u",
		"registered_at": "2026-11-21T15:59:00Z"}); reason(
		f,
	) != "" {
		t.Errorf("last minute of the run day rejected: %v", f.err)
	}
}

func TestOrders(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{
			"order_id":    "o1",
			"user_id":     "u1",
			"status":      "Completed",
			"channel":     "ios",
			"created_at":  "2026-11-01 10:00:00",
			"paid_at":     "2026-11-01 10:05:00",
			"total":       "¥1,234.50",
			"discount":    "10",
			"refund":      "0.5",
			"coupon_code": " C1 ",
		}
	}
	row, f := parse(t, "orders", base())
	o := row.(schemas.Order)
	if reason(f) != "" || o.TotalFen != 123450 || o.DiscountFen != 1000 || o.RefundFen != 50 ||
		o.Status != "completed" ||
		o.Channel != "app" ||
		o.CouponCode != "C1" ||
		o.UpdatedAt != o.PaidAt {
		t.Fatalf("order = %+v, %v", o, f.err)
	}
	for want, change := range map[string][2]string{
		"negative_total":       {"total", "-5"},
		"unknown_status":       {"status", "lost"},
		"refund_exceeds_total": {"refund", "2000"},
		"future_created_at":    {"created_at", "2027-01-01"},
		"missing_user_id":      {"user_id", ""},
	} {
		kv := base()
		kv[change[0]] = change[1]
		if _, f := parse(t, "orders", kv); reason(f) != want {
			t.Errorf("%v: reason %q, want %q", change, reason(f), want)
		}
	}
}

func TestItemsAndProducts(t *testing.T) {
	row, f := parse(
		t,
		"items",
		map[string]string{
			"order_id":   "o1",
			"line_no":    "2",
			"sku":        "s1",
			"quantity":   "3",
			"unit_price": "19.9",
		},
	)
	if i := row.(schemas.OrderItem); reason(f) != "" || i.AmountFen != 5970 ||
		i.NaturalKey() != "o1#2" {
		t.Fatalf("item = %+v, %v", i, f.err)
	}
	if _, f := parse(t, "items", map[string]string{"order_id": "o1", "line_no": "1", "sku": "s1",
		"quantity": "0", "unit_price": "1"}); reason(
		f,
	) != "out_of_range_quantity" {
		t.Errorf("reason %q", reason(f))
	}
	row, f = parse(
		t,
		"products",
		map[string]string{"sku": "s1", "title": "面霜", "category": "美妆 / 护肤/面霜", "price": "99"},
	)
	if p := row.(schemas.Product); reason(f) != "" || p.Category != "美妆" ||
		p.CategoryPath != "美妆/护肤/面霜" ||
		p.PriceFen != 9900 {
		t.Fatalf("product = %+v, %v", p, f.err)
	}
}

func TestEvents(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{
			"event_id":   "e1",
			"device_id":  "d1",
			"event_type": "add_cart",
			"channel":    "mini",
			"event_time": "2026-11-20 10:00:00",
			"user_agent": "Mozilla/5.0",
		}
	}
	row, f := parse(t, "events", base())
	e := row.(schemas.Event)
	if reason(f) != "" || e.EventType != "cart" || e.Channel != "mini_program" ||
		e.EventTime != time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC).UnixMicro() {
		t.Fatalf("event = %+v, %v", e, f.err)
	}
	for want, change := range map[string][2]string{
		"bot_traffic":        {"user_agent", "python-requests/2.31"},
		"unknown_event_type": {"event_type", "teleport"},
		"no_identity":        {"device_id", ""},
	} {
		kv := base()
		kv[change[0]] = change[1]
		if _, f := parse(t, "events", kv); reason(f) != want {
			t.Errorf("%v: reason %q, want %q", change, reason(f), want)
		}
	}
}

func TestVendor(t *testing.T) {
	md5 := normalize.MD5Hex("13800138000")
	row, f := parse(
		t,
		"acme",
		map[string]string{
			"phone_md5":   strings.ToUpper(md5),
			"age_band":    "25~34",
			"income_band": "中高",
			"interests":   "旅游|美妆|旅游",
			"city_tier":   "9",
			"updated_at":  "2026/11/01 10:00:00",
		},
	)
	v := row.(schemas.VendorProfile)
	if reason(f) != "" || v.PhoneMD5 != md5 || v.AgeBand != "25-34" ||
		v.IncomeBand != "upper_middle" ||
		strings.Join(v.Interests, ",") != "旅游,美妆" || v.CityTier != 0 ||
		v.VendorKey == "" ||
		v.NaturalKey() != "acme#md5#"+md5 {
		t.Fatalf("vendor = %+v, %v", v, f.err)
	}
	if strings.Join(f.nulled, ",") != "city_tier" {
		t.Errorf("nulled %v", f.nulled)
	}
	if _, f := parse(t, "acme", map[string]string{"phone_md5": "xyz"}); reason(
		f,
	) != "missing_phone_hash" {
		t.Errorf("reason %q", reason(f))
	}
}

func TestFeedback(t *testing.T) {
	row, f := parse(
		t,
		"reviews",
		map[string]string{"review_id": "r1", "user_id": "u1", "rating": "7",
			"text": "很好，联系我 13800138000", "created_at": "2026-11-20 14:03:05"},
	)
	r := row.(schemas.Review)
	if reason(f) != "" || r.Rating != 0 || strings.Contains(r.Text, "13800138000") {
		t.Fatalf("review = %+v, %v", r, f.err)
	}
	row, f = parse(
		t,
		"tickets",
		map[string]string{"ticket_id": "k1", "phone": "１３８００１３８０００", "name": "张三",
			"category": "投诉", "status": "已解决", "created_at": "20261120 140305",
			"text": "订单号：202611160006856039，还没发货"},
	)
	k := row.(schemas.Ticket)
	if reason(f) != "" || k.Phone != "+8613800138000" || k.Category != "complaint" ||
		k.Status != "closed" ||
		k.PhoneMasked != "138****8000" {
		t.Fatalf("ticket = %+v, %v", k, f.err)
	}
	// The order number is read before masking, which takes an 18-digit number for a resident ID.
	if !slices.Equal(k.OrderIDs, []string{"202611160006856039"}) {
		t.Errorf("ticket order ids %q (text %q)", k.OrderIDs, k.Text)
	}
	row, f = parse(
		t,
		"sites",
		map[string]string{"post_id": "9", "site": "Dianping", "nickname": "Xiao Ming",
			"phone_hint": "尾号5678", "rating": "2", "posted_at": "2026-11-20 14:03"},
	)
	p := row.(schemas.SitePost)
	if reason(f) != "" || p.PostID != "dianping:9" || p.PhoneHint != "****5678" ||
		p.NicknameHash == "" ||
		p.Rating != 2 {
		t.Fatalf("post = %+v, %v", p, f.err)
	}
}

func TestLaterIsOrderIndependent(t *testing.T) {
	a := schemas.User{UserID: "u", UpdatedAt: 2, Src: schemas.Origin{File: "a", Line: 9}}
	b := schemas.User{UserID: "u", UpdatedAt: 2, Src: schemas.Origin{File: "b", Line: 1}}
	c := schemas.User{UserID: "u", UpdatedAt: 3, Src: schemas.Origin{File: "a", Line: 1}}
	if !schemas.Later(b, a) || schemas.Later(a, b) || !schemas.Later(c, b) {
		t.Fatal("Later does not order by version, then file, then line")
	}
	// A line of a later split or row group comes after a higher line counted from an earlier one.
	early := schemas.Event{EventID: "e", Src: schemas.Origin{File: "f", Offset: 0, Line: 900}}
	late := schemas.Event{EventID: "e", Src: schemas.Origin{File: "f", Offset: 1 << 26, Line: 2}}
	group2 := schemas.Event{EventID: "e", Src: schemas.Origin{File: "f", RowGroup: 2, Line: 1}}
	if !schemas.Later(late, early) || schemas.Later(early, late) || !schemas.Later(group2, late) {
		t.Fatal("Later does not order splits and row groups")
	}
}
