// Package publish turns a finished run (a dt=YYYY-MM-DD folder with its manifest) into a load plan for
// a warehouse: every table of the manifest with its files, rows and column documentation. Loaders for
// each warehouse live in sub-packages (duckdb needs cgo, so it is kept out of the pipeline packages).
package publish

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Plan is what to load: one finished run.
type Plan struct {
	Date   string
	RunID  string
	Tables []Table
}

// Table is one table of the run.
type Table struct {
	Name    string
	Doc     string
	Files   []string // full paths
	Rows    int64
	Columns []Column
}

// Column is one column as the schemas document it.
type Column struct {
	Name, Doc string
}

// Load reads the manifest of a run folder (OUTPUT/dt=YYYY-MM-DD) and plans its load. A run without a
// manifest is unfinished and is refused.
func Load(ctx context.Context, runDir string) (*Plan, error) {
	runDir = strings.TrimRight(runDir, "/")
	base := path.Base(runDir)
	date, ok := strings.CutPrefix(base, "dt=")
	if !ok {
		return nil, fmt.Errorf("publish: %s is not a run folder (OUTPUT/dt=YYYY-MM-DD)", runDir)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return nil, fmt.Errorf("publish: %s: %w", runDir, err)
	}
	m, err := sink.ReadManifest(ctx, path.Dir(runDir), date)
	if err != nil {
		return nil, fmt.Errorf("publish: refusing to load %s: %w", runDir, err)
	}
	p := &Plan{Date: date, RunID: m.RunID}
	for name, info := range m.Tables {
		t, err := schemas.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("publish: %s: %w", runDir, err)
		}
		tp := Table{Name: name, Doc: t.Doc, Rows: info.Rows, Columns: columns(t.Type)}
		for _, f := range info.Files {
			tp.Files = append(tp.Files, runDir+"/"+f)
		}
		p.Tables = append(p.Tables, tp)
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Name < p.Tables[j].Name })
	return p, nil
}

// columns lists a row struct's Parquet columns with their descriptions.
func columns(t reflect.Type) []Column {
	var out []Column
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if name == "-" || name == "" {
			continue
		}
		out = append(out, Column{Name: name, Doc: f.Tag.Get("desc")})
	}
	return out
}
