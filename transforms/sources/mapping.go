package sources

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mapping says where a canonical field's value comes from. Under a source's `columns`, a plain
// name is the source's column (`status: order_status`; ” leaves the field unread), and a
// mapping reshapes:
//
//	{column: C}                        the same as the plain name
//	{value: V}                         the constant V for every record
//	{column: C, default: V}            V when C is absent or empty
//	{column: C, values: {their: our}}  C's words mapped onto ours (enum fields only)
//	{column: C, lookup: NAME}          C's value replaced by the lookup's value for that key
//	{from_lines: true}                 orders' total: the sum of the order's lines
//
// A default combines with values or a lookup (the default is mapped too); values and a lookup
// do not combine.
type Mapping struct {
	// Column is the source's column: a CSV header, a JSON key or a Parquet column.
	Column string `yaml:"column,omitempty"`
	// Value is a constant given to every record; nil for none.
	Value *string `yaml:"value,omitempty"`
	// Default is the value of a record whose column is absent or empty; nil for none.
	Default *string `yaml:"default,omitempty"`
	// Values maps the source's words onto the field's own (matched width-folded and
	// case-insensitively); a word in neither it nor the field's synonyms is unmapped.
	Values map[string]string `yaml:"values,omitempty"`
	// Lookup names a table of the config's lookups that replaces the column's value.
	Lookup string `yaml:"lookup,omitempty"`
	// FromLines computes an order's total from its lines (orders' total only).
	FromLines bool `yaml:"from_lines,omitempty"`

	// Line is where the mapping is written in the config file.
	Line int `yaml:"-"`
}

// mappingKeys are the keys a mapping may hold.
var mappingKeys = map[string]bool{
	"column":     true,
	"value":      true,
	"default":    true,
	"values":     true,
	"lookup":     true,
	"from_lines": true,
}

// UnmarshalYAML reads a plain column name or a mapping with known keys only.
func (m *Mapping) UnmarshalYAML(node *yaml.Node) error {
	*m = Mapping{Line: node.Line}
	switch node.Kind {
	case yaml.ScalarNode:
		return node.Decode(&m.Column)
	case yaml.MappingNode:
	default:
		return fmt.Errorf(
			"line %d: a column is a name or a mapping such as {column: C, default: V}",
			node.Line,
		)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if key := node.Content[i].Value; !mappingKeys[key] {
			return fmt.Errorf(
				"line %d: unknown key %q in a column mapping (one of %s)",
				node.Content[i].Line,
				key,
				strings.Join(sortedKeys(mappingKeys), ", "),
			)
		}
	}
	type plain Mapping // no UnmarshalYAML: decodes the fields
	var p plain
	if err := node.Decode(&p); err != nil {
		return err
	}
	*m = Mapping(p)
	m.Line = node.Line
	return nil
}

// MarshalYAML writes a mapping that only names a column as the plain name, so a config written
// back reads the same.
func (m Mapping) MarshalYAML() (any, error) {
	if m.Value == nil && m.Default == nil && m.Values == nil && m.Lookup == "" && !m.FromLines {
		return m.Column, nil
	}
	type plain Mapping // no MarshalYAML: encodes the fields
	return plain(m), nil
}

// Reshapes reports whether the mapping does more than name a column.
func (m Mapping) Reshapes() bool {
	return m.Value != nil || m.Default != nil || m.Values != nil || m.Lookup != ""
}

// check validates the mapping of one field of a kind against the config's lookups.
func (m Mapping) check(kind, field string, lookups map[string]bool) error {
	switch {
	case m.Value != nil && (m.Column != "" || m.Default != nil || m.Values != nil ||
		m.Lookup != "" || m.FromLines):
		return fmt.Errorf(
			"value is a constant: it takes no column, default, values, lookup or from_lines",
		)
	case m.FromLines && (kind != "orders" || field != "total"):
		return fmt.Errorf(
			"from_lines computes an order's total: only the total of an orders source takes it",
		)
	case m.FromLines && (m.Column != "" || m.Default != nil || m.Values != nil || m.Lookup != ""):
		return fmt.Errorf("from_lines takes no column, default, values or lookup")
	case m.Column == "" && (m.Default != nil || m.Values != nil || m.Lookup != ""):
		return fmt.Errorf("default, values and lookup need the column they apply to")
	case m.Values != nil && m.Lookup != "":
		return fmt.Errorf(
			"values and lookup cannot both be given: map the lookup's values in the lookup file",
		)
	}
	if m.Values != nil {
		if !EnumFields[kind][field] {
			return fmt.Errorf(
				"a values map needs a field with a fixed vocabulary, and %s is not one "+
					"(those of kind %s: %s)",
				field,
				kind,
				strings.Join(sortedKeys(EnumFields[kind]), ", "),
			)
		}
		if len(m.Values) == 0 {
			return fmt.Errorf("values is empty")
		}
		for their, our := range m.Values {
			if strings.TrimSpace(their) == "" || strings.TrimSpace(our) == "" {
				return fmt.Errorf("values: %q: %q maps an empty word", their, our)
			}
		}
	}
	if m.Lookup != "" && !lookups[m.Lookup] {
		declared := "none is declared"
		if len(lookups) > 0 {
			declared = "declared: " + strings.Join(sortedKeys(lookups), ", ")
		}
		return fmt.Errorf("lookup %q is not among the config's lookups (%s)", m.Lookup, declared)
	}
	return nil
}

// EnumFields are the fields of each kind whose values come from a fixed vocabulary (the clean
// stage's synonym maps): the fields a values map may translate.
var EnumFields = map[string]map[string]bool{
	"users":    {"gender": true, "registration_channel": true},
	"orders":   {"status": true, "channel": true},
	"events":   {"event_type": true, "channel": true},
	"touches":  {"channel": true, "action": true},
	"vendor":   {"income_band": true},
	"tickets":  {"category": true, "status": true},
	"products": {}, "order_items": {}, "reviews": {}, "site_posts": {},
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
