package duckdb

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// Describe writes what Publish would do to the file, opening nothing: each zone's tables with the
// columns withheld from analytics, the files read, and the views.
func Describe(w io.Writer, dbPath string, plan *publish.Plan, opts Options) {
	pr := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	pr("publish %s (run %s) into DuckDB %s, one transaction; rows of %s replaced", plan.Dir, plan.RunID, dbPath, plan.Date)
	for _, t := range plan.Tables {
		pr("  %s: %d rows from %s", t.Name, t.Rows, strings.Join(t.Files, ", "))
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				pr("    %-10s not held (%s)", z, publish.NotHeld[z])
				continue
			}
			line := fmt.Sprintf("    %-10s %s, %d columns", z, qualified(z, t.Name), len(zt.Columns)+1)
			if wh := t.Withheld(z); len(wh) > 0 {
				line += ", without " + strings.Join(wh, ", ")
			}
			pr("%s", line)
		}
	}
	pr("views in %s (each created when the tables it reads exist):", publish.Analytics)
	for _, v := range views.All {
		if v.Authorized && !opts.AuthorizeViews {
			pr("  %s: skipped (reads the restricted schema; --authorize-views creates it)", v.Name)
			continue
		}
		var reads []string
		for _, r := range v.Reads() {
			reads = append(reads, r.String())
		}
		pr("  %s reads %s", v.Name, strings.Join(reads, ", "))
	}
	pr("catalogues: %s and %s", qualified(publish.Analytics, publish.CatalogName), qualified(publish.Restricted, publish.CatalogName))
}
