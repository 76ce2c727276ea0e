package score

import (
	"strings"
	"testing"
)

func TestCutoffDate(t *testing.T) {
	for _, c := range []struct {
		date    string
		horizon int
		want    string
	}{{"2026-11-21", 30, "2026-10-22"}, {"2026-03-01", 1, "2026-02-28"},
		{"2024-03-30", 30, "2024-02-29"}} {
		if got, err := CutoffDate(c.date, c.horizon); err != nil || got != c.want {
			t.Errorf("CutoffDate(%s, %d) = %q, %v; want %s", c.date, c.horizon, got, err, c.want)
		}
	}
	if got, err := (Config{Date: "2026-11-21"}).Cutoff(); err != nil || got != "2026-10-22" {
		t.Errorf("Cutoff of the default horizon = %q, %v", got, err)
	}
	if _, err := CutoffDate("21/11/2026", 30); err == nil ||
		!strings.Contains(err.Error(), `date "21/11/2026"`) {
		t.Errorf("bad date: %v", err)
	}
	if _, err := CutoffDate("2026-11-21", -1); err == nil ||
		!strings.Contains(err.Error(), "horizon of -1 days") {
		t.Errorf("bad horizon: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{Date: "2026-11-21"}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if got := (Config{Date: "2026-11-21"}).withDefaults(); got.HorizonDays != 30 || got.L2 != 1 ||
		got.MaxTrain != 200_000 ||
		got.cutoff() != "2026-10-22" {
		t.Errorf("defaults %+v", got)
	}
	if got := (Config{Date: "2026-11-21", L2: 5, Unregularised: true}).withDefaults(); got.L2 != 0 {
		t.Errorf("unregularised: L2 %v", got.L2)
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, `date ""`},
		{Config{Date: "2026-11-21", L2: -1}, "L2 -1"},
		{Config{Date: "2026-11-21", TestShare: 0.6, CalibrationShare: 0.5}, "below 1"},
		{Config{Date: "2026-11-21", TestShare: 1.5}, "test share 1.5"},
		{Config{Date: "2026-11-21", MinTrain: 2}, "min train 2"},
		{Config{Date: "2026-11-21", MinClass: 1}, "min class 1"},
		{Config{Date: "2026-11-21", MaxTrain: 100}, "max train 100"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.cfg, err, c.want)
		}
	}
}
