package sources

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestSampleTemplateParses(t *testing.T) {
	cfg, err := Load("../../pipelines/sampledata/sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 10 || cfg.BusinessTimezone != "Asia/Shanghai" {
		t.Fatalf("got %d sources, zone %q", len(cfg.Sources), cfg.BusinessTimezone)
	}
	v, ok := cfg.Lookup("vendor_acme")
	if !ok || v.Encoding != "gbk" || v.Column("phone_md5") != "手机号MD5" || v.Line == 0 ||
		v.SplitBytes != DefaultSplitBytes {
		t.Fatalf("vendor source = %+v", v)
	}
	e, _ := cfg.Lookup("events")
	if !e.Gzip || e.MoneyUnit != MoneyMajor {
		t.Fatalf("events source = %+v", e)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]string{
		"sources: []": "no sources",
		"sources:\n  - {name: a, kind: nope, format: csv, path: x}": `line 2, source "a": ` +
			`unknown kind "nope"`,
		"sources:\n  - {name: a, kind: users, format: xml, path: x}": `unknown ` +
			`format "xml"`,
		"sources:\n  - {name: a, kind: users, format: jsonl, path: x, encoding: gbk}": "encoding gbk " +
			"is supported for csv only",
		"sources:\n  - {name: a, kind: users, format: csv, path: x}\n" +
			"  - {name: a, kind: users, format: csv, path: y}": "name already used at line 2",
		"sources:\n" +
			"  - {name: a, kind: users, format: csv, path: x, columns: {shoe_size: s}}": `"shoe_size" is ` +
			`not a field of kind users`,
		"sources:\n" +
			"  - {name: a, kind: users, format: csv, path: x, timezone: Mars/Base}": "timezone",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, colour: red}": "field " +
			"colour not found",
		"rules: {bot_user_agents: ['(']}\nsources:\n" +
			"  - {name: a, kind: users, format: csv, path: x}": "rules",
		"sources:\n" +
			"  - {name: a, kind: users, format: csv, path: x, max_reject_rate: 1.5}": "max_reject_rate " +
			"1.5: want a share from 0 to 1",
		"sources:\n" +
			"  - {name: a, kind: users, format: csv, path: x, max_reject_rate: -0.1}": "max_reject_rate " +
			"-0.1",
		"sources:\n" +
			"  - {name: a, kind: users, format: csv, path: x, max_reject_rate: .nan}": "max_reject_rate NaN",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, max_reject_rate: lots}": "line " +
			"2: cannot unmarshal",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, min_rows: -1}": "min_rows " +
			"-1: want 0 or more",
	}
	for text, want := range cases {
		_, err := Parse([]byte(text), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "s.yaml") {
			t.Errorf("%q: err = %v, want it to contain %q and the file", text, err, want)
		}
	}
}

func TestUnmappedFieldsDefaultToTheirName(t *testing.T) {
	cfg, err := Parse(
		[]byte(
			"sources:\n"+
				"  - {name: a, kind: touches, format: jsonl, path: x, columns: {touch_id: "+
				"id, campaign_id: ''}}",
		),
		"s.yaml",
	)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	if s.Column("touch_id") != "id" || s.Column("user_id") != "user_id" ||
		s.Column("campaign_id") != "" {
		t.Fatalf("columns = %v", s.Columns)
	}
}

// TestGateDefaults gives every source the default gates unless it sets its own: a fifth of its
// records rejected at most, and at least one row when the source is required.
func TestGateDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`sources:
  - {name: a, kind: touches, format: jsonl, path: x}
  - {name: b, kind: touches, format: jsonl, path: y, optional: true}
  - {name: c, kind: touches, format: jsonl, path: z, max_reject_rate: 0, min_rows: 500, `+
		`columns: {touch_id: id}}
`), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rate    float64
		minimum int64
	}{{DefaultMaxRejectRate, 1}, {DefaultMaxRejectRate, 0}, {0, 500}}
	for i, w := range want {
		s := cfg.Sources[i]
		if got, min := s.RejectRateLimit(), s.RowsMinimum(); got != w.rate || min != w.minimum {
			t.Errorf(
				"source %s: max_reject_rate %v, min_rows %d; want %v and %d",
				s.Name,
				got,
				min,
				w.rate,
				w.minimum,
			)
		}
	}
	if c := cfg.Sources[2]; !c.Declared["touch_id"] || c.Declared["user_id"] {
		t.Errorf(
			"declared fields %v, want touch_id only (user_id defaults to its own name)",
			c.Declared,
		)
	}
}

