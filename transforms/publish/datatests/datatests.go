// Package datatests declares and runs the data tests a night's tables must pass before publish
// switches them in, as dbt does: unique and not-null keys, accepted values, relationships,
// row-count change against the last published night, and freshness. The tests are declared in one
// YAML file (tests.yaml here is the default; --data-tests names another), and run as SQL on the
// night's staging tables, in the dialect DuckDB and BigQuery share, so each warehouse runs the same
// tests.
package datatests

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
)

// The kinds of test.
const (
	Unique          = "unique"
	NotNull         = "not_null"
	AcceptedValues  = "accepted_values"
	Relationships   = "relationships"
	RowCountChange  = "row_count_change"
	Freshness       = "freshness"
	defaultLagDays  = 1
	defaultSeverity = Error
)

// The severities: a failing Error test stops the publish before the switch; a Warn one is recorded.
const (
	Error = "error"
	Warn  = "warn"
)

// Test is one declared test.
type Test struct {
	Test    string   `yaml:"test"`
	Table   string   `yaml:"table"`
	Columns []string `yaml:"columns"` // unique, not_null
	Column  string   `yaml:"column"`  // accepted_values, relationships, freshness
	Values  []string `yaml:"values"`  // accepted_values
	// To is TABLE.COLUMN for relationships.
	To string `yaml:"to"`
	// MinRatio and MaxRatio bound tonight's rows over the last published night's (row_count_change).
	MinRatio float64 `yaml:"min_ratio"`
	MaxRatio float64 `yaml:"max_ratio"`
	// MaxLagDays is how many days the newest record may be older than the run's day (freshness).
	MaxLagDays *int   `yaml:"max_lag_days"`
	Severity   string `yaml:"severity"`
}

// Suite is a file of tests.
type Suite struct {
	Tests []Test `yaml:"tests"`
}

//go:embed tests.yaml
var defaultTests []byte

// Load reads the tests of a YAML file, or the default tests when path is "".
func Load(path string) (Suite, error) {
	if path == "" {
		return Parse(defaultTests, "datatests/tests.yaml")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Suite{}, fmt.Errorf("data tests: %w", err)
	}
	return Parse(data, path)
}

// Parse reads and checks a tests file: unknown keys, unknown tables or columns, a test missing what
// it needs, are errors naming the file and the test's line.
func Parse(data []byte, name string) (Suite, error) {
	var s Suite
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Suite{}, fmt.Errorf("data tests %s: %w", name, err)
	}
	var doc struct {
		Tests []yaml.Node `yaml:"tests"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Suite{}, fmt.Errorf("data tests %s: %w", name, err)
	}
	for i := range s.Tests {
		t := &s.Tests[i]
		if t.Severity == "" {
			t.Severity = defaultSeverity
		}
		if err := t.check(); err != nil {
			return Suite{}, fmt.Errorf(
				"data tests %s line %d: %s: %w",
				name,
				doc.Tests[i].Line,
				t.Name(),
				err,
			)
		}
	}
	return s, nil
}

// Name is the test as the data_tests table names it: its kind and columns, such as
// unique(person_id) or relationships(person_id -> portraits.person_id).
func (t Test) Name() string {
	switch t.Test {
	case Unique, NotNull:
		return t.Test + "(" + strings.Join(t.Columns, ", ") + ")"
	case AcceptedValues:
		return t.Test + "(" + t.Column + ")"
	case Relationships:
		return t.Test + "(" + t.Column + " -> " + t.To + ")"
	case Freshness:
		return t.Test + "(" + t.column() + ")"
	}
	return t.Test
}

// column is the timestamp a freshness test reads: its column, else the fact's own time.
func (t Test) column() string {
	if t.Column != "" || t.Test != Freshness {
		return t.Column
	}
	return publish.Models[t.Table].Day
}

func (t Test) lagDays() int {
	if t.MaxLagDays == nil {
		return defaultLagDays
	}
	return *t.MaxLagDays
}

// value is what accepted values may spell: no quotes or backslashes, which the two dialects escape
// differently.
var value = regexp.MustCompile(`^[A-Za-z0-9_ .:+-]*$`)

func (t Test) check() error {
	if t.Severity != Error && t.Severity != Warn {
		return fmt.Errorf("severity %q: want %s or %s", t.Severity, Error, Warn)
	}
	cols, err := columns(t.Table)
	if err != nil {
		return err
	}
	has := func(table string, tcols map[string]publish.Column, names ...string) error {
		if len(names) == 0 || (len(names) == 1 && names[0] == "") {
			return fmt.Errorf("no column named")
		}
		for _, n := range names {
			if _, ok := tcols[n]; !ok {
				return fmt.Errorf("table %s has no column %q", table, n)
			}
		}
		return nil
	}
	switch t.Test {
	case Unique, NotNull:
		return has(t.Table, cols, t.Columns...)
	case AcceptedValues:
		if len(t.Values) == 0 {
			return fmt.Errorf("no values")
		}
		for _, v := range t.Values {
			if !value.MatchString(v) {
				return fmt.Errorf("value %q: letters, digits, spaces and _ . : + - only", v)
			}
		}
		return has(t.Table, cols, t.Column)
	case Relationships:
		table, col, ok := strings.Cut(t.To, ".")
		if !ok {
			return fmt.Errorf("to %q: want TABLE.COLUMN", t.To)
		}
		to, err := columns(table)
		if err != nil {
			return err
		}
		if err := has(table, to, col); err != nil {
			return err
		}
		return has(t.Table, cols, t.Column)
	case RowCountChange:
		if k := publish.Models[t.Table].Kind; k != publish.Snapshot && k != publish.Current {
			return fmt.Errorf(
				"table %s is a %s table: row counts are compared for snapshot and current tables",
				t.Table,
				k,
			)
		}
		if t.MinRatio < 0 || t.MaxRatio < t.MinRatio || t.MaxRatio == 0 {
			return fmt.Errorf(
				"min_ratio %g, max_ratio %g: want 0 <= min_ratio <= max_ratio, max_ratio > 0",
				t.MinRatio,
				t.MaxRatio,
			)
		}
		return nil
	case Freshness:
		if t.lagDays() < 0 {
			return fmt.Errorf("max_lag_days %d is negative", t.lagDays())
		}
		if err := has(t.Table, cols, t.column()); err != nil {
			return err
		}
		if c := cols[t.column()]; c.Type != publish.Timestamp {
			return fmt.Errorf("column %s is not a timestamp", c.Name)
		}
		return nil
	}
	return fmt.Errorf(
		"unknown test %q (want %s, %s, %s, %s, %s or %s)",
		t.Test,
		Unique,
		NotNull,
		AcceptedValues,
		Relationships,
		RowCountChange,
		Freshness,
	)
}

// columns are a run table's columns by name.
func columns(table string) (map[string]publish.Column, error) {
	if _, ok := publish.Models[table]; !ok {
		return nil, fmt.Errorf("table %q is not a table of the runs", table)
	}
	st, err := schemas.Lookup(table)
	if err != nil {
		return nil, err
	}
	cols, err := publish.Columns(st)
	if err != nil {
		return nil, err
	}
	out := map[string]publish.Column{}
	for _, c := range cols {
		out[c.Name] = c
	}
	return out, nil
}
