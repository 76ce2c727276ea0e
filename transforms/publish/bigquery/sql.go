package bigquery

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopportraits/portraits/transforms/publish"
)

// qualified quotes a table of a zone for GoogleSQL: `project.dataset.table`.
func (c Config) qualified(z publish.Zone, table string) string {
	return "`" + c.Project + "." + c.dataset(z) + "." + table + "`"
}

// stagingTable names the table a run's files of one table are loaded into first. It lives in the
// restricted dataset, since it holds every column, and expires a day after its creation.
func stagingTable(p *publish.Plan, table string) string {
	return "_staging_" + table + "_" + p.Compact()
}

// quote quotes a column name.
func quote(name string) string { return "`" + name + "`" }

// literal quotes s as a GoogleSQL string literal, for the DDL options that take no parameters.
func literal(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// labelList is the labels of what publish creates, as a DDL option's value.
func labelList() string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "(" + literal(k) + ", " + literal(labels[k]) + ")"
	}
	return strings.Join(out, ", ")
}

// columnList is the quoted columns, each prefixed with prefix ("s." ...).
func columnList(cols []publish.Column, prefix string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = prefix + quote(c.Name)
	}
	return strings.Join(out, ", ")
}

// differs is true when a column of t and s differ, nulls equal: arrays, which GoogleSQL does not
// compare, through their JSON.
func differs(c publish.Column) string {
	if c.Mode == publish.Repeated {
		return fmt.Sprintf(
			"TO_JSON_STRING(t.%s) != TO_JSON_STRING(s.%s)",
			quote(c.Name),
			quote(c.Name),
		)
	}
	return fmt.Sprintf("t.%s IS DISTINCT FROM s.%s", quote(c.Name), quote(c.Name))
}

// keyMatch is "t.k1 = s.k1 AND ...".
func keyMatch(key []string) string {
	out := make([]string, len(key))
	for i, k := range key {
		out[i] = fmt.Sprintf("t.%s = s.%s", quote(k), quote(k))
	}
	return strings.Join(out, " AND ")
}

// script wraps statements in one transaction, rolled back and raised again on any error, and
// runs after, in order, once it committed: the statements a transaction cannot hold (DDL on
// permanent tables and views). An error there fails the job with the transaction committed.
//
// Why DML in a transaction, not loads into partition decorators: the Parquet files carry neither
// snapshot_date nor record_date, the facts MERGE on their keys, and a query writing into
// table$YYYYMMDD would only accept the tables' REQUIRED columns by relaxing them. DML keeps
// REQUIRED checked row by row, fills both zones from one load, and inside one transaction readers
// see the previous night or the new one, never a mix.
func script(stmts, after []string) string {
	var b strings.Builder
	b.WriteString("BEGIN\n  BEGIN TRANSACTION;\n")
	for _, s := range stmts {
		b.WriteString("  " + strings.ReplaceAll(s, "\n", "\n  ") + ";\n")
	}
	b.WriteString("  COMMIT TRANSACTION;\nEXCEPTION WHEN ERROR THEN\n  ROLLBACK TRANSACTION;\n" +
		"  RAISE USING MESSAGE = @@error.message;\nEND;")
	for _, s := range after {
		b.WriteString("\n" + s + ";")
	}
	return b.String()
}

// statements move one zone's table of the night from its staging table, by the table's kind.
func (c Config) statements(
	p *publish.Plan,
	z publish.Zone,
	t publish.Table,
	newest bool,
	zone string,
) []string {
	name := c.qualified(z, t.Name)
	src := c.qualified(publish.Restricted, stagingTable(p, t.Name))
	date := "DATE '" + p.Date + "'"
	cols := columnList(t.Columns, "")
	replace := []string{
		fmt.Sprintf("DELETE FROM %s WHERE %s = %s", name, publish.SnapshotDate, date),
		fmt.Sprintf(
			"INSERT INTO %s (%s, %s)\nSELECT %s, %s FROM %s",
			name,
			publish.SnapshotDate,
			cols,
			date,
			cols,
			src,
		),
	}
	switch t.Kind {
	case publish.Fact:
		return []string{c.mergeFact(p, z, t, zone)}
	case publish.Snapshot:
		// Older partitions expire by themselves (the table's partition expiration).
		return replace
	case publish.Current:
		switch {
		case !newest:
			return nil
		case p.Mode == publish.Incremental && t.Changes:
			return []string{upsert(t, name, src, date)}
		}
		return []string{"DELETE FROM " + name + " WHERE TRUE", replace[1]}
	case publish.Append:
		if t.Name == "erasures" {
			return []string{
				fmt.Sprintf("MERGE %s AS t\nUSING %s AS s\nON %s\nWHEN NOT MATCHED THEN\n"+
					"  INSERT (%s, %s) VALUES (%s, %s)", name, src, keyMatch(t.Key),
					publish.SnapshotDate, cols, date,
					columnList(t.Columns, "s.")),
			}
		}
		return replace
	}
	return nil
}