// orders is a config of one orders source with the given column mappings, and a lookup table.
func orders(columns string) string {
	return "lookups:\n" +
		"  - {name: customers, format: csv, path: c.csv, key: customer_id, value: customer_unique_id}\n" +
		"sources:\n  - name: o\n    kind: orders\n    format: csv\n    path: o.csv\n    columns:\n" +
		columns
}

func TestMappingErrorsNameFileAndLine(t *testing.T) {
	cases := map[string]string{
		"      user_id: {column: cid, lookup: clients}\n": `line 9, source "o", column mapping of ` +
			`user_id: lookup "clients" is not among the config's lookups (declared: customers)`,
		"      total: {column: t, values: {a: b}}\n": `line 9, source "o", column mapping of total: a ` +
			`values map needs a field with a fixed vocabulary, and total is not one (those of kind ` +
			`orders: channel, status)`,
		"      status: {value: paid, column: s}\n": "line 9, source \"o\", column mapping of status: " +
			"value is a constant",
		"      user_id: {from_lines: true}\n": "only the total of an " +
			"orders source takes it",
		"      status: {column: s, values: {a: b}, lookup: customers}\n": "values and lookup " +
			"cannot both be given",
		"      status: {default: paid}\n": "default, values and " +
			"lookup need the column",
		"      status: {column: s, colour: red}\n": `line 9: unknown key "colour" ` +
			`in a column mapping`,
		"      status: [a, b]\n": "a column is " +
			"a name or a mapping",
		"      channel: web\n    skip_when_empty: [shoe]\n": `skip_when_empty: "shoe" is not a ` +
			`field of kind orders`,
	}
	for columns, want := range cases {
		_, err := Parse([]byte(orders(columns)), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "s.yaml") {
			t.Errorf("%q: err = %v, want it to contain %q and the file", columns, err, want)
		}
	}
}

