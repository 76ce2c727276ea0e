package sources

import (
	"strings"
	"testing"
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
	if !ok || v.Encoding != "gbk" || v.Column("phone_md5") != "手机号MD5" || v.Line == 0 || v.SplitBytes != DefaultSplitBytes {
		t.Fatalf("vendor source = %+v", v)
	}
	e, _ := cfg.Lookup("events")
	if !e.Gzip || e.MoneyUnit != "yuan" {
		t.Fatalf("events source = %+v", e)
	}
}

func TestConfigErrors(t *testing.T) {
	cases := map[string]string{
		"sources: []": "no sources",
		"sources:\n  - {name: a, kind: nope, format: csv, path: x}":                                                    `line 2, source "a": unknown kind "nope"`,
		"sources:\n  - {name: a, kind: users, format: xml, path: x}":                                                   `unknown format "xml"`,
		"sources:\n  - {name: a, kind: users, format: jsonl, path: x, encoding: gbk}":                                  "encoding gbk is supported for csv only",
		"sources:\n  - {name: a, kind: users, format: csv, path: x}\n  - {name: a, kind: users, format: csv, path: y}": "name already used at line 2",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, columns: {shoe_size: s}}":                          `"shoe_size" is not a field of kind users`,
		"sources:\n  - {name: a, kind: users, format: csv, path: x, timezone: Mars/Base}":                              "timezone",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, colour: red}":                                      "field colour not found",
		"rules: {bot_user_agents: ['(']}\nsources:\n  - {name: a, kind: users, format: csv, path: x}":                  "rules",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, max_reject_rate: 1.5}":                             "max_reject_rate 1.5: want a share from 0 to 1",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, max_reject_rate: -0.1}":                            "max_reject_rate -0.1",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, max_reject_rate: .nan}":                            "max_reject_rate NaN",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, max_reject_rate: lots}":                            "line 2: cannot unmarshal",
		"sources:\n  - {name: a, kind: users, format: csv, path: x, min_rows: -1}":                                     "min_rows -1: want 0 or more",
	}
	for text, want := range cases {
		_, err := Parse([]byte(text), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "s.yaml") {
			t.Errorf("%q: err = %v, want it to contain %q and the file", text, err, want)
		}
	}
}

func TestUnmappedFieldsDefaultToTheirName(t *testing.T) {
	cfg, err := Parse([]byte("sources:\n  - {name: a, kind: touches, format: jsonl, path: x, columns: {touch_id: id, campaign_id: ''}}"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Sources[0]
	if s.Column("touch_id") != "id" || s.Column("user_id") != "user_id" || s.Column("campaign_id") != "" {
		t.Fatalf("columns = %v", s.Columns)
	}
}

// TestGateDefaults gives every source the default gates unless it sets its own: a fifth of its
// records rejected at most, and at least one row when the source is required.
func TestGateDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`sources:
  - {name: a, kind: touches, format: jsonl, path: x}
  - {name: b, kind: touches, format: jsonl, path: y, optional: true}
  - {name: c, kind: touches, format: jsonl, path: z, max_reject_rate: 0, min_rows: 500, columns: {touch_id: id}}
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
			t.Errorf("source %s: max_reject_rate %v, min_rows %d; want %v and %d", s.Name, got, min, w.rate, w.minimum)
		}
	}
	if c := cfg.Sources[2]; !c.Declared["touch_id"] || c.Declared["user_id"] {
		t.Errorf("declared fields %v, want touch_id only (user_id defaults to its own name)", c.Declared)
	}
}
