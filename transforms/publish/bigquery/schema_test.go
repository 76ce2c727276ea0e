package bigquery

import (
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
)

func TestParseURI(t *testing.T) {
	c, err := ParseURI("bigquery://my-project/shop?staging=gs://bucket/pre/&location=EU")
	if err != nil {
		t.Fatal(err)
	}
	if c.Project != "my-project" || c.Dataset != "shop" || c.Location != "EU" ||
		c.Staging != "gs://bucket/pre" ||
		c.AnalyticsDataset != "shop_analytics" ||
		c.RestrictedDataset != "shop_restricted" {
		t.Errorf("config %+v", c)
	}
	c, err = ParseURI("bigquery://my-project/shop?location=US&analytics=bi&restricted=crm")
	if err != nil || c.AnalyticsDataset != "bi" || c.RestrictedDataset != "crm" {
		t.Errorf("named datasets: %+v, %v", c, err)
	}
	for uri, want := range map[string]string{
		"bigquery://my-project/shop":                            "location is required",
		"bigquery://my-project/shop?location=EU&staging=/tmp/x": "gs:// only",
		"bigquery://P/shop?location=EU":                         "not a Google Cloud project id",
		"bigquery://my-project/sh-op?location=EU":               "letters, digits and underscores",
		"bigquery://my-project/shop?location=EU&region=x":       "unknown parameter",
		"duckdb://x": "not a bigquery:// URI",
		"bigquery://my-project/shop?location=EU&analytics=x&restricted=x": "must differ",
	} {
		if _, err := ParseURI(uri); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", uri, err, want)
		}
	}
}

func TestEveryRegisteredTableHasASchema(t *testing.T) {
	for _, table := range schemas.All() {
		tb, err := publish.ModelTable(table.Name)
		if err != nil {
			t.Fatal(err)
		}
		md, err := Metadata(tb, 400)
		if err != nil {
			t.Fatalf("%s: %v", table.Name, err)
		}
		part := md.TimePartitioning
		if len(md.Schema) != len(tb.Stored()) || md.Schema[0].Name != part.Field {
			t.Errorf("%s: schema %v partitioned on %s", table.Name, md.Schema, part.Field)
		}
		switch tb.Kind {
		case publish.Fact:
			if part.Field != publish.RecordDate || part.Expiration != 0 ||
				md.RequirePartitionFilter ||
				!slices.Equal(md.Clustering.Fields, tb.Key) ||
				md.Schema[len(md.Schema)-1].Name != publish.LoadedDate {
				t.Errorf("fact %s: %+v, clustered %v", table.Name, part, md.Clustering)
			}
		case publish.Snapshot:
			if part.Field != publish.SnapshotDate || part.Expiration != 400*24*time.Hour ||
				!md.RequirePartitionFilter {
				t.Errorf(
					"snapshot %s: %+v, filter required %v",
					table.Name,
					part,
					md.RequirePartitionFilter,
				)
			}
		default:
			if part.Field != publish.SnapshotDate || part.Expiration != 0 ||
				md.RequirePartitionFilter {
				t.Errorf(
					"%s table %s: %+v, filter required %v",
					tb.Kind,
					table.Name,
					part,
					md.RequirePartitionFilter,
				)
			}
		}
		for _, f := range md.Schema {
			if f.Type == "" || f.Description == "" || (f.Required && f.Repeated) {
				t.Errorf("%s.%s: %+v", table.Name, f.Name, f)
			}
		}
	}
}

func TestClustering(t *testing.T) {
	seg := publish.Table{
		Name:    "segment_summary",
		Columns: []publish.Column{{Name: "segment", Type: publish.String, Mode: publish.Required}},
	}
	both := publish.Table{
		Name: "members",
		Columns: []publish.Column{
			{Name: "segment", Type: publish.String},
			{Name: "person_id", Type: publish.String},
		},
	}
	for tb, want := range map[*publish.Table]string{&seg: "segment", &both: "person_id"} {
		md, err := Metadata(*tb, 400)
		if err != nil {
			t.Fatal(err)
		}
		if md.Clustering == nil || md.Clustering.Fields[0] != want {
			t.Errorf("%s clustered by %+v, want %s", tb.Name, md.Clustering, want)
		}
	}
}

func TestEvolve(t *testing.T) {
	want := &bigquery.TableMetadata{Description: "d", Schema: bigquery.Schema{
		{Name: "snapshot_date", Type: bigquery.DateFieldType, Required: true},
		{Name: "a", Type: bigquery.StringFieldType, Required: true, Description: "a now"},
		{Name: "b", Type: bigquery.IntegerFieldType, Description: "b"},
		{Name: "new", Type: bigquery.StringFieldType, Required: true, Description: "new"},
	}, TimePartitioning: &bigquery.TimePartitioning{Field: "snapshot_date"}}
	have := &bigquery.TableMetadata{
		Type:        bigquery.RegularTable,
		Description: "d",
		Schema: bigquery.Schema{
			{Name: "snapshot_date", Type: bigquery.DateFieldType, Required: true},
			{Name: "a", Type: bigquery.StringFieldType, Required: true, Description: "a then"},
			{Name: "b", Type: bigquery.IntegerFieldType, Required: true, Description: "b"},
			{Name: "gone", Type: bigquery.StringFieldType, Required: true},
		},
		TimePartitioning: &bigquery.TimePartitioning{Field: "snapshot_date"},
	}
	u, err := evolve("t", have, want)
	if err != nil || u == nil {
		t.Fatalf("update %v, err %v", u, err)
	}
	got := map[string]*bigquery.FieldSchema{}
	var order []string
	for _, f := range u.Schema {
		got[f.Name] = f
		order = append(order, f.Name)
	}
	if strings.Join(order, ",") != "snapshot_date,a,b,gone,new" {
		t.Errorf("columns %v: existing ones keep their place, new ones come last", order)
	}
	if got["a"].Description != "a now" || !got["a"].Required || got["b"].Required ||
		got["gone"].Required ||
		got["new"].Required {
		t.Errorf("evolved schema %+v %+v %+v %+v", got["a"], got["b"], got["gone"], got["new"])
	}
	if u, err := evolve("t", want2have(want), want); err != nil || u != nil {
		t.Errorf("a table as wanted needs no update: %+v, %v", u, err)
	}
	bad := want2have(want)
	bad.Schema[2] = &bigquery.FieldSchema{Name: "b", Type: bigquery.StringFieldType}
	if _, err := evolve("t", bad, want); err == nil || !strings.Contains(err.Error(), "column b") {
		t.Errorf("changed type: %v", err)
	}
	bad = want2have(want)
	bad.TimePartitioning = nil
	if _, err := evolve("t", bad, want); err == nil ||
		!strings.Contains(err.Error(), `partitioned on "", the model wants "snapshot_date"`) {
		t.Errorf("unpartitioned: %v", err)
	}
}

func want2have(want *bigquery.TableMetadata) *bigquery.TableMetadata {
	h := *want
	h.Type = bigquery.RegularTable
	h.Schema = append(bigquery.Schema(nil), want.Schema...)
	return &h
}
