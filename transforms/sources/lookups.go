package sources

import (
	"fmt"
	"path"
	"strings"
)

// LookupTable is one small key/value table of the config's `lookups`: read once per run, it
// replaces a column's value by the table's value for that key wherever a source maps a field
// with {column: C, lookup: NAME} (a marketplace's orders carry a per-order customer id that its
// customers file maps to the person's id).
type LookupTable struct {
	// Name is what mappings call the table by: lower-case letters, digits and _.
	Name string `yaml:"name"`
	// Format is csv, jsonl or parquet.
	Format string `yaml:"format"`
	// Path is a glob, relative to the config's folder or a URL such as gs://.
	Path string `yaml:"path"`
	// Key and Value are the columns that hold the key and the value.
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
	// Encoding is utf-8 (default), gbk or gb18030; CSV only.
	Encoding string `yaml:"encoding,omitempty"`

	// Line is where the table is declared in the config file.
	Line int `yaml:"-"`
}

// KindLookup is the kind of the source a lookup table is read as (Source): not a kind a
// configured source may have.
const KindLookup = "lookup"

// lookupFields are the fields of a lookup table's rows.
var lookupFields = []Field{{"key", true}, {"value", true}}

// LookupPrefix starts the name of a lookup table's source, in rejects and quality counts:
// lookup:NAME, which no configured source's name can be.
const LookupPrefix = "lookup:"

// Source is the table as a source the ingest stage reads: kind lookup, fields key and value.
func (l LookupTable) Source() Source {
	s := Source{
		Name:     LookupPrefix + l.Name,
		Kind:     KindLookup,
		Format:   l.Format,
		Path:     l.Path,
		Encoding: l.Encoding,
		Line:     l.Line,
		Columns:  map[string]string{"key": l.Key, "value": l.Value},
	}
	// A table that passed check always passes the source's own checks.
	_ = s.normalise()
	return s
}

func (l *LookupTable) check() error {
	if !nameRE.MatchString(l.Name) {
		return fmt.Errorf("name %q must be lower-case letters, digits and _", l.Name)
	}
	switch l.Format {
	case FormatCSV, FormatJSONL, FormatParquet:
	default:
		return fmt.Errorf("unknown format %q (csv, jsonl or parquet)", l.Format)
	}
	if l.Path == "" {
		return fmt.Errorf("path is empty")
	}
	if _, err := path.Match(l.Path, ""); err != nil {
		return fmt.Errorf("path %q: %w", l.Path, err)
	}
	if l.Key == "" || l.Value == "" {
		return fmt.Errorf("key and value name the table's two columns: both are required")
	}
	l.Encoding = strings.ToLower(l.Encoding)
	s := l.Source()
	if err := s.normalise(); err != nil {
		return err
	}
	l.Encoding = s.Encoding
	return nil
}

// Table returns the lookup table with the given name.
func (c *Config) Table(name string) (LookupTable, bool) {
	for _, l := range c.Lookups {
		if l.Name == name {
			return l, true
		}
	}
	return LookupTable{}, false
}
