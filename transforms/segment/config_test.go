package segment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultConfig(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]Rule{}
	for _, r := range cfg.Rules {
		names[r.Name] = r
		if r.Description == "" || r.Line == 0 {
			t.Errorf("segment %s: no description or line: %+v", r.Name, r)
		}
	}
	for _, want := range []string{"vip_at_risk", "cart_abandoners", "new_customers_welcome",
		"discount_seekers",
		"high_clv_loyal", "lapsed_buyers_winback", "complainers_care", "night_owls"} {
		if _, ok := names[want]; !ok {
			t.Errorf("default segments lack %s", want)
		}
	}
	if names["complainers_care"].Activate {
		t.Error("complainers_care is activated for marketing")
	}
	if cfg.Activation.WeeklyCap != 3 || cfg.Affinity.Recommendations != 5 ||
		cfg.Clusters.Sample != 50_000 {
		t.Errorf("settings: %+v %+v %+v", cfg.Activation, cfg.Affinity, cfg.Clusters)
	}
	if cfg.Clusters.Features != FeaturesBehaviour ||
		len(cfg.Associations.Characteristics) != len(Characteristics) ||
		cfg.Associations.MinLift != 1.2 ||
		cfg.Associations.MaxLen != 3 {
		t.Errorf("settings: %+v %+v", cfg.Clusters, cfg.Associations)
	}
	if _, err := ParseConfig([]byte("segments:\n  - name: top\n    priority: 1\n"+
		"    expression: contribution_grade >= 4 && credit_grade == 5\n"), "g.yaml"); err != nil {
		t.Errorf("a rule on the grades: %v", err)
	}
}

func TestConfigDefaultsWhenAbsent(t *testing.T) {
	cfg, err := ParseConfig([]byte("segments: []\naffinity:\n  min_lift: 0\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Activation.WeeklyCap != 3 || cfg.Clusters.KMax != 8 || cfg.Affinity.MinCount != 10 ||
		cfg.Affinity.MinLift != 0 {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestConfigErrors(t *testing.T) {
	seg := func(name, expr string) string {
		return "  - name: " + name + "\n    description: d\n    priority: 1\n    expression: '" + expr +
			"'\n"
	}
	cases := []struct{ yaml, want string }{
		{
			"segments:\n" + seg("a", "orders > 1") + seg("b", `lifecycle == 3`),
			`line 6, segment "b": expression: ERROR: <input>:1:11: found no matching overload for '_==_' ` +
				`applied to '(string, int)'`,
		},
		{
			"segments:\n" + seg("a", "orders > 1") + seg("a", "orders > 2"),
			`line 6, segment "a": name already used at line 2`,
		},
		{
			"segments:\n" + seg("a", "orderz > 1"),
			`line 2, segment "a": expression: ERROR: <input>:1:1: undeclared reference to 'orderz'`,
		},
		{
			"segments:\n" + seg("a", "orders + 1"),
			`segment "a": expression: the expression gives int, want bool`,
		},
		{"segments:\n" + seg("A-b", "orders > 1"), `segment "A-b": name must be`},
		{
			"segments:\n  - name: a\n    priority: 1\n    expresion: orders > 1\n",
			"line 4: field expresion not found",
		},
		{"segments:\n  - name: a\n    expression: orders > 1\n", `segment "a": priority 0`},
		{"segments:\n  - name: a\n    priority: 1\n", `segment "a": expression is empty`},
		{"segments: [\n", "yaml: line"},
		{"activation:\n  weekly_cap: -1\n", "activation.weekly_cap -1"},
		{"clusters:\n  k_min: 5\n  k_max: 3\n", "clusters.k_min 5, k_max 3"},
		{"affinity:\n  min_support: 2\n", "affinity.min_support 2"},
		{"clusters:\n  features: rfm\n", `clusters.features "rfm": want behaviour or grades`},
		{
			"associations:\n  characteristics: [lifecycle, shoe_size]\n",
			`"shoe_size" is not one of activity_grade`,
		},
		{
			"associations:\n  characteristics: [lifecycle, lifecycle]\n",
			`"lifecycle" is listed twice`,
		},
		{"associations:\n  characteristics: [lifecycle]\n", "want at least 2"},
		{"associations:\n  max_len: 4\n", "associations.max_len 4: want 2 or 3"},
		{"segments:\n" + seg("a", `contribution_grade >= "5"`), "found no matching overload"},
	}
	for _, c := range cases {
		_, err := ParseConfig([]byte(c.yaml), "segs.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), "segs.yaml") {
			t.Errorf(
				"%q:\n got %v\nwant an error naming segs.yaml and containing %q",
				c.yaml,
				err,
				c.want,
			)
		}
	}
}

func TestLoadConfigFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file,
		[]byte("segments:\n  - name: buyers\n    priority: 2\n    activate: true\n"+
			"    expression: orders > 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Name != "buyers" || !cfg.Rules[0].Activate ||
		cfg.Rules[0].Line != 2 {
		t.Errorf("rules: %+v", cfg.Rules)
	}
	if _, err := LoadConfig(file + ".missing"); err == nil ||
		!strings.Contains(err.Error(), "s.yaml.missing") {
		t.Errorf("missing file: %v", err)
	}
}
