package sources

import (
	"strings"
	"testing"
)

func TestPartition(t *testing.T) {
	cases := map[string]string{
		"sample/clickstream/events/dt=2026-11-20/part-0.jsonl.gz": "2026-11-20",
		"gs://b/x/dt=2026-01-02/y/dt=2026-01-03/f.csv":            "2026-01-03",
		"dt=2026-02-01/f.csv":                                     "2026-02-01",
		"events/f.jsonl":                                          "",
		"events/dt=2026-13-40/f.jsonl":                            "",
		"events/f-dt=2026-11-20.jsonl":                            "",
	}
	for file, want := range cases {
		got, ok := Partition(file)
		if got != want || ok != (want != "") {
			t.Errorf("Partition(%q) = %q, %v; want %q", file, got, ok, want)
		}
	}
}

func TestWindowReads(t *testing.T) {
	late := 1
	events := Source{Name: "events", Grows: GrowsAppend, LateDays: &late}
	vendor := Source{Name: "vendor", Grows: GrowsSnapshot}
	full := Window{Through: "2026-11-21"}
	next := Window{Through: "2026-11-21", Previous: "2026-11-20"}
	cases := []struct {
		w    Window
		src  Source
		file string
		want bool
	}{
		{full, events, "e/dt=2026-10-01/a.jsonl", true},
		{full, events, "e/dt=2026-11-21/a.jsonl", true},
		{full, events, "e/dt=2026-11-22/a.jsonl", false}, // never a partition after the night
		{next, events, "e/dt=2026-11-21/a.jsonl", true},
		{next, events, "e/dt=2026-11-20/a.jsonl", true},  // late_days 1: the previous day again
		{next, events, "e/dt=2026-11-19/a.jsonl", false}, // counted by the carried state
		{next, vendor, "v/all.csv", true},
		{next, vendor, "v/dt=2026-11-01/all.csv", true}, // snapshots are read whole
		{next, vendor, "v/dt=2026-11-22/all.csv", false},
	}
	for _, c := range cases {
		got, err := c.w.Reads(c.src, c.file)
		if err != nil || got != c.want {
			t.Errorf(
				"%+v reads %s of %s = %v, %v; want %v",
				c.w,
				c.file,
				c.src.Name,
				got,
				err,
				c.want,
			)
		}
	}
	if _, err := full.Reads(events, "e/a.jsonl"); err == nil ||
		!strings.Contains(err.Error(), "e/a.jsonl") {
		t.Errorf("a file outside any partition of an append source: err = %v", err)
	}
}

func TestGrowthConfig(t *testing.T) {
	cfg, err := Parse([]byte("sources:\n  - {name: a, kind: touches, format: jsonl, "+
		"path: t/dt=*/*.jsonl, grows: append}"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Sources[0]; s.Grows != GrowsAppend || s.Late() != DefaultLateDays {
		t.Fatalf("source = %+v", s)
	}
	cfg, err = Parse([]byte("sources:\n  - {name: a, kind: touches, format: jsonl, path: t.jsonl}"),
		"s.yaml")
	if err != nil || cfg.Sources[0].Grows != GrowsSnapshot {
		t.Fatalf("default growth: %v, %+v", err, cfg)
	}
	bad := map[string]string{
		"grows: often, path: t/dt=*/x":                 `grows "often"`,
		"grows: append, path: t/*.jsonl":               "no daily partition folder",
		"grows: changes, path: t/x, late_days: 1":      "no daily partition folder",
		"grows: append, path: t/dt=*/x, late_days: -1": "late_days -1",
	}
	for text, want := range bad {
		_, err := Parse([]byte("sources:\n  - {name: a, kind: touches, format: jsonl, "+text+"}"),
			"s.yaml")
		if err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: err = %v, want %q and the line", text, err, want)
		}
	}
}
