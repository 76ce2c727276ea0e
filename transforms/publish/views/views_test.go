package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
)

func quoted(z publish.Zone, t string) string { return "<" + string(z) + "." + t + ">" }

func TestViewsRenderAndReadKnownTables(t *testing.T) {
	later := map[string]bool{"segment_summary": true} // written by the segment stage, not registered yet
	seen := map[string]bool{}
	for _, v := range All {
		if seen[v.Name] || v.Doc == "" {
			t.Errorf("view %q duplicated or undocumented", v.Name)
		}
		seen[v.Name] = true
		sql, err := v.SQL(quoted)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sql, "{{") || !strings.HasPrefix(sql, "SELECT") && !strings.HasPrefix(sql, "WITH") {
			t.Errorf("%s renders as %q", v.Name, sql)
		}
		reads := v.Reads()
		if len(reads) == 0 {
			t.Errorf("%s reads no table", v.Name)
		}
		for _, r := range reads {
			if !strings.Contains(sql, quoted(r.Zone, r.Table)) {
				t.Errorf("%s: %v not in its SQL", v.Name, r)
			}
			if r.Zone == publish.Restricted && !v.Authorized {
				t.Errorf("%s reads restricted.%s without being an authorized view", v.Name, r.Table)
			}
			if _, err := schemas.Lookup(r.Table); err != nil && !later[r.Table] {
				t.Errorf("%s reads %s: %v", v.Name, r.Table, err)
			}
		}
	}
}

func TestReady(t *testing.T) {
	exists := func(z publish.Zone, table string) bool {
		return z == publish.Analytics && (table == "quality" || table == "portraits")
	}
	ready, waiting := Ready(false, exists)
	var names []string
	for _, v := range ready {
		names = append(names, v.Name)
	}
	want := []string{"quality_daily", "portraits_latest", "lifecycle_funnel", "rfm_grid", "value_concentration"}
	if !slices.Equal(names, want) {
		t.Errorf("ready %v, want %v", names, want)
	}
	if !slices.Equal(waiting, []string{"rejects_by_reason_daily (waits for analytics.rejects)", "segment_sizes_daily (waits for analytics.segment_summary)"}) {
		t.Errorf("waiting %v", waiting)
	}
	_, waiting = Ready(true, exists)
	if !slices.Contains(waiting, "person_reachability (waits for restricted.portraits)") {
		t.Errorf("authorized view not considered when asked: %v", waiting)
	}
}
