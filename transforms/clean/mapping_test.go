package clean

import (
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/lookup"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

// marketplaceConfig maps a marketplace's orders: the person's id looked up from the customer id,
// the marketplace's statuses mapped onto ours, a constant channel, the total from the lines, and
// amounts in reais.
const marketplaceConfig = `
currency: BRL
lookups:
  - {name: customers, format: csv, path: c.csv, key: customer_id, value: customer_unique_id}
sources:
  - name: orders
    kind: orders
    format: csv
    path: o.csv
    columns:
      user_id: {column: customer_id, lookup: customers}
      status: {column: order_status, values: {delivered: completed, invoiced: ` +
	`paid, processing: paid,
               unavailable: cancelled, approved: paid}}
      channel: {column: ch, default: web, values: {marketplace: web}}
      total: {from_lines: true}
  - name: items
    kind: order_items
    format: csv
    path: i.csv
    columns: {line_no: order_item_id, unit_price: price, shipping: freight_value, quantity: ''}
  - name: products
    kind: products
    format: csv
    path: p.csv
    columns: {category: product_category_name, title: '', price: ''}
  - name: users
    kind: users
    format: csv
    path: u.csv
    columns: {user_id: customer_unique_id, registered_at: '', city: {column: ` +
	`customer_city, default: unknown}}
`

func marketplaceEnv(t *testing.T, source string) (*sources.Config, *env) {
	t.Helper()
	cfg, err := sources.Parse([]byte(marketplaceConfig), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := newEnv(cfg, source, Options{Date: "2026-11-21", SaltSource: salt.Sample})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, e
}

// reshapeParse applies a source's mappings with the given lookup tables, then its parser.
func reshapeParse(e *env, tables lookup.Tables, kv map[string]string) (schemas.Keyed, *fields) {
	f := &fields{rec: ingest.Record{Source: e.src.Name, Fields: kv}, env: e}
	if e.reshape != nil {
		f.rec.Fields, f.err = e.reshape.apply(f.rec, tables)
	}
	if f.err != nil {
		return nil, f
	}
	return parsers[e.src.Kind](f), f
}

func TestMarketplaceOrders(t *testing.T) {
	_, e := marketplaceEnv(t, "orders")
	tables := lookup.Tables{"customers": {"c1": "p1"}}
	base := func() map[string]string {
		return map[string]string{
			"order_id":   "o1",
			"user_id":    "c1",
			"status":     "Delivered",
			"channel":    "",
			"created_at": "2026-11-01 10:00:00",
			"paid_at":    "2026-11-01 10:05:00",
			"refund":     "1.50",
		}
	}
	row, f := reshapeParse(e, tables, base())
	o := row.(schemas.Order)
	if reason(f) != "" || o.UserID != "p1" || o.Status != "completed" || o.Channel != "web" ||
		o.TotalFen != 0 ||
		o.RefundFen != 150 {
		t.Fatalf("order = %+v, %v", o, f.err)
	}
	cases := []struct {
		change [2]string
		reason string
		detail string
	}{
		{
			[2]string{"user_id", "c9"},
			ReasonLookupMiss,
			`user_id "c9" (column customer_id) is not a key of lookup customers`,
		},
		{
			[2]string{"status", "shipped_abroad"},
			ReasonUnmapped,
			`status "shipped_abroad" is in neither`,
		},
		{[2]string{"status", "paid"}, "", ""},             // our own word needs no mapping
		{[2]string{"status", "closed"}, "", ""},           // nor does one of our synonyms
		{[2]string{"user_id", ""}, "missing_user_id", ""}, // an empty key is not looked up
	}
	for _, c := range cases {
		kv := base()
		kv[c.change[0]] = c.change[1]
		_, f := reshapeParse(e, tables, kv)
		if reason(f) != c.reason || c.detail != "" && !strings.Contains(f.err.detail, c.detail) {
			t.Errorf("%v: %+v, want %s %q", c.change, f.err, c.reason, c.detail)
		}
	}
	// An optional enum field with an unmapped word is nulled, not rejected.
	kv := base()
	kv["channel"] = "telephone"
	row, f = reshapeParse(e, tables, kv)
	if reason(f) != "" || row.(schemas.Order).Channel != "" || len(f.nulled) != 1 ||
		f.nulled[0] != "channel" {
		t.Errorf("unmapped optional channel: %+v, nulled %v, %v", row, f.nulled, f.err)
	}
}

// TestDefaultsOfOptionalFields reads lines without quantity or line number, products without
// title or price and accounts without a registration time, with amounts in reais.
func TestDefaultsOfOptionalFields(t *testing.T) {
	_, e := marketplaceEnv(t, "items")
	row, f := reshapeParse(
		e,
		nil,
		map[string]string{
			"order_id":   "o1",
			"sku":        "s1",
			"unit_price": "58.90",
			"shipping":   "13.29",
		},
	)
	i := row.(schemas.OrderItem)
	if reason(f) != "" || i.Quantity != 1 || i.LineNo != 0 || i.UnitPriceFen != 5890 ||
		i.ShippingFen != 1329 ||
		i.AmountFen != 5890 ||
		i.NaturalKey() != "o1#sku:s1" {
		t.Fatalf("line = %+v, %v", i, f.err)
	}
	row, f = reshapeParse(
		e,
		nil,
		map[string]string{"order_id": "o1", "line_no": "2", "sku": "s1", "unit_price": "1"},
	)
	if reason(f) != "" || row.(schemas.OrderItem).NaturalKey() != "o1#2" {
		t.Fatalf("numbered line = %+v, %v", row, f.err)
	}
	_, e = marketplaceEnv(t, "products")
	row, f = reshapeParse(e, nil, map[string]string{"sku": "s1", "category": "beleza_saude"})
	if p := row.(schemas.Product); reason(f) != "" || p.Title != "s1" || p.PriceFen != 0 ||
		p.Category != "beleza_saude" {
		t.Fatalf("product = %+v, %v", p, f.err)
	}
	_, e = marketplaceEnv(t, "users")
	row, f = reshapeParse(e, nil, map[string]string{"user_id": "p1", "city": " "})
	if u := row.(schemas.User); reason(f) != "" || u.RegisteredAt != 0 || u.UpdatedAt != 0 ||
		u.City != "unknown" {
		t.Fatalf("user = %+v, %v", u, f.err)
	}
}

// TestValuesMapOntoUnknownWord fails the start, naming the file, the mapping's line and the word.
func TestValuesMapOntoUnknownWord(t *testing.T) {
	text := strings.Replace(marketplaceConfig, "delivered: completed", "delivered: arrived", 1)
	cfg, err := sources.Parse([]byte(text), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = newEnv(cfg, "orders", Options{Date: "2026-11-21", SaltSource: salt.Sample})
	want := `sources config m.yaml, line 12, source "orders", column mapping of status: values: ` +
		`"delivered" maps onto "arrived", which is not a value of status (cancelled, completed, ` +
		`created, paid, refunded, shipped)`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

// TestEnumVocabulariesCoverEnumFields keeps the config's list of enum fields and the clean stage's
// vocabularies the same.
func TestEnumVocabulariesCoverEnumFields(t *testing.T) {
	for kind, fields := range sources.EnumFields {
		for field := range fields {
			if enumSynonyms[kind][field] == nil {
				t.Errorf("%s.%s: no vocabulary", kind, field)
			}
		}
	}
	for kind, fields := range enumSynonyms {
		for field := range fields {
			if !sources.EnumFields[kind][field] {
				t.Errorf("%s.%s: not listed in sources.EnumFields", kind, field)
			}
		}
	}
}

func orderText(o beam.X) string {
	order := o.(schemas.Order)
	return order.OrderID + "=" + strconv.FormatInt(order.TotalFen, 10)
}

func init() {
	register.Function1x1(orderText)
}

// TestValidateLooksUpAndTotalsFromLines runs validation with a lookup side input, then totals from
// lines on Prism: totals are the lines' amounts plus shipping, a line-less order gets 0 and is
// counted, a refund above the computed total is rejected, and a line whose product row was
// rejected says so and still counts in its order's total (the nightly sums the lines before
// their reference check).
func TestValidateLooksUpAndTotalsFromLines(t *testing.T) {
	cfg, err := sources.Parse([]byte(marketplaceConfig), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Date: "2026-11-21", SaltSource: salt.Sample}
	rec := func(source string, line int64, kv map[string]string) ingest.Record {
		return ingest.Record{Source: source, File: source + ".csv", Line: line, Fields: kv}
	}
	order := func(line int64, id, customer, refund string) ingest.Record {
		return rec(
			"orders",
			line,
			map[string]string{"order_id": id, "user_id": customer, "status": "delivered",
				"created_at": "2026-11-01 10:00:00", "refund": refund},
		)
	}
	orders := []ingest.Record{
		order(2, "o1", "c1", ""),
		order(3, "o2", "c2", ""),
		order(4, "o3", "c1", "5"),
		order(5, "o4", "c7", ""),
	}
	item := func(line int64, id, n, sku, price, freight string) ingest.Record {
		return rec(
			"items",
			line,
			map[string]string{
				"order_id":   id,
				"line_no":    n,
				"sku":        sku,
				"unit_price": price,
				"shipping":   freight,
			},
		)
	}
	items := []ingest.Record{
		item(2, "o1", "1", "s1", "10.00", "2.50"),
		item(3, "o1", "2", "s1", "10.00", "2.50"),
		item(4, "o3", "1", "s1", "1.00", "0"),
		item(5, "o1", "3", "s2", "99", "0"),
	}
	products := []ingest.Record{rec("products", 2, map[string]string{"sku": "s1", "category": "a"}),
		rec("products", 3, map[string]string{"sku": "s2", "category": ""})}
	tables := []lookup.Entry{
		{Table: "customers", Key: "c1", Value: "p1"},
		{Table: "customers", Key: "c2", Value: "p2"},
	}

	p, s := beam.NewPipelineWithRoot()
	vo, err := Validate(
		s,
		cfg,
		"orders",
		opt,
		beam.CreateList(s, orders),
		beam.CreateList(s, tables),
	)
	if err != nil {
		t.Fatal(err)
	}
	vp, err := Validate(s, cfg, "products", opt, beam.CreateList(s, products), beam.PCollection{})
	if err != nil {
		t.Fatal(err)
	}
	vi, err := Validate(s, cfg, "items", opt, beam.CreateList(s, items), beam.PCollection{})
	if err != nil {
		t.Fatal(err)
	}
	passert.Equals(s, beam.ParDo(s, rejectReason, vo.Rejects), ReasonLookupMiss)
	passert.Equals(s, beam.ParDo(s, rejectReason, vp.Rejects), "missing_category")
	ids := beam.ParDo(s, orderIDOf, beam.DropKey(s, vo.Rows))
	skus := beam.ParDo(s, skuOfProduct, beam.DropKey(s, vp.Rows))
	lines := beam.ParDo(s, asLine, beam.DropKey(s, vi.Rows))
	checked, lineRejects, _ := CheckOrderItems(
		s,
		"items",
		lines,
		ids,
		skus,
		vp.RejectedProducts,
		true,
	)
	passert.Equals(
		s,
		beam.ParDo(s, rejectDetail, lineRejects),
		`rejected_product: sku "s2" is not in the catalog: its product row was rejected `+
			`as missing_category`,
	)
	kept, dropped, rejects, counts := FromLines(s, "orders", beam.DropKey(s, vo.Rows), lines)
	passert.Equals(s, beam.ParDo(s, orderText, kept), "o1=12400", "o2=0")
	passert.Equals(s, beam.ParDo(s, rejectReason, rejects), "refund_exceeds_total")
	// o3's line follows its order out: no line outlives its order.
	followed, lineDrops, lineCounts := DropLinesOf(s, "items", checked, dropped)
	passert.Equals(s, beam.ParDo(s, lineText, followed), "o1/1", "o1/2")
	passert.Equals(s, beam.ParDo(s, rejectDetail, lineDrops),
		`rejected_order: order "o3" was rejected as refund_exceeds_total`)
	passert.Equals(s, beam.ParDo(s, countText, stats.SumPerKey(s, lineCounts)),
		"items/totals/in/=3", "items/totals/out/=2", "items/totals/rejected/rejected_order=1")
	passert.Equals(
		s,
		beam.ParDo(s, countText, stats.SumPerKey(s, counts)),
		"orders/totals/in/=3",
		"orders/totals/out/=2",
		"orders/totals/rejected/refund_exceeds_total=1",
		"orders/totals/nulled/no_lines=1",
	)
	ptest.RunAndValidate(t, p)
}

func rejectDetail(r schemas.Reject) string { return r.Reason + ": " + r.Detail }

func lineText(l schemas.OrderItem) string { return l.OrderID + "/" + strconv.Itoa(int(l.LineNo)) }

func orderIDOf(o beam.X) string { return o.(schemas.Order).OrderID }

func skuOfProduct(p beam.X) string { return p.(schemas.Product).SKU }

func asLine(l beam.X) schemas.OrderItem { return l.(schemas.OrderItem) }

func init() {
	register.Function1x1(lineText)
	register.Function1x1(rejectDetail)
	register.Function1x1(orderIDOf)
	register.Function1x1(skuOfProduct)
	register.Function1x1(asLine)
}

// TestPhoneRegion: a phone written without a country code is read in the config's phone_region
// (default CN), so a US shop's "(212) 555-0101" is +12125550101, not a Chinese number.
func TestPhoneRegion(t *testing.T) {
	for _, c := range []struct{ region, raw, want string }{
		{"", "13800138000", "+8613800138000"},
		{"US", "(212) 555-0101", "+12125550101"},
		{"US", "+86 138 0013 8000", "+8613800138000"},
		{"BR", "(11) 91234-5678", "+5511912345678"},
	} {
		yaml := "phone_region: " + c.region + "\n" + marketplaceConfig
		cfg, err := sources.Parse([]byte(yaml), "m.yaml")
		if err != nil {
			t.Fatal(err)
		}
		e, err := newEnv(cfg, "orders", Options{Date: "2026-11-21", SaltSource: salt.Sample})
		if err != nil {
			t.Fatal(err)
		}
		f := &fields{rec: ingest.Record{Source: "orders", Fields: map[string]string{"p": c.raw}},
			env: e}
		if got := f.phone("p"); got != c.want {
			t.Errorf("phone_region %q: %q read as %q, want %q", c.region, c.raw, got, c.want)
		}
	}
	if _, err := sources.Parse([]byte("phone_region: XX\n"+marketplaceConfig), "m.yaml"); err == nil ||
		!strings.Contains(err.Error(), `phone_region "XX"`) {
		t.Errorf("an unknown region: %v", err)
	}
}
