package publish

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/shopportraits/portraits/schemas"
)

// Column is one column as the schemas struct declares it.
type Column struct {
	Name string
	Doc  string
	Type Type
	Mode Mode
	// PII is the column's sensitivity from its `pii` tag: "" (none), contact or identifier.
	PII string
	// Key marks a sensitive column that is what its table's rows are about (`pii:"identifier,key"`):
	// without it the rows mean nothing, so the whole table stays out of the analytics zone.
	Key bool
}

// Type is a column's value type, independent of any warehouse.
type Type string

// The column types the schemas structs use.
const (
	String    Type = "string"
	Int32     Type = "int32"
	Int64     Type = "int64"
	Float64   Type = "float64"
	Bool      Type = "bool"
	Timestamp Type = "timestamp" // int64 microseconds since the epoch, UTC
	// Date is a calendar day. No run column has it: the warehouse adds the days it keeps rows by
	// (snapshot_date, record_date, loaded_date) and its own tables' dates.
	Date Type = "date"
)

// Mode says whether a column may be null or holds a list.
type Mode string

// The column modes: a plain field is required, `optional` is nullable, `list` is repeated.
const (
	Required Mode = "required"
	Nullable Mode = "nullable"
	Repeated Mode = "repeated"
)

// The values of the `pii` struct tag.
const (
	// Contact marks a contact point people can read, even masked (138****5678).
	Contact = "contact"
	// Identifier marks a salted hash of a personal identifier (phone, e-mail, nickname ...).
	Identifier = "identifier"
)

// Columns lists a table's Parquet columns in struct order with their types, modes, documentation
// and sensitivity. A field type or tag that no warehouse mapping covers is an error naming the
// field.
func Columns(t schemas.Table) ([]Column, error) {
	var out []Column
	for i := 0; i < t.Type.NumField(); i++ {
		f := t.Type.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		c, err := column(f, name, opts)
		if err != nil {
			return nil, fmt.Errorf("table %s, field %s.%s: %w", t.Name, t.Type.Name(), f.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func column(f reflect.StructField, name, opts string) (Column, error) {
	c := Column{Name: name, Doc: f.Tag.Get("desc"), Mode: Required}
	timestamp := false
	for _, o := range strings.Split(opts, ",") {
		switch {
		case o == "":
		case o == "optional":
			c.Mode = Nullable
		case o == "list":
			c.Mode = Repeated
		case o == "timestamp(microsecond)":
			timestamp = true
		case strings.HasPrefix(o, "timestamp"):
			return c, fmt.Errorf("parquet option %q: only timestamp(microsecond) is mapped", o)
		default:
			return c, fmt.Errorf("parquet option %q has no warehouse mapping", o)
		}
	}
	pii, key, _ := strings.Cut(f.Tag.Get("pii"), ",")
	switch pii {
	case "", Contact, Identifier:
		c.PII = pii
	default:
		return c, fmt.Errorf("pii tag %q: want %s or %s", pii, Contact, Identifier)
	}
	switch key {
	case "":
	case "key":
		if pii == "" {
			return c, fmt.Errorf("pii tag %q: key needs a sensitivity", f.Tag.Get("pii"))
		}
		c.Key = true
	default:
		return c, fmt.Errorf("pii tag option %q: only key is known", key)
	}
	ft := f.Type
	if ft.Kind() == reflect.Pointer {
		// parquet-go writes a nil pointer as null, so a pointer is nullable with or without `optional`.
		ft = ft.Elem()
		if c.Mode == Required {
			c.Mode = Nullable
		}
	}
	if c.Mode == Repeated {
		if ft.Kind() != reflect.Slice {
			return c, fmt.Errorf("list tag on a %s", ft)
		}
		ft = ft.Elem()
	}
	switch ft.Kind() {
	case reflect.String:
		c.Type = String
	case reflect.Int32:
		c.Type = Int32
	case reflect.Int64:
		c.Type = Int64
		if timestamp {
			c.Type = Timestamp
		}
	case reflect.Float64:
		c.Type = Float64
	case reflect.Bool:
		c.Type = Bool
	default:
		return c, fmt.Errorf("type %s has no warehouse mapping", f.Type)
	}
	if timestamp && c.Type != Timestamp {
		return c, fmt.Errorf("timestamp option on a %s", f.Type)
	}
	return c, nil
}
