package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/cel-go/cel"

	"github.com/shopportraits/portraits/schemas"
)

// Variable is one CEL variable of a rule: a portrait column, or the has_ flag of an optional one.
type Variable struct {
	// Name is the column's Parquet name (has_<column> for a presence flag).
	Name string
	// Type is the CEL type: string, int, double, bool, list(string) or google.protobuf.Timestamp.
	Type string
	// Optional says the column may be null: the variable is then unbound (see the package comment).
	Optional bool
	// Doc is the column's description.
	Doc string
}

// column reads one portrait field as a CEL value.
type column struct {
	Variable
	field int // index in schemas.Portrait
	conv  func(reflect.Value) any
}

// columns are the portrait's columns in struct order; byName indexes columns and has_ flags.
var columns, byName = portraitColumns()

// binding is what a name resolves to: a column, or the presence flag of one.
type binding struct {
	col  int
	flag bool
}

func portraitColumns() ([]column, map[string]binding) {
	t := reflect.TypeOf(schemas.Portrait{})
	var cols []column
	names := map[string]binding{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if name == "-" || name == "" {
			continue
		}
		c := column{Variable: Variable{Name: name, Doc: f.Tag.Get("desc")}, field: i}
		timestamp := strings.Contains(opts, "timestamp(")
		c.Optional = slices.Contains(strings.Split(opts, ","), "optional")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch k := ft.Kind(); {
		case timestamp:
			c.Type = "google.protobuf.Timestamp"
			c.conv = func(v reflect.Value) any { return time.UnixMicro(v.Int()).UTC() }
		case k == reflect.String:
			c.Type = "string"
			c.conv = func(v reflect.Value) any { return v.String() }
		case k == reflect.Int32 || k == reflect.Int64:
			c.Type = "int"
			c.conv = func(v reflect.Value) any { return v.Int() }
		case k == reflect.Float64:
			c.Type = "double"
			c.conv = func(v reflect.Value) any { return v.Float() }
		case k == reflect.Bool:
			c.Type = "bool"
			c.conv = func(v reflect.Value) any { return v.Bool() }
		case k == reflect.Slice && ft.Elem().Kind() == reflect.String:
			c.Type = "list(string)"
			c.conv = func(v reflect.Value) any {
				if v.IsNil() {
					return []string{}
				}
				return v.Interface()
			}
		default:
			panic(
				fmt.Sprintf(
					"rules: portrait column %s has type %s, which has no CEL mapping",
					name,
					ft,
				),
			)
		}
		names[name] = binding{col: len(cols)}
		if c.Optional {
			names["has_"+name] = binding{col: len(cols), flag: true}
		}
		cols = append(cols, c)
	}
	return cols, names
}

// Variables lists every variable a rule may use: one per portrait column, in the portraits table's
// order, each optional column followed by its has_ flag.
func Variables() []Variable {
	var out []Variable
	for _, c := range columns {
		out = append(out, c.Variable)
		if c.Optional {
			out = append(out, Variable{Name: "has_" + c.Name, Type: "bool",
				Doc: "true when " + c.Name + " is not null"})
		}
	}
	return out
}

// celType maps a Variable's type name to CEL.
func celType(name string) *cel.Type {
	switch name {
	case "string":
		return cel.StringType
	case "int":
		return cel.IntType
	case "double":
		return cel.DoubleType
	case "bool":
		return cel.BoolType
	case "list(string)":
		return cel.ListType(cel.StringType)
	default:
		return cel.TimestampType
	}
}
