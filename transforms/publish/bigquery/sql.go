package bigquery

import (
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
)

// qualified quotes a table of a zone for GoogleSQL: `project.dataset.table`.
func (c Config) qualified(z publish.Zone, table string) string {
	return "`" + c.Project + "." + c.dataset(z) + "." + table + "`"
}

// stagingTable names the table a run's files of one table are loaded into first. It lives in the
// restricted dataset, since it holds every column.
func stagingTable(p *publish.Plan, table string) string {
	return "_staging_" + table + "_" + p.Compact()
}

// replaceScript is the query job that moves a loaded staging table into the date's partition of
// every zone that holds the table, in one transaction.
//
// Why a staging table and DML, not a load straight into table$YYYYMMDD: the Parquet files do not
// carry snapshot_date, and a load into a partition decorator of a table partitioned on a column must
// supply that column in every row. A query job writing SELECT DATE 'd', ... into table$YYYYMMDD with
// WRITE_TRUNCATE would fill it, but query results are NULLABLE and the tables keep REQUIRED columns,
// which such a write only accepts by relaxing them (ALLOW_FIELD_RELAXATION), losing the schemas'
// guarantees. DELETE of the date then INSERT ... SELECT DATE 'd', columns keeps REQUIRED checked row
// by row, fills both zones from one load, and inside a transaction readers see the old partition or
// the new one, never a mix or a gap. Deleting a whole partition is a free metadata operation.
func (c Config) replaceScript(p *publish.Plan, t publish.Table) string {
	var b strings.Builder
	b.WriteString("BEGIN\n  BEGIN TRANSACTION;\n")
	staging := c.qualified(publish.Restricted, stagingTable(p, t.Name))
	for _, z := range publish.Zones {
		zt, ok := t.In(z)
		if !ok {
			continue
		}
		target := c.qualified(z, t.Name)
		cols := make([]string, len(zt.Columns))
		for i, col := range zt.Columns {
			cols[i] = "`" + col.Name + "`"
		}
		list := strings.Join(cols, ", ")
		fmt.Fprintf(&b, "  DELETE FROM %s WHERE %s = DATE '%s';\n", target, publish.SnapshotDate, p.Date)
		fmt.Fprintf(&b, "  INSERT INTO %s (%s, %s)\n  SELECT DATE '%s', %s FROM %s;\n", target, publish.SnapshotDate, list, p.Date, list, staging)
	}
	b.WriteString("  COMMIT TRANSACTION;\nEXCEPTION WHEN ERROR THEN\n  ROLLBACK TRANSACTION;\n  RAISE USING MESSAGE = @@error.message;\nEND;")
	return b.String()
}

// catalogMerge replaces the catalogue rows of the published tables and views in one statement: rows
// whose table is in @tables and not among @rows go, @rows come in. Parameters, not literals, carry
// the descriptions, so no quoting can go wrong.
func (c Config) catalogMerge(z publish.Zone) string {
	return fmt.Sprintf(`MERGE %s AS t
USING (SELECT * FROM UNNEST(@rows)) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.table_name IN UNNEST(@tables) THEN DELETE
WHEN NOT MATCHED THEN INSERT (table_name, column_name, description) VALUES (s.table_name, s.column_name, s.description)`,
		c.qualified(z, publish.CatalogName))
}
