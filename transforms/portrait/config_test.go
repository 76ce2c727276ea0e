package portrait

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRules(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, err := LoadRules(
		write(
			"ok.yaml",
			"half_life_days: 14\nlifecycle:\n  loyal_window_days: 180\n"+
				"interest_weights: {view: 0.5, purchase: 8}\n",
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultRules()
	if r.HalfLifeDays != 14 || r.Lifecycle.LoyalWindowDays != 180 ||
		r.Lifecycle.LoyalMinDays != d.Lifecycle.LoyalMinDays ||
		r.InterestWeights["purchase"] != 8 ||
		r.Value.Months != 12 {
		t.Errorf("loaded %+v", r)
	}
	for name, c := range map[string]struct{ text, want string }{
		"unknown.yaml":  {"half_life: 3\n", "field half_life not found"},
		"range.yaml":    {"lifecycle: {churn_risk_days: 400}\n", "lifecycle.churn_risk_days"},
		"pairs.yaml":    {"lifecycle: {dormant_p_alive: 0.6}\n", "lifecycle.dormant_p_alive"},
		"interest.yaml": {"interest_weights: {like: 1}\n", `unknown kind "like"`},
		"hours.yaml":    {"tags: {night_owl_from_hour: 24}\n", "tags.night_owl_from_hour"},
	} {
		_, err := LoadRules(write(name, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v, want one naming the file and %q", name, err, c.want)
		}
	}
	if _, err := LoadRules(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
	if r, err := LoadRules(""); err != nil || r.HalfLifeDays != d.HalfLifeDays {
		t.Errorf(`LoadRules(""): %v`, err)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Date: "2026-11-21"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if c := ok.withDefaults(); c.AsOf != "2026-11-21" || c.Timezone != "Asia/Shanghai" ||
		c.Rules.HalfLifeDays != 30 {
		t.Errorf("defaults: %+v", c)
	}
	bad := DefaultRules()
	bad.HalfLifeDays = -1
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Date: "21/11/2026"}, "date"},
		{Config{Date: "2026-11-21", AsOf: "2026-11-22"}, "after the run date"},
		{Config{Date: "2026-11-21", Timezone: "Mars/Olympus"}, "timezone"},
		{Config{Date: "2026-11-21", Rules: bad}, "half_life_days"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

// TestAsOf checks that an earlier as-of day ignores later facts and counts windows back from it.
func TestAsOf(t *testing.T) {
	e, err := newEnv(Config{Date: "2026-11-21", AsOf: "2026-11-15"}.withDefaults(), testProducts)
	if err != nil {
		t.Fatal(err)
	}
	a := &Acc{}
	if a.AddEvent(ev("view", "", "app", "s", "2026-11-16 00:00"), e) {
		t.Error("an event after the as-of day was used")
	}
	if !a.AddEvent(ev("view", "", "app", "s", "2026-11-15 23:59"), e) {
		t.Error("an event late on the as-of day was not used")
	}
	if p := a.Finish("P", nil, e); *p.DaysSinceLastSeen != 0 || p.ActiveDays7d != 1 {
		t.Errorf(
			"as of 2026-11-15: %d days since last seen, %d active days",
			*p.DaysSinceLastSeen,
			p.ActiveDays7d,
		)
	}
}
