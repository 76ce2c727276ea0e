package publish

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// docRow is a row of the table-by-table list of docs/warehouse.md.
type docRow struct {
	kind  Kind
	key   []string
	zones string
}

// warehouseDocTables reads the table-by-table list of docs/warehouse.md: the rows of the first
// Markdown table after the "## Table by table" heading.
func warehouseDocTables(t *testing.T) map[string]docRow {
	t.Helper()
	data, err := os.ReadFile("../../docs/warehouse.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Table by table\n")
	if !ok {
		t.Fatal(`docs/warehouse.md has no "## Table by table" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	out := map[string]docRow{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 5 {
			t.Errorf("docs/warehouse.md: a row of %d cells: %s", len(cells), line)
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[0]), "`")
		var key []string
		for _, k := range strings.Split(cells[2], ",") {
			if k = strings.Trim(strings.TrimSpace(k), "`"); k != "" {
				key = append(key, k)
			}
		}
		if _, dup := out[name]; dup {
			t.Errorf("docs/warehouse.md lists %s twice", name)
		}
		out[name] = docRow{Kind(strings.TrimSpace(cells[1])), key, strings.TrimSpace(cells[3])}
	}
	return out
}

// zonesOf says where a table is held, as the doc writes it.
func zonesOf(tb Table) string {
	_, a := tb.In(Analytics)
	_, r := tb.In(Restricted)
	switch {
	case a && r:
		return "both"
	case a:
		return string(Analytics)
	case r:
		return string(Restricted)
	}
	return "none"
}

// TestWarehouseDocListsEveryTable: docs/warehouse.md lists every table of publish.Models and the
// warehouse's own tables, each once, with its kind, key and zones, and no table that is not one.
func TestWarehouseDocListsEveryTable(t *testing.T) {
	doc := warehouseDocTables(t)
	want := map[string]docRow{}
	for name, m := range Models {
		tb, err := ModelTable(name)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = docRow{m.Kind, m.Key, zonesOf(tb)}
	}
	for _, tb := range ManagedTables {
		want[tb.Name] = docRow{tb.Kind, doc[tb.Name].key, zonesOf(tb)}
	}
	for name, w := range want {
		got, ok := doc[name]
		switch {
		case !ok:
			t.Errorf("docs/warehouse.md does not list %s (%s)", name, w.kind)
		case got.kind != w.kind || !slices.Equal(got.key, w.key) || got.zones != w.zones:
			t.Errorf("docs/warehouse.md lists %s as %s keyed by %v in %s; it is %s keyed by %v "+
				"in %s", name, got.kind, got.key, got.zones, w.kind, w.key, w.zones)
		}
	}
	for name := range doc {
		if _, ok := want[name]; !ok {
			t.Errorf("docs/warehouse.md lists %s, which is not a table of the warehouse", name)
		}
	}
}
