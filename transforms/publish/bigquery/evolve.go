package bigquery

import (
	"fmt"
	"reflect"

	"cloud.google.com/go/bigquery"
)

// evolve compares an existing table with the metadata the schemas want and returns the update that
// brings it there, or nil when none is needed. BigQuery only adds NULLABLE or REPEATED columns and
// relaxes REQUIRED ones, so a new column arrives NULLABLE, a column the struct made optional or
// dropped is relaxed (rows inserted without it must be accepted), and a changed type or partition
// column is an error for a person to migrate. The partitions' expiration and the partition filter
// requirement follow the wanted ones.
func evolve(
	name string,
	have, want *bigquery.TableMetadata,
) (*bigquery.TableMetadataToUpdate, error) {
	if have.Type != bigquery.RegularTable {
		return nil, fmt.Errorf("table %s exists as a %s, not a table", name, have.Type)
	}
	if partitionField(have) != partitionField(want) {
		return nil, fmt.Errorf(
			"table %s is partitioned on %q, the model wants %q: drop it or migrate it",
			name,
			partitionField(have),
			partitionField(want),
		)
	}
	wanted := map[string]*bigquery.FieldSchema{}
	for _, f := range want.Schema {
		wanted[f.Name] = f
	}
	changed := false
	var schema bigquery.Schema
	seen := map[string]bool{}
	for _, h := range have.Schema {
		f := *h
		seen[f.Name] = true
		w, ok := wanted[f.Name]
		switch {
		case !ok:
			if f.Required {
				f.Required, changed = false, true
			}
		case w.Type != f.Type || w.Repeated != f.Repeated:
			return nil, fmt.Errorf(
				"table %s, column %s: BigQuery has %s, the schemas want %s: migrate the table",
				name,
				f.Name,
				sqlType(&f),
				sqlType(w),
			)
		default:
			if f.Required && !w.Required {
				f.Required, changed = false, true
			}
			if f.Description != w.Description {
				f.Description, changed = w.Description, true
			}
		}
		schema = append(schema, &f)
	}
	for _, w := range want.Schema {
		if !seen[w.Name] {
			f := *w
			f.Required, changed = false, true
			schema = append(schema, &f)
		}
	}
	var u bigquery.TableMetadataToUpdate
	if changed {
		u.Schema = schema
	}
	if have.Description != want.Description {
		u.Description, changed = want.Description, true
	}
	if !reflect.DeepEqual(clusterFields(have.Clustering), clusterFields(want.Clustering)) {
		u.Clustering, changed = want.Clustering, true
		if u.Clustering == nil {
			u.Clustering = &bigquery.Clustering{}
		}
	}
	if w, h := want.TimePartitioning, have.TimePartitioning; w != nil && h != nil &&
		h.Expiration != w.Expiration {
		// The client sends the deprecated field in timePartitioning with any change of it: it must
		// say what the table's own field says.
		u.TimePartitioning = &bigquery.TimePartitioning{
			Type:                   w.Type,
			Field:                  w.Field,
			Expiration:             w.Expiration,
			RequirePartitionFilter: want.RequirePartitionFilter,
		}
		u.RequirePartitionFilter, changed = want.RequirePartitionFilter, true
	}
	if have.RequirePartitionFilter != want.RequirePartitionFilter {
		u.RequirePartitionFilter, changed = want.RequirePartitionFilter, true
	}
	if !changed {
		return nil, nil
	}
	return &u, nil
}

// partitionField is the column a table is partitioned on, "" for none.
func partitionField(md *bigquery.TableMetadata) string {
	if md.TimePartitioning == nil {
		return ""
	}
	return md.TimePartitioning.Field
}

func clusterFields(c *bigquery.Clustering) []string {
	if c == nil || len(c.Fields) == 0 {
		return nil
	}
	return c.Fields
}
