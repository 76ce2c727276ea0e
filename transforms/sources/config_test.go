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
