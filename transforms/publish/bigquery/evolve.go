package bigquery

import (
	"fmt"
	"reflect"

	"cloud.google.com/go/bigquery"

	"github.com/shopportraits/portraits/transforms/publish"
)

// evolve compares an existing table with the metadata the schemas want and returns the update that
// brings it there, or nil when none is needed. BigQuery only adds NULLABLE or REPEATED columns and
// relaxes REQUIRED ones, so a new column arrives NULLABLE, a column the struct made optional or
// dropped is relaxed (rows inserted without it must be accepted), and a changed type or a table that
// is not partitioned on snapshot_date is an error for a person to migrate.
func evolve(name string, have, want *bigquery.TableMetadata) (*bigquery.TableMetadataToUpdate, error) {
	if have.Type != bigquery.RegularTable {
		return nil, fmt.Errorf("table %s exists as a %s, not a table", name, have.Type)
	}
	if have.TimePartitioning == nil || have.TimePartitioning.Field != publish.SnapshotDate {
		return nil, fmt.Errorf("table %s exists without day partitions on %s: drop it or migrate it", name, publish.SnapshotDate)
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
			return nil, fmt.Errorf("table %s, column %s: BigQuery has %s, the schemas want %s: migrate the table", name, f.Name, sqlType(&f), sqlType(w))
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
	if !changed {
		return nil, nil
	}
	return &u, nil
}

func clusterFields(c *bigquery.Clustering) []string {
	if c == nil || len(c.Fields) == 0 {
		return nil
	}
	return c.Fields
}
