// Package publish turns a finished run (a dt=YYYY-MM-DD folder with its manifest) into a load plan
// for a warehouse: every table of the manifest with its files, rows and typed, documented columns,
// and which access zone (analytics or restricted) each column may reach. Loaders for each warehouse
// live in sub-packages (duckdb needs cgo, so it is kept out of the pipeline packages; bigquery does
// not), and the BI views both share are in publish/views.
package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Plan is what to load: one finished run.
type Plan struct {
	Date  string // business day, YYYY-MM-DD
	RunID string
	Dir   string // the run folder, local or gs://
	// ManifestHash is the SHA-256 (hex) of the run's manifest as read.
	ManifestHash string
	// Mode is full or incremental, as the manifest says (full when it does not), and Reason why.
	Mode, Reason string
	Tables       []Table
}

// The modes a night runs in.
const (
	Full        = "full"
	Incremental = "incremental"
)

// Table is one table of the run, or one of the warehouse's own.
type Table struct {
	Name  string
	Doc   string
	Files []string // full paths, local or gs://
	Rows  int64
	// Columns are the run's columns (the Parquet files'); Stored adds the warehouse's dates.
	Columns []Column
	Model
	// Only, when set, is the one zone that holds the table (the warehouse's own tables).
	Only Zone
}

// SnapshotDate is the column every warehouse table starts with: the run's business day.
const SnapshotDate = "snapshot_date"

// SnapshotDateDoc documents the snapshot_date column.
const SnapshotDateDoc = "business day of the nightly run that produced the row"

// Load reads the manifest of a run folder (OUTPUT/dt=YYYY-MM-DD, local or gs://) and plans its
// load. A run without a manifest is unfinished and is refused.
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
	// Read again as bytes, for its hash and the fields the sink's struct does not name.
	raw, err := sink.ReadFile(ctx, sink.Join(runDir, sink.ManifestName))
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	var how struct{ Mode, Reason string }
	if err := json.Unmarshal(raw, &how); err != nil {
		return nil, fmt.Errorf("publish: %s: %w", runDir, err)
	}
	sum := sha256.Sum256(raw)
	p := &Plan{Date: date, RunID: m.RunID, Dir: runDir, ManifestHash: hex.EncodeToString(sum[:]),
		Mode: how.Mode, Reason: how.Reason}
	switch p.Mode {
	case "":
		p.Mode = Full
	case Full, Incremental:
	default:
		return nil, fmt.Errorf(
			"publish: %s: the manifest's mode %q is neither %s nor %s",
			runDir,
			p.Mode,
			Full,
			Incremental,
		)
	}
	for name, info := range m.Tables {
		if isState(name, info.Files) {
			continue
		}
		mdl, ok := Models[name]
		if !ok {
			return nil, fmt.Errorf("publish: %s: table %s has no warehouse model", runDir, name)
		}
		t, err := schemas.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("publish: %s: %w", runDir, err)
		}
		tp, err := runTable(t, mdl)
		if err != nil {
			return nil, fmt.Errorf("publish: %s: %w", runDir, err)
		}
		tp.Rows = info.Rows
		for _, f := range info.Files {
			tp.Files = append(tp.Files, runDir+"/"+f)
		}
		p.Tables = append(p.Tables, tp)
	}
	sort.Slice(p.Tables, func(i, j int) bool { return p.Tables[i].Name < p.Tables[j].Name })
	return p, nil
}

// ModelTable is a table of the runs as the warehouse keeps it, without files: its columns and
// model.
func ModelTable(name string) (Table, error) {
	mdl, ok := Models[name]
	if !ok {
		return Table{}, fmt.Errorf("publish: table %s has no warehouse model", name)
	}
	t, err := schemas.Lookup(name)
	if err != nil {
		return Table{}, fmt.Errorf("publish: %w", err)
	}
	return runTable(t, mdl)
}

func runTable(t schemas.Table, mdl Model) (Table, error) {
	cols, err := Columns(t)
	if err != nil {
		return Table{}, err
	}
	return Table{Name: t.Name, Doc: t.Doc, Columns: cols, Model: mdl}, nil
}

// StateDir is the folder of a run that holds what the next night carries forward: not for the
// warehouse.
const StateDir = "_state"

// isState reports whether a manifest entry is the run's carried state rather than a table.
func isState(name string, files []string) bool {
	if strings.HasPrefix(name, StateDir) {
		return true
	}
	for _, f := range files {
		if !strings.HasPrefix(f, StateDir+"/") {
			return false
		}
	}
	return len(files) > 0
}

// Table returns the plan's table of the given name.
func (p *Plan) Table(name string) (Table, bool) {
	for _, t := range p.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Output is the folder that holds the run folder (OUTPUT of OUTPUT/dt=DATE).
func (p *Plan) Output() string {
	if i := strings.LastIndex(p.Dir, "/"); i >= 0 {
		return p.Dir[:i]
	}
	return "."
}

// Remote reports whether the run's files are on a remote filesystem (gs://) rather than local disk.
func (p *Plan) Remote() bool { return strings.Contains(p.Dir, "://") }

// Compact is the run's date without dashes, as partition decorators write it: 20261121.
func (p *Plan) Compact() string { return strings.ReplaceAll(p.Date, "-", "") }
