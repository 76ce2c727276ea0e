// Package publish turns a finished run (a dt=YYYY-MM-DD folder with its manifest) into a load plan for
// a warehouse: every table of the manifest with its files, rows and typed, documented columns, and
// which access zone (analytics or restricted) each column may reach. Loaders for each warehouse live in
// sub-packages (duckdb needs cgo, so it is kept out of the pipeline packages; bigquery does not), and
// the BI views both share are in publish/views.
package publish

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Plan is what to load: one finished run.
type Plan struct {
	Date   string // business day, YYYY-MM-DD
	RunID  string
	Dir    string // the run folder, local or gs://
	Tables []Table
}

// Table is one table of the run.
type Table struct {
	Name    string
	Doc     string
	Files   []string // full paths, local or gs://
	Rows    int64
	Columns []Column
}

// SnapshotDate is the column every warehouse table starts with: the run's business day.
const SnapshotDate = "snapshot_date"

// SnapshotDateDoc documents the snapshot_date column.
const SnapshotDateDoc = "business day of the nightly run that produced the row"

// Load reads the manifest of a run folder (OUTPUT/dt=YYYY-MM-DD, local or gs://) and plans its load. A
// run without a manifest is unfinished and is refused.
func Load(ctx context.Context, runDir string) (*Plan, error) {
	runDir = strings.TrimRight(runDir, "/")
	slash := strings.LastIndex(runDir, "/")
	base := runDir[slash+1:]
	date, ok := strings.CutPrefix(base, "dt=")
	if !ok {
		return nil, fmt.Errorf("publish: %s is not a run folder (OUTPUT/dt=YYYY-MM-DD)", runDir)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return nil, fmt.Errorf("publish: %s: %w", runDir, err)
	}
	// Not path.Dir: it would fold gs://bucket into gs:/bucket.
	output := "."
	if slash >= 0 {
		output = runDir[:slash]
	}
	m, err := sink.ReadManifest(ctx, output, date)
	if err != nil {
		return nil, fmt.Errorf("publish: refusing to load %s: %w", runDir, err)
	}
	if m.Date != "" && m.Date != date {
		return nil, fmt.Errorf("publish: %s: the manifest is of %s", runDir, m.Date)
	}
	p := &Plan{Date: date, RunID: m.RunID, Dir: runDir}
	for name, info := range m.Tables {
		t, err := schemas.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("publish: %s: %w", runDir, err)
		}
		cols, err := Columns(t)
		if err != nil {
			return nil, fmt.Errorf("publish: %s: %w", runDir, err)
		}
		tp := Table{Name: name, Doc: t.Doc, Rows: info.Rows, Columns: cols}
		for _, f := range info.Files {
			tp.Files = append(tp.Files, runDir+"/"+f)
		}
		p.Tables = append(p.Tables, tp)
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Name < p.Tables[j].Name })
	return p, nil
}

// Remote reports whether the run's files are on a remote filesystem (gs://) rather than local disk.
func (p *Plan) Remote() bool { return strings.Contains(p.Dir, "://") }

// Compact is the run's date without dashes, as partition decorators write it: 20261121.
func (p *Plan) Compact() string { return strings.ReplaceAll(p.Date, "-", "") }