func TestMappingsReshape(t *testing.T) {
	cfg, err := Parse([]byte(orders(`      user_id: {column: customer_id, lookup: customers}
      status: {column: order_status, default: created, values: {delivered: `+
		`completed, invoiced: paid}}
      total: {from_lines: true}
      channel: {value: web}
      coupon_code: ''
`)), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	if s.Column("user_id") != "customer_id" || s.Column("total") != "" ||
		s.Column("channel") != "" ||
		s.Column("coupon_code") != "" ||
		s.Column("paid_at") != "paid_at" ||
		s.Column("status") != "order_status" {
		t.Fatalf("columns = %v", s.Columns)
	}
	if m := s.Mappings["status"]; *m.Default != "created" || m.Values["delivered"] != "completed" ||
		m.Line != 10 {
		t.Fatalf("status mapping = %+v", m)
	}
	if m := s.Mappings["channel"]; m.Value == nil || *m.Value != "web" || !m.Reshapes() {
		t.Fatalf("channel mapping = %+v", m)
	}
	required := map[string]bool{}
	for _, f := range s.Fields() {
		required[f.Name] = f.Required
	}
	// A total from lines and a status with a default need no column; the user id still does.
	if required["total"] || required["status"] || !required["user_id"] || !required["order_id"] {
		t.Fatalf("required for reading = %v", required)
	}
	l, ok := cfg.Table("customers")
	if !ok || l.Line != 2 || l.Encoding != "utf-8" {
		t.Fatalf("lookup = %+v", l)
	}
	ls := l.Source()
	if ls.Name != "lookup:customers" || ls.Kind != KindLookup ||
		ls.Column("key") != "customer_id" ||
		len(ls.Fields()) != 2 ||
		ls.SplitBytes != DefaultSplitBytes {
		t.Fatalf("lookup source = %+v", ls)
	}
}

func TestCurrencyAndPurchaseTime(t *testing.T) {
	base := "sources:\n  - {name: a, kind: users, format: csv, path: x}\n"
	cfg, err := Parse([]byte(base), "s.yaml")
	if err != nil || cfg.Currency != "CNY" || cfg.MinorDigits() != 2 ||
		cfg.PurchaseTime != PurchaseCreated {
		t.Fatalf("defaults: %v %+v", err, cfg)
	}
	for text, want := range map[string][2]any{"currency: brl\n": {"BRL", 2},
		"currency: JPY\n": {"JPY", 0},
		"currency: BHD\n": {"BHD", 3}} {
		cfg, err := Parse([]byte(text+base), "s.yaml")
		if err != nil || cfg.Currency != want[0] || cfg.MinorDigits() != want[1] {
			t.Errorf(
				"%q: %v, currency %q with %d digits",
				text,
				err,
				cfg.Currency,
				cfg.MinorDigits(),
			)
		}
	}
	for text, want := range map[string]string{
		"currency: ZZZ\n":             `currency "ZZZ": not an ISO 4217 code`,
		"purchase_time: shipped_at\n": `purchase_time "shipped_at" (created_at or paid_at)`} {
		if _, err := Parse([]byte(text+base), "s.yaml"); err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", text, err, want)
		}
	}
	for unit, want := range map[string]string{"yuan": MoneyMajor, "fen": MoneyMinor,
		"major": MoneyMajor, "": MoneyMajor} {
		cfg, err := Parse(
			[]byte(
				"sources:\n  - {name: a, kind: users, format: csv, path: x, money_unit: '"+unit+"'}\n",
			),
			"s.yaml",
		)
		if err != nil || cfg.Sources[0].MoneyUnit != want {
			t.Errorf("money_unit %q: %v, got %q", unit, err, cfg.Sources[0].MoneyUnit)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	src := "sources:\n  - {name: a, kind: users, format: csv, path: x}\n"
	cases := map[string]string{
		"lookups:\n  - {name: c, format: xml, path: c.csv, key: k, value: v}\n": `line 2, lookup "c": ` +
			`unknown format "xml"`,
		"lookups:\n  - {name: c, format: csv, path: c.csv, key: k}\n": "key and value name the " +
			"table's two columns",
		"lookups:\n  - {name: C, format: csv, path: c.csv, key: k, value: v}\n": "must " +
			"be lower-case",
		"lookups:\n" +
			"  - {name: c, format: jsonl, path: c.csv, key: k, value: v, encoding: gbk}\n": "encoding gbk " +
			"is supported for csv only",
		"lookups:\n  - {name: c, format: csv, path: c, key: k, value: v}\n" +
			"  - {name: c, format: csv, path: d, key: k, value: v}\n": `line 3, lookup ` +
			`"c": name already used`,
	}
	for text, want := range cases {
		_, err := Parse([]byte(text+src), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "s.yaml") {
			t.Errorf("%q: err = %v, want it to contain %q", text, err, want)
		}
	}
}

func TestReshapingConfigRoundTrips(t *testing.T) {
	text := orders(
		"      status: {column: s, values: {delivered: completed}}\n      total: {from_lines: true}\n" +
			"      channel: {value: web}\n",
	)
	cfg, err := Parse([]byte(text), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out, "s.yaml")
	if err != nil {
		t.Fatalf("written back: %v\n%s", err, out)
	}
	if m := again.Sources[0].Mappings["status"]; m.Column != "s" ||
		m.Values["delivered"] != "completed" ||
		!again.Sources[0].Mappings["total"].FromLines {
		t.Fatalf("written back and read again: %+v", again.Sources[0].Mappings)
	}
}

// TestRelativePathsBecomeAbsoluteAtLoad: workers of a portable or Dataflow run do not share the
// launcher's working directory, so a relative path is resolved where the config is loaded.
func TestRelativePathsBecomeAbsoluteAtLoad(t *testing.T) {
	cfg, err := Load("../../sample/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(filepath.Dir(filepath.Dir(wd)), "sample")
	for _, s := range cfg.Sources {
		if g := cfg.Glob(s); !strings.HasPrefix(g, want+string(filepath.Separator)) {
			t.Errorf("source %s: glob %s, want it under %s", s.Name, g, want)
		}
	}
}
