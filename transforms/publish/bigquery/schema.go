package bigquery

import (
	"fmt"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
)

// fieldTypes maps the schemas' column types: both integer widths are INT64 (sent as INTEGER, the
// REST API's name for it), float64 is FLOAT64 (FLOAT), bool is BOOL (BOOLEAN), and int64 microseconds
// tagged timestamp(microsecond) are TIMESTAMP.
var fieldTypes = map[publish.Type]bigquery.FieldType{
	publish.String:    bigquery.StringFieldType,
	publish.Int32:     bigquery.IntegerFieldType,
	publish.Int64:     bigquery.IntegerFieldType,
	publish.Float64:   bigquery.FloatFieldType,
	publish.Bool:      bigquery.BooleanFieldType,
	publish.Timestamp: bigquery.TimestampFieldType,
}

// Schema is the BigQuery schema of a table: snapshot_date DATE first, then the struct's columns with
// their descriptions; optional columns are NULLABLE, lists REPEATED, the others REQUIRED.
func Schema(t publish.Table) (bigquery.Schema, error) {
	s := bigquery.Schema{{Name: publish.SnapshotDate, Type: bigquery.DateFieldType, Required: true, Description: publish.SnapshotDateDoc}}
	for _, c := range t.Columns {
		ft, ok := fieldTypes[c.Type]
		if !ok {
			return nil, fmt.Errorf("table %s, column %s: type %s has no BigQuery mapping", t.Name, c.Name, c.Type)
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

// Metadata is how a zone's table is created: its schema and description, partitioned by day on
// snapshot_date, and clustered by person_id, or by segment for segment tables, when it has one.
func Metadata(t publish.Table) (*bigquery.TableMetadata, error) {
	s, err := Schema(t)
	if err != nil {
		return nil, err
	}
	md := &bigquery.TableMetadata{
		Description:      t.Doc,
		Schema:           s,
		TimePartitioning: &bigquery.TimePartitioning{Type: bigquery.DayPartitioningType, Field: publish.SnapshotDate},
		Labels:           map[string]string{"managed_by": "portraits_publish"},
	}
	if c := clusterColumn(t); c != "" {
		md.Clustering = &bigquery.Clustering{Fields: []string{c}}
	}
	return md, nil
}

func clusterColumn(t publish.Table) string {
	for _, want := range []string{"person_id", "segment"} {
		for _, c := range t.Columns {
			if c.Name == want {
				return want
			}
		}
	}
	return ""
}

// sqlType names a field type as GoogleSQL does, for people to read.
func sqlType(f *bigquery.FieldSchema) string {
	name := map[bigquery.FieldType]string{
		bigquery.IntegerFieldType: "INT64", bigquery.FloatFieldType: "FLOAT64", bigquery.BooleanFieldType: "BOOL",
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
