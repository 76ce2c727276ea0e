package linkage

import (
	"strings"
	"testing"
)

const goodConfig = `id_column: id
fields:
  - {name: name, compare: jaro_winkler, levels: [0.92, 0.8]}
  - {name: dob, column: birth, compare: date, transposed: true, days: [31], edits: 1}
  - {name: phone, compare: levenshtein, levels: [1, 2]}
  - {name: age, compare: numeric, levels: [1, 5]}
  - {name: city, compare: exact}
blocking:
  - keys: [phone]
  - {name: name_city, keys: ["soundex(name)", "first(city, 2)"]}
threshold: {weight: 5}
`

func TestParseGood(t *testing.T) {
	cfg, err := Parse([]byte(goodConfig), "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Fields[1].Column != "birth" || cfg.Fields[0].Column != "name" {
		t.Errorf("columns: %+v", cfg.Fields)
	}
	if cfg.Blocking[0].Name != "rule0" || cfg.MaxBlockSize != 1000 || cfg.EM.MaxIterations != 100 ||
		cfg.EM.Tolerance != 1e-6 || cfg.EM.RandomPairs != 100000 || cfg.EM.InitialMatchShare != 0.1 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if *cfg.Threshold.Weight != 5 || cfg.Threshold.Probability != nil {
		t.Errorf("threshold: %+v", cfg.Threshold)
	}
}

func TestParseShippedFEBRLConfig(t *testing.T) {
	if _, err := Load("../../../pipelines/linkage/febrl.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, edit, want string
	}{
		{"unknown key", strings.Replace(goodConfig, "threshold:", "treshold: 1\nthreshold:", 1),
			"good.yaml: line 11: field treshold not found"},
		{"unknown field key", strings.Replace(goodConfig, "compare: exact}", "compare: exact, fuzzy: 1}",
			1), "line 7: field fuzzy not found"},
		{"wrong type", strings.Replace(goodConfig, "levels: [1, 2]", "levels: one", 1),
			"line 5: cannot unmarshal"},
		{"unknown compare", strings.Replace(goodConfig, "compare: exact", "compare: fuzzy", 1),
			`good.yaml:7: field "city": unknown compare "fuzzy"`},
		{"missing compare", strings.Replace(goodConfig, ", compare: exact", "", 1),
			`good.yaml:7: field "city": compare is required`},
		{"jw order", strings.Replace(goodConfig, "[0.92, 0.8]", "[0.8, 0.92]", 1),
			`good.yaml:3: field "name": jaro_winkler levels must decrease`},
		{"edit levels", strings.Replace(goodConfig, "levels: [1, 2]", "levels: [1.5]", 1),
			`good.yaml:5: field "phone": levenshtein levels`},
		{"date days", strings.Replace(goodConfig, "days: [31]", "days: [31, 7]", 1),
			`good.yaml:4: field "dob": days must be increasing`},
		{"date option elsewhere", strings.Replace(goodConfig, "compare: exact",
			"compare: exact, days: [3]", 1), `good.yaml:7: field "city": format, transposed, days and ` +
			`edits apply only to date`},
		{"duplicate field", strings.Replace(goodConfig, "name: age", "name: phone", 1),
			`good.yaml:6: fields[3]: duplicate field "phone"`},
		{"bad transform", strings.Replace(goodConfig, "soundex(name)", "metaphone(name)", 1),
			`good.yaml:10: blocking[1]: bad key "metaphone(name)": unknown transform "metaphone"`},
		{"bad length", strings.Replace(goodConfig, "first(city, 2)", "first(city)", 1),
			`good.yaml:10: blocking[1]: bad key "first(city)": first takes a column and a length`},
		{"no blocking",
			strings.Replace(goodConfig, "blocking:\n  - keys: [phone]\n"+
				"  - {name: name_city, keys: [\"soundex(name)\", \"first(city, 2)\"]}\n", "", 1),
			"blocking: at least one rule"},
		{"no threshold", strings.Replace(goodConfig, "threshold: {weight: 5}\n", "", 1),
			"threshold: set weight or probability"},
		{"two thresholds", strings.Replace(goodConfig, "{weight: 5}", "{weight: 5, probability: 0.9}", 1),
			"good.yaml:11: threshold: set weight or probability, not both"},
		{"probability range", strings.Replace(goodConfig, "{weight: 5}", "{probability: 1.5}", 1),
			"good.yaml:11: threshold: probability must be in (0, 1)"},
		{"no id", strings.Replace(goodConfig, "id_column: id\n", "", 1), "id_column is required"},
		{"empty", "", "good.yaml: empty config"},
	} {
		_, err := Parse([]byte(c.edit), "good.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestNewUnknownColumns(t *testing.T) {
	cfg, err := Parse([]byte(goodConfig), "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	header := []string{"id", "name", "birth", "phone", "age", "city"}
	if _, err := New(cfg, header); err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg, header[:5]); err == nil ||
		!strings.Contains(err.Error(), `field "city": column "city"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := New(cfg, header[1:]); err == nil || !strings.Contains(err.Error(), "id_column") {
		t.Errorf("missing id column: %v", err)
	}
}

func TestKeyTransforms(t *testing.T) {
	for expr, want := range map[string]string{
		"x":              "o'brien street 12",
		"soundex(x)":     "O165",
		"first(x, 3)":    "o'b",
		"last(x,2)":      "12",
		"digits(x)":      "12",
		"sorted( x )":    "12 o'brien street",
		"first(x, 100)":  "o'brien street 12",
		"soundex(other)": "O165",
	} {
		k, err := parseKey(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if got := k.apply("o'brien street 12"); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
	for _, bad := range []string{"", "first(x, 0)", "digits(x, 2)", "soundex(", "(x)", "a,b"} {
		if _, err := parseKey(bad); err == nil {
			t.Errorf("parseKey(%q) accepted", bad)
		}
	}
}