// mergeFact is the MERGE of a fact on its natural key: new records inserted, a changed record
// updated when the night is not older than the one that wrote it (so that publishing an older night
// again never brings back an older state), record_date the business day of its own time, or its
// parent's.
func (c Config) mergeFact(p *publish.Plan, z publish.Zone, t publish.Table, zone string) string {
	date := "DATE '" + p.Date + "'"
	src := c.qualified(publish.Restricted, stagingTable(p, t.Name))
	day := fmt.Sprintf("DATE(st.%s, '%s')", quote(t.Day), zone)
	from := src + " AS st"
	if t.Parent != "" {
		// The parent's rows of the night are merged before, in the same transaction.
		day = "p." + publish.RecordDate
		from += fmt.Sprintf(
			" LEFT JOIN %s AS p ON p.%s = st.%s",
			c.qualified(z, t.Parent),
			quote(t.Key[0]),
			quote(t.Key[0]),
		)
	}
	changed := []string{"t." + publish.RecordDate + " IS DISTINCT FROM s." + publish.RecordDate}
	sets := []string{publish.RecordDate + " = s." + publish.RecordDate}
	for _, col := range t.Columns {
		changed = append(changed, differs(col))
		sets = append(sets, fmt.Sprintf("%s = s.%s", quote(col.Name), quote(col.Name)))
	}
	sets = append(sets, publish.LoadedDate+" = "+date)
	return fmt.Sprintf(
		"MERGE %s AS t\nUSING (SELECT %s AS %s, %s FROM %s) AS s\nON %s\n"+
			"WHEN MATCHED AND t.%s <= %s AND (%s) THEN\n  UPDATE SET %s\n"+
			"WHEN NOT MATCHED THEN\n  INSERT (%s, %s, %s) VALUES (s.%s, %s, %s)",
		c.qualified(
			z,
			t.Name,
		),
		day,
		publish.RecordDate,
		columnList(t.Columns, "st."),
		from,
		keyMatch(t.Key),
		publish.LoadedDate,
		date,
		strings.Join(changed, " OR "),
		strings.Join(sets, ", "),
		publish.RecordDate,
		columnList(t.Columns, ""),
		publish.LoadedDate,
		publish.RecordDate,
		columnList(t.Columns, "s."),
		date,
	)
}

// upsert updates a current table's rows the night changed and adds its new ones.
func upsert(t publish.Table, name, src, date string) string {
	var changed, sets []string
	for _, col := range t.Columns {
		changed = append(changed, differs(col))
		sets = append(sets, fmt.Sprintf("%s = s.%s", quote(col.Name), quote(col.Name)))
	}
	sets = append(sets, publish.SnapshotDate+" = "+date)
	return fmt.Sprintf(
		"MERGE %s AS t\nUSING %s AS s\nON %s\nWHEN MATCHED AND (%s) THEN\n  UPDATE SET %s\n"+
			"WHEN NOT MATCHED THEN\n  INSERT (%s, %s) VALUES (%s, %s)",
		name,
		src,
		keyMatch(t.Key),
		strings.Join(
			changed,
			" OR ",
		),
		strings.Join(sets, ", "),
		publish.SnapshotDate,
		columnList(t.Columns, ""),
		date,
		columnList(t.Columns, "s."),
	)
}

// catalogMerge replaces the catalogue rows of the published tables and views in one statement: rows
// whose table is in @tables and not among @rows go, @rows come in. Parameters, not literals, carry
// the descriptions, so no quoting can go wrong.
func (c Config) catalogMerge(z publish.Zone) string {
	return fmt.Sprintf(`MERGE %s AS t
USING (SELECT * FROM UNNEST(@rows)) AS s
ON FALSE
WHEN NOT MATCHED BY SOURCE AND t.table_name IN UNNEST(@tables) THEN DELETE
WHEN NOT MATCHED THEN INSERT (table_name, column_name, description) VALUES (s.table_name, `+
		`s.column_name, s.description)`,
		c.qualified(z, publish.CatalogName))
}
