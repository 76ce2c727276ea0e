// Package views defines the BI views every warehouse gets, once: each view is one SELECT written in
// the SQL that DuckDB and BigQuery share (CASE rather than FILTER or IF, GROUP BY ordinals rather
// than GROUP BY ALL, integer arithmetic where floating point would round, no reserved words as
// names), with its tables left as {{analytics "name"}} or {{restricted "name"}} for each warehouse
// to qualify.
//
// The views read "the latest" night as a constant, {{latest}}: the publish step that switches in
// the newest night recreates them with its date, so that BigQuery prunes partitions (a subquery
// such as MAX(snapshot_date) would make it read every partition), and publishing an older night
// again leaves them as they are.
package views

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
)

// View is one view of the analytics zone.
type View struct {
	Name string
	Doc  string
	// Authorized views read the restricted zone; BigQuery must authorize them on the restricted
	// dataset, and publish creates them only when asked.
	Authorized bool
	query      string
}

// Ref is a table a view reads.
type Ref struct {
	Zone  publish.Zone
	Table string
}

// String names the table as zone.table.
func (r Ref) String() string { return string(r.Zone) + "." + r.Table }

// Namer gives the qualified, quoted name of a zone's table in one warehouse.
type Namer func(z publish.Zone, table string) string

// Nights are the nights a view shows: Latest, the newest published night, and Days nights up to it
// (the nights the snapshot tables keep).
type Nights struct {
	Latest string // YYYY-MM-DD
	Days   int
}

// First is the first night of the window, YYYY-MM-DD.
func (n Nights) First() (string, error) {
	d, err := time.Parse(time.DateOnly, n.Latest)
	if err != nil {
		return "", fmt.Errorf("views: latest night %q: %w", n.Latest, err)
	}
	days := max(n.Days, 1)
	return d.AddDate(0, 0, 1-days).Format(time.DateOnly), nil
}

// SQL is the view's SELECT with its tables named by name and its nights as date literals.
func (v View) SQL(name Namer, n Nights) (string, error) {
	first, err := n.First()
	if err != nil {
		return "", err
	}
	tmpl, err := template.New(v.Name).Funcs(template.FuncMap{
		"analytics":  func(t string) string { return name(publish.Analytics, t) },
		"restricted": func(t string) string { return name(publish.Restricted, t) },
		"latest":     func() string { return "DATE '" + n.Latest + "'" },
		"first":      func() string { return "DATE '" + first + "'" },
	}).Option("missingkey=error").Parse(v.query)
	if err != nil {
		return "", fmt.Errorf("view %s: %w", v.Name, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, nil); err != nil {
		return "", fmt.Errorf("view %s: %w", v.Name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Reads lists the tables the view reads, sorted.
func (v View) Reads() []Ref {
	seen := map[Ref]bool{}
	// The recording namer cannot fail, and a template that does not parse fails every test.
	_, _ = v.SQL(func(z publish.Zone, t string) string { seen[Ref{z, t}] = true; return t },
		Nights{Latest: "2000-01-01"})
	var out []Ref
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Zone != out[j].Zone {
			return out[i].Zone < out[j].Zone
		}
		return out[i].Table < out[j].Table
	})
	return out
}

// Outcome is what a publish did with the views.
type Outcome struct {
	Created []string // views created or replaced
	Waiting []string // views not created, each with the tables it waits for
}

// Ready splits the views to create (the BI views, and the authorized ones when authorize is set)
// into those whose tables all exist and those still waiting for some, which it names in waiting.
func Ready(
	authorize bool,
	exists func(publish.Zone, string) bool,
) (ready []View, waiting []string) {
	for _, v := range All {
		if v.Authorized && !authorize {
			continue
		}
		var missing []string
		for _, r := range v.Reads() {
			if !exists(r.Zone, r.Table) {
				missing = append(missing, r.String())
			}
		}
		if len(missing) > 0 {
			waiting = append(waiting, v.Name+" (waits for "+strings.Join(missing, ", ")+")")
			continue
		}
		ready = append(ready, v)
	}
	return ready, waiting
}

// latestViews are a <table>_latest view of every snapshot table: its rows of the newest published
// night.
func latestViews() []View {
	var names []string
	for name, m := range publish.Models {
		if m.Kind == publish.Snapshot {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := make([]View, len(names))
	for i, name := range names {
		out[i] = View{Name: name + "_latest", Doc: "the " + name + " of the newest published night",
			query: "SELECT *\nFROM {{analytics \"" + name + "\"}}\nWHERE snapshot_date = {{latest}}"}
	}
	return out
}

// CatalogRows are the table_catalog rows of the views named in created, in definition order.
func CatalogRows(created []string) []publish.CatalogRow {
	made := map[string]bool{}
	for _, c := range created {
		made[c] = true
	}
	var out []publish.CatalogRow
	for _, v := range All {
		if made[v.Name] {
			out = append(out, publish.CatalogRow{Table: v.Name, Description: v.Doc})
		}
	}
	return out
}
