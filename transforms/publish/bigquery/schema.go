package bigquery

import (
	"fmt"
	"time"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
)

// fieldTypes maps the schemas' column types: both integer widths are INT64 (sent as INTEGER, the
// REST API's name for it), float64 is FLOAT64 (FLOAT), bool is BOOL (BOOLEAN), and int64
// microseconds tagged timestamp(microsecond) are TIMESTAMP.
var fieldTypes = map[publish.Type]bigquery.FieldType{
	publish.String:    bigquery.StringFieldType,
	publish.Int32:     bigquery.IntegerFieldType,
	publish.Int64:     bigquery.IntegerFieldType,
	publish.Float64:   bigquery.FloatFieldType,
	publish.Bool:      bigquery.BooleanFieldType,
	publish.Timestamp: bigquery.TimestampFieldType,
	publish.Date:      bigquery.DateFieldType,
}

// Schema is the BigQuery schema of columns, with their descriptions; optional columns are NULLABLE,
// lists REPEATED, the others REQUIRED.
func Schema(table string, cols []publish.Column) (bigquery.Schema, error) {
	var s bigquery.Schema
	for _, c := range cols {
		ft, ok := fieldTypes[c.Type]
		if !ok {
			return nil, fmt.Errorf(
				"table %s, column %s: type %s has no BigQuery mapping",
				table,
				c.Name,
				c.Type,
			)
		}
		s = append(s, &bigquery.FieldSchema{
			Name:        c.Name,
			Type:        ft,
			Required:    c.Mode == publish.Required,
			Repeated:    c.Mode == publish.Repeated,
			Description: c.Doc,
		})
	}
	return s, nil
}

// Metadata is how a zone's table is created, by its kind: a fact table partitioned by day on
// record_date and clustered by its natural key; a snapshot table partitioned on snapshot_date with
// partitions expiring after snapshotDays and a partition filter required of every query; a current
// or append table partitioned on snapshot_date, kept; the others clustered by person_id, or by
// segment, when they have one. The warehouse's own tables are small and not partitioned.
func Metadata(t publish.Table, snapshotDays int) (*bigquery.TableMetadata, error) {
	s, err := Schema(t.Name, t.Stored())
	if err != nil {
		return nil, err
	}
	md := &bigquery.TableMetadata{
		Description: t.Doc,
		Schema:      s,
		Labels:      map[string]string{"managed_by": "portraits_publish"},
	}
	if col := t.PartitionColumn(); col != "" {
		md.TimePartitioning = &bigquery.TimePartitioning{
			Type:  bigquery.DayPartitioningType,
			Field: col,
		}
	}
	if t.Kind == publish.Snapshot {
		md.TimePartitioning.Expiration = time.Duration(snapshotDays) * 24 * time.Hour
		md.RequirePartitionFilter = true
	}
	if c := clusterColumns(t); len(c) > 0 {
		md.Clustering = &bigquery.Clustering{Fields: c}
	}
	return md, nil
}

// clusterColumns are a fact's natural key (at most four, as BigQuery allows), else person_id or
// segment when the table has one.
func clusterColumns(t publish.Table) []string {
	if t.Kind == publish.Fact {
		return t.Key[:min(len(t.Key), 4)]
	}
	for _, want := range []string{"person_id", "segment"} {
		for _, c := range t.Columns {
			if c.Name == want {
				return []string{want}
			}
		}
	}
	return nil
}

// sqlType names a field type as GoogleSQL does, for people to read.
func sqlType(f *bigquery.FieldSchema) string {
	name := map[bigquery.FieldType]string{
		bigquery.IntegerFieldType: "INT64", bigquery.FloatFieldType: "FLOAT64",
		bigquery.BooleanFieldType: "BOOL",
	}[f.Type]
	if name == "" {
		name = string(f.Type)
	}
	switch {
	case f.Repeated:
		return "ARRAY<" + name + ">"
	case f.Required:
		return name + " NOT NULL"
	}
	return name
}
