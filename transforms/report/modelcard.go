package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// modelCardJSON lists a model card written as JSON, one line per value in the file's order:
// nested objects give paths (bg_nbd › r), arrays of plain values one comma-separated line.
func modelCardJSON(name string, data []byte) (*Table, error) {
	t := &Table{Caption: name, Head: trList("figure", "value")}
	if err := flatten(nil, data, t); err != nil {
		return nil, fmt.Errorf("report: model card %s: %w", name, err)
	}
	return t, nil
}

// purchaseModelSentence says which purchase model the lifetime figures of a model card (JSON) come
// from and why; "" when the card does not name one.
func purchaseModelSentence(data []byte) string {
	var c struct {
		Model  string `json:"purchase_model"`
		Reason string `json:"purchase_model_reason"`
	}
	if json.Unmarshal(data, &c) != nil || c.Model == "" {
		return ""
	}
	if c.Reason == "" {
		return trf("P(alive), expected purchases and lifetime value come from the %s purchase "+
			"model.", c.Model)
	}
	return trf("P(alive), expected purchases and lifetime value come from the %s purchase "+
		"model: %s.", c.Model, c.Reason)
}

func flatten(path []string, raw json.RawMessage, t *Table) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return fmt.Errorf("empty value at %s", strings.Join(path, "."))
	}
	switch raw[0] {
	case '{':
		dec := json.NewDecoder(bytes.NewReader(raw))
		if _, err := dec.Token(); err != nil {
			return err
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			if err := flatten(append(path[:len(path):len(path)], fmt.Sprint(key)), v, t); err != nil {
				return err
			}
		}
		return nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		plain := make([]string, 0, len(items))
		for i, it := range items {
			if it = bytes.TrimSpace(it); len(it) > 0 && (it[0] == '{' || it[0] == '[') {
				if err := flatten(append(path[:len(path):len(path)], fmt.Sprint(i+1)), it, t); err != nil {
					return err
				}
				continue
			}
			plain = append(plain, scalar(it))
		}
		if len(plain) > 0 || len(items) == 0 {
			t.Rows = append(t.Rows, []Cell{txt(pathLabel(path)), txt(strings.Join(plain, ", "))})
		}
		return nil
	}
	if !json.Valid(raw) {
		return fmt.Errorf("invalid value at %s", strings.Join(path, "."))
	}
	t.Rows = append(t.Rows, []Cell{txt(pathLabel(path)), txt(scalar(raw))})
	return nil
}

// scalar is a JSON string unquoted, null as —, or any other plain value as written.
func scalar(raw json.RawMessage) string {
	var s string
	switch {
	case string(raw) == "null":
		return "—"
	case json.Unmarshal(raw, &s) == nil:
		return s
	}
	return string(raw)
}

func pathLabel(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = label(p)
	}
	return strings.Join(parts, " › ")
}

// modelCardRows lists the rows of a model card table: one row as figure/value lines, several as
// a table with one column per field. Columns are named by their parquet tags.
func modelCardRows(name string, rows []any) *Table {
	t := &Table{Caption: name}
	if len(rows) == 0 {
		return t
	}
	typ := reflect.TypeOf(rows[0])
	var names []string
	var fields []int
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if !f.IsExported() || tag == "-" {
			continue
		}
		names = append(names, label(cmp.Or(tag, f.Name)))
		fields = append(fields, i)
	}
	values := func(row any) []Cell {
		v := reflect.ValueOf(row)
		cells := make([]Cell, len(fields))
		for j, i := range fields {
			cells[j] = txt(plainValue(v.Field(i)))
		}
		return cells
	}
	if len(rows) == 1 {
		t.Head = trList("figure", "value")
		for j, c := range values(rows[0]) {
			t.Rows = append(t.Rows, []Cell{txt(names[j]), c})
		}
		return t
	}
	t.Head = names
	for _, r := range rows {
		t.Rows = append(t.Rows, values(r))
	}
	return t
}

// plainValue prints a field for people: a null pointer as —, lists comma-separated.
func plainValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return "—"
		}
		return plainValue(v.Elem())
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = plainValue(v.Index(i))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v.Interface())
}
