package publish

// Zone is a grade of access in the warehouse: a DuckDB schema, a BigQuery dataset.
type Zone string

// The two zones. Analysts read analytics, which holds no contact point and no hashed identifier at
// all; the activation service reads restricted, which holds every table that has such columns, in
// full, so that it can reach the persons a segment selects.
const (
	Analytics  Zone = "analytics"
	Restricted Zone = "restricted"
)

// Zones are the zones in the order publishing fills them.
var Zones = []Zone{Restricted, Analytics}

// In returns the table as the zone holds it, and false when the zone does not hold it. Analytics
// holds every table whose rows are not about an identifier, without its sensitive columns;
// restricted holds every table with a sensitive column, with all its columns.
func (t Table) In(z Zone) (Table, bool) {
	if t.Only != "" {
		return t, t.Only == z
	}
	sensitive := false
	for _, c := range t.Columns {
		if c.PII == "" {
			continue
		}
		sensitive = true
		if c.Key && z == Analytics {
			return Table{}, false
		}
	}
	switch z {
	case Restricted:
		return t, sensitive
	case Analytics:
		if !sensitive {
			return t, true
		}
		out := t
		out.Columns = nil
		for _, c := range t.Columns {
			if c.PII == "" {
				out.Columns = append(out.Columns, c)
			}
		}
		return out, true
	}
	return Table{}, false
}

// NotHeld says why a zone does not hold a table.
var NotHeld = map[Zone]string{
	Analytics:  "its rows are about an identifier",
	Restricted: "no sensitive column",
}

// Withheld lists the columns of t that zone z does not get.
func (t Table) Withheld(z Zone) []string {
	zt, ok := t.In(z)
	if !ok {
		return nil
	}
	kept := map[string]bool{}
	for _, c := range zt.Columns {
		kept[c.Name] = true
	}
	var out []string
	for _, c := range t.Columns {
		if !kept[c.Name] {
			out = append(out, c.Name)
		}
	}
	return out
}

// In returns the tables of the plan that zone z holds, as it holds them.
func (p *Plan) In(z Zone) []Table {
	var out []Table
	for _, t := range p.Tables {
		if zt, ok := t.In(z); ok {
			out = append(out, zt)
		}
	}
	return out
}
