package bigquery

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// Describe writes what Publish would do, calling nothing: the datasets, every table of each zone
// with its kind, partitioning and columns withheld from analytics, what the night does to it, the
// files loaded (and uploaded first when the run is local), the data tests, the views and the
// catalogues.
func Describe(w io.Writer, plan *publish.Plan, cfg Config, opts Options) error {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return fmt.Errorf("bigquery: %w", err)
	}
	set, err := opts.Settings.WithDefaults()
	if err != nil {
		return err
	}
	pr := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	pr(
		"publish %s (run %s) into BigQuery project %s, location %s",
		plan.Dir,
		plan.RunID,
		cfg.Project,
		cfg.Location,
	)
	pr("datasets (created when missing):")
	for _, z := range publish.Zones {
		pr("  %s:%s  %s", cfg.Project, cfg.dataset(z), datasetDocs[z])
	}
	pr(
		"tables (%s night), each loaded into a staging table expiring after a day; "+
			"the data tests run there; then one transaction switches the night in:",
		plan.Mode,
	)
	for _, t := range plan.Tables {
		uris, err := cfg.sourceURIs(plan, t)
		if err != nil {
			return fmt.Errorf("bigquery: %w", err)
		}
		md, err := Metadata(t, set.SnapshotDays)
		if err != nil {
			return fmt.Errorf("bigquery: %w", err)
		}
		layout := "partitioned by day on " + md.TimePartitioning.Field
		if e := md.TimePartitioning.Expiration; e > 0 {
			layout += fmt.Sprintf(", partitions expire after %d days", int(e.Hours()/24))
		}
		if md.RequirePartitionFilter {
			layout += ", partition filter required"
		}
		if md.Clustering != nil {
			layout += ", clustered by " + strings.Join(md.Clustering.Fields, ", ")
		}
		pr("  %s (%s): %d rows in %d files; %s", t.Name, t.Kind, t.Rows, len(t.Files), layout)
		pr("    %s", publish.Action(t, plan, set))
		for i, u := range uris {
			if plan.Remote() {
				pr("    load     %s", u)
			} else {
				pr("    upload   %s -> %s, removed after", t.Files[i], u)
			}
		}
		pr(
			"    into     %s (PARQUET), expiring after a day, dropped after",
			cfg.qualified(publish.Restricted, stagingTable(plan, t.Name)),
		)
		for _, z := range publish.Zones {
			zt, ok := t.In(z)
			if !ok {
				pr("    %-10s not held (%s)", z, publish.NotHeld[z])
				continue
			}
			line := fmt.Sprintf(
				"    %-10s %s, %d columns",
				z,
				cfg.qualified(z, t.Name),
				len(zt.Stored()),
			)
			if wh := t.Withheld(z); len(wh) > 0 {
				line += ", without " + strings.Join(wh, ", ")
			}
			pr("%s", line)
		}
	}
	pr("data tests: %d declared; then the night's row in %s", len(opts.Tests.Tests),
		cfg.qualified(publish.Analytics, publish.PublishedRuns.Name))
	pr(
		"views in %s:%s, recreated with the night's date when it is the newest (each created when the "+
			"tables it reads exist):",
		cfg.Project,
		cfg.AnalyticsDataset,
	)
	for _, v := range views.All {
		var reads []string
		for _, r := range v.Reads() {
			reads = append(reads, r.String())
		}
		switch {
		case v.Authorized && !set.AuthorizeViews:
			pr("  %s: skipped (authorized view; --authorize-views creates it)", v.Name)
		case v.Authorized:
			pr(
				"  %s reads %s, authorized on %s",
				v.Name,
				strings.Join(reads, ", "),
				cfg.RestrictedDataset,
			)
		default:
			pr("  %s reads %s", v.Name, strings.Join(reads, ", "))
		}
	}
	pr(
		"catalogues: %s and %s",
		cfg.qualified(publish.Analytics, publish.CatalogName),
		cfg.qualified(publish.Restricted, publish.CatalogName),
	)
	return nil
}
