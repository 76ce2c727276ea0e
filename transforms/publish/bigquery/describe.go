package bigquery

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// Describe writes what Publish would do, calling nothing: the datasets, every table of each zone with
// its columns withheld from analytics, the partition replaced, the files loaded (and uploaded first
// when the run is local), the views and the catalogues.
func Describe(w io.Writer, plan *publish.Plan, cfg Config) error {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return fmt.Errorf("bigquery: %w", err)
	}
	pr := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	pr("publish %s (run %s) into BigQuery project %s, location %s", plan.Dir, plan.RunID, cfg.Project, cfg.Location)
	pr("datasets (created when missing):")
	for _, z := range publish.Zones {
		pr("  %s:%s  %s", cfg.Project, cfg.dataset(z), datasetDocs[z])
	}
	pr("tables (partitioned by day on %s, partition %s replaced in one transaction per table):", publish.SnapshotDate, plan.Date)
	for _, t := range plan.Tables {
		uris, err := cfg.sourceURIs(plan, t)
		if err != nil {
			return fmt.Errorf("bigquery: %w", err)
		}
		md, err := Metadata(t)
		if err != nil {
			return fmt.Errorf("bigquery: %w", err)
		}
		cluster := ""
		if md.Clustering != nil {
			cluster = ", clustered by " + strings.Join(md.Clustering.Fields, ", ")
		}
		pr("  %s: %d rows in %d files%s", t.Name, t.Rows, len(t.Files), cluster)
		for i, u := range uris {
			if plan.Remote() {
				pr("    load     %s", u)
			} else {
				pr("    upload   %s -> %s, removed after", t.Files[i], u)
			}
		}
		pr("    into     %s (PARQUET, WRITE_TRUNCATE), dropped after", cfg.qualified(publish.Restricted, stagingTable(plan, t.Name)))
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				pr("    %-10s not held (%s)", z, publish.NotHeld[z])
				continue
			}
			line := fmt.Sprintf("    %-10s %s partition %s, %d columns", z, cfg.qualified(z, t.Name), plan.Compact(), len(zt.Columns)+1)
			if wh := t.Withheld(z); len(wh) > 0 {
				line += ", without " + strings.Join(wh, ", ")
			}
			pr("%s", line)
		}
	}
	pr("views in %s:%s (each created when the tables it reads exist):", cfg.Project, cfg.AnalyticsDataset)
	for _, v := range views.All {
		var reads []string
		for _, r := range v.Reads() {
			reads = append(reads, r.String())
		}
		switch {
		case v.Authorized && !cfg.AuthorizeViews:
			pr("  %s: skipped (authorized view; --authorize-views creates it)", v.Name)
		case v.Authorized:
			pr("  %s reads %s, authorized on %s", v.Name, strings.Join(reads, ", "), cfg.RestrictedDataset)
		default:
			pr("  %s reads %s", v.Name, strings.Join(reads, ", "))
		}
	}
	pr("catalogues: %s and %s", cfg.qualified(publish.Analytics, publish.CatalogName), cfg.qualified(publish.Restricted, publish.CatalogName))
	return nil
}
