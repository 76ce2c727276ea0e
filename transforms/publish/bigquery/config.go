// Package bigquery publishes finished runs into BigQuery: two datasets per warehouse (analytics
// without contact points, restricted with them), one date-partitioned table per run table, Parquet
// load jobs, the BI views of publish/views and a table catalogue. It talks to BigQuery through
// cloud.google.com/go/bigquery and builds without cgo.
package bigquery

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/publish"
)

// Config is where and how to publish.
type Config struct {
	Project  string
	Dataset  string // the base name; the zones' datasets are named after it
	Location string // BigQuery location of the datasets and jobs: EU, US, asia-east1 ...
	// Staging is the gs://BUCKET/PREFIX that a local run's files are uploaded to before loading.
	Staging string
	// AnalyticsDataset and RestrictedDataset default to DATASET_analytics and DATASET_restricted.
	AnalyticsDataset, RestrictedDataset string
	// Parallel is how many tables load at once (default 4).
	Parallel int
	// PollInitial and PollMax bound the pause between two polls of a running job (default 1 s, 30 s).
	PollInitial, PollMax time.Duration
}

var (
	projectRe = regexp.MustCompile(`^[a-z][a-z0-9.:-]{4,61}[a-z0-9]$`)
	datasetRe = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// ParseURI reads bigquery://PROJECT/DATASET?location=EU&staging=gs://BUCKET/PREFIX, with the
// optional query parameters analytics=NAME and restricted=NAME naming the two datasets.
func ParseURI(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Config{}, fmt.Errorf("warehouse %q: %w", s, err)
	}
	if u.Scheme != "bigquery" {
		return Config{}, fmt.Errorf("warehouse %q: not a bigquery:// URI", s)
	}
	q := u.Query()
	c := Config{
		Project:           u.Host,
		Dataset:           strings.Trim(u.Path, "/"),
		Location:          q.Get("location"),
		Staging:           strings.TrimRight(q.Get("staging"), "/"),
		AnalyticsDataset:  q.Get("analytics"),
		RestrictedDataset: q.Get("restricted"),
	}
	for k := range q {
		switch k {
		case "location", "staging", "analytics", "restricted":
		default:
			return Config{}, fmt.Errorf(
				"warehouse %q: unknown parameter %q (want location, staging, analytics, restricted)",
				s,
				k,
			)
		}
	}
	if c.AnalyticsDataset == "" {
		c.AnalyticsDataset = c.Dataset + "_" + string(publish.Analytics)
	}
	if c.RestrictedDataset == "" {
		c.RestrictedDataset = c.Dataset + "_" + string(publish.Restricted)
	}
	if err := c.check(); err != nil {
		return Config{}, fmt.Errorf("warehouse %q: %w", s, err)
	}
	return c, nil
}

func (c Config) check() error {
	if !projectRe.MatchString(c.Project) {
		return fmt.Errorf("project %q is not a Google Cloud project id", c.Project)
	}
	for _, d := range []string{c.Dataset, c.AnalyticsDataset, c.RestrictedDataset} {
		if !datasetRe.MatchString(d) {
			return fmt.Errorf("dataset %q: letters, digits and underscores only", d)
		}
	}
	if c.AnalyticsDataset == c.RestrictedDataset {
		return fmt.Errorf("the analytics and restricted datasets must differ")
	}
	// Required rather than defaulted: where personal data is stored is a decision, not an accident.
	if c.Location == "" {
		return fmt.Errorf("location is required (?location=EU, US, asia-east1 ...)")
	}
	if c.Staging != "" && !strings.HasPrefix(c.Staging, "gs://") {
		return fmt.Errorf("staging %q: BigQuery loads from gs:// only", c.Staging)
	}
	return nil
}

// dataset names a zone's dataset.
func (c Config) dataset(z publish.Zone) string {
	if z == publish.Restricted {
		return c.RestrictedDataset
	}
	return c.AnalyticsDataset
}

func (c Config) withDefaults() Config {
	if c.Parallel <= 0 {
		c.Parallel = 4
	}
	if c.PollInitial <= 0 {
		c.PollInitial = time.Second
	}
	if c.PollMax <= 0 {
		c.PollMax = 30 * time.Second
	}
	return c
}
