package views

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
)

func quoted(z publish.Zone, t string) string { return "<" + string(z) + "." + t + ">" }

func TestViewsRenderAndReadKnownTables(t *testing.T) {
	later := map[string]bool{
		"segment_summary": true,
	} // written by the segment stage, not registered yet
	seen := map[string]bool{}
	for _, v := range All {
		if seen[v.Name] || v.Doc == "" {
			t.Errorf("view %q duplicated or undocumented", v.Name)
		}
		seen[v.Name] = true
		sql, err := v.SQL(quoted, Nights{Latest: "2026-11-21", Days: 400})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sql, "{{") ||
			!strings.HasPrefix(sql, "SELECT") && !strings.HasPrefix(sql, "WITH") {
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
	want := []string{
		"portraits_latest",
		"quality_latest",
		"quality_daily",
		"lifecycle_funnel",
		"rfm_grid",
		"value_concentration",
	}
	if !slices.Equal(names, want) {
		t.Errorf("ready %v, want %v", names, want)
	}
	if len(waiting) != 11 || waiting[0] != "activation_latest (waits for analytics.activation)" ||
		!slices.Contains(waiting, "rejects_by_reason_daily (waits for analytics.rejects)") ||
		!slices.Contains(waiting, "segment_sizes_daily (waits for analytics.segment_summary)") {
		t.Errorf("waiting %v", waiting)
	}
	_, waiting = Ready(true, exists)
	if !slices.Contains(waiting, "person_reachability (waits for restricted.portraits)") {
		t.Errorf("authorized view not considered when asked: %v", waiting)
	}
}

// TestViewsReadNightsAsConstants: every read of a snapshot table is filtered on snapshot_date by
// date literals (the night's date, or the window the tables keep), never by a subquery, so that
// BigQuery prunes partitions and accepts tables that require a partition filter.
func TestViewsReadNightsAsConstants(t *testing.T) {
	n := Nights{Latest: "2026-11-21", Days: 400}
	first, err := n.First()
	if err != nil || first != "2025-10-18" {
		t.Fatalf("first night %s, %v", first, err)
	}
	latest := regexp.MustCompile(`snapshot_date = DATE '2026-11-21'`)
	window := regexp.MustCompile(`snapshot_date BETWEEN DATE '2025-10-18' AND DATE '2026-11-21'`)
	for _, v := range All {
		sql, err := v.SQL(quoted, n)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sql, "MAX(snapshot_date)") {
			t.Errorf("%s finds the latest night by a subquery:\n%s", v.Name, sql)
		}
		reads := strings.Count(sql, "FROM <")
		filters := len(latest.FindAllString(sql, -1)) + len(window.FindAllString(sql, -1))
		if reads == 0 || filters < reads {
			t.Errorf("%s reads %d tables with %d night filters:\n%s", v.Name, reads, filters, sql)
		}
		if strings.HasSuffix(v.Name, "_latest") && !latest.MatchString(sql) {
			t.Errorf("%s does not read the latest night:\n%s", v.Name, sql)
		}
	}
	if _, err := (Nights{Latest: "yesterday"}).First(); err == nil {
		t.Error("a night that is not a date was taken")
	}
}
