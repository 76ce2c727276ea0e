package duckdb

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// Describe writes what Publish would do to the file, opening nothing: each table with its kind and
// what the night does to it, each zone's columns withheld from analytics, the files staged, the
// data tests and the views.
func Describe(w io.Writer, dbPath string, plan *publish.Plan, opts Options) error {
	set, err := opts.Settings.WithDefaults()
	if err != nil {
		return err
	}
	pr := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	pr("publish %s (run %s, %s night) into DuckDB %s", plan.Dir, plan.RunID, plan.Mode, dbPath)
	pr(
		"each table is staged in a temporary table, the data tests run there, then one transaction " +
			"switches the night in",
	)
	for _, t := range plan.Tables {
		pr("  %s (%s): %d rows from %s", t.Name, t.Kind, t.Rows, strings.Join(t.Files, ", "))
		pr("    %s", publish.Action(t, plan, set))
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				pr("    %-10s not held (%s)", z, publish.NotHeld[z])
				continue
			}
			line := fmt.Sprintf(
				"    %-10s %s, %d columns",
				z,
				qualified(z, t.Name),
				len(zt.Stored()),
			)
			if wh := t.Withheld(z); len(wh) > 0 {
				line += ", without " + strings.Join(wh, ", ")
			}
			pr("%s", line)
		}
	}
	pr("data tests: %d declared", len(opts.Tests.Tests))
	pr("then the night's row in %s; when the night is the newest, the views of %s with its date:",
		qualified(publish.Analytics, publish.PublishedRuns.Name), publish.Analytics)
	for _, v := range views.All {
		if v.Authorized && !set.AuthorizeViews {
			pr("  %s: skipped (reads the restricted schema; --authorize-views creates it)", v.Name)
			continue
		}
		var reads []string
		for _, r := range v.Reads() {
			reads = append(reads, r.String())
		}
		pr("  %s reads %s", v.Name, strings.Join(reads, ", "))
	}
	pr(
		"catalogues: %s and %s",
		qualified(publish.Analytics, publish.CatalogName),
		qualified(publish.Restricted, publish.CatalogName),
	)
	if opts.ReadOnlyCopy != "" {
		pr("read-only copy of the %s schema: %s", publish.Analytics, opts.ReadOnlyCopy)
	}
	return nil
}
