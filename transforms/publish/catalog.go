package publish

// CatalogRow is one row of a warehouse's table_catalog: a table's own description has an empty
// column.
type CatalogRow struct {
	Table, Column, Description string
}

// CatalogName is the catalogue table every zone gets.
const CatalogName = "table_catalog"

// Catalog lists the catalogue rows of tables: the table, then every column as the warehouse stores
// it.
func Catalog(tables []Table) []CatalogRow {
	var out []CatalogRow
	for _, t := range tables {
		out = append(out, CatalogRow{t.Name, "", t.Doc})
		for _, c := range t.Stored() {
			out = append(out, CatalogRow{t.Name, c.Name, c.Doc})
		}
	}
	return out
}
