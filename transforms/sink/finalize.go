package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// ManifestName is the file that marks a finished run.
const ManifestName = "_MANIFEST.json"

// Manifest describes a finished run: its tables, their files and row counts, and what it read.
type Manifest struct {
	SchemaVersion int                  `json:"schema_version"`
	RunID         string               `json:"run_id"`
	Date          string               `json:"date"`
	CreatedAt     string               `json:"created_at"`
	Tables        map[string]TableInfo `json:"tables"`
	// Files are the run's other files (activation lists, the model card), written in place.
	Files  []Extra `json:"files,omitempty"`
	Inputs []Input `json:"inputs"`
	// Currency is the ISO 4217 code of every amount of the run, in its minor units (CNY: fen).
	Currency string `json:"currency"`
	// BusinessTimezone is the IANA zone of the run's business day, weekdays and hours ("" in runs
	// written before it was recorded).
	BusinessTimezone string `json:"business_timezone,omitempty"`
	// Mode is how the night was built: "full" (every partition up to its date) or "incremental"
	// (the previous run's state and the new partitions); Reason says why.
	Mode   string `json:"mode,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Previous is the date of the run the night continued (person ids, state), "" for none.
	Previous string `json:"previous,omitempty"`
	// Fingerprints identify what the night was built with (the configs, a keyed hash of the salt):
	// a night whose fingerprints differ from its previous run's is built in full.
	Fingerprints map[string]string `json:"fingerprints,omitempty"`
	// StateVersion is the format of the state the run keeps under _state/ (package state).
	StateVersion int `json:"state_version,omitempty"`
}

// Extra is one file of a run besides its tables, already at its final place when Finalize runs.
type Extra struct {
	// Path is relative to the run folder.
	Path string `json:"path"`
	// Rows counts its records (lines after a CSV header, 1 for a JSON document).
	Rows int64 `json:"rows"`
}

// TableInfo lists one table's files, relative to the run folder, and its rows.
type TableInfo struct {
	Files []string `json:"files"`
	Rows  int64    `json:"rows"`
}

// Finalize runs once, after every Write: it removes the part files of an earlier run of the same
// date (of every table: a run replaces its whole date), renames the temporary files to
// part-NNNNN.parquet (sorted, so names do not depend on which worker finished first), writes an
// empty file for a table without rows, removes the temporary folder and writes the manifest last.
//
// extras are PCollections of Extra: files the run wrote in place (activation lists, the model card)
// that the manifest lists; the manifest waits for them.
func Finalize(s beam.Scope, cfg Config, files []beam.PCollection, extras ...beam.PCollection) {
	s = s.Scope("sink.Finalize")
	all := beam.CreateList(s, []FileInfo{})
	if len(files) > 0 {
		all = beam.Flatten(s, files...)
	}
	others := beam.CreateList(s, []Extra{})
	if len(extras) > 0 {
		others = beam.Flatten(s, extras...)
	}
	beam.ParDo0(
		s,
		&finalizeFn{Config: cfg},
		beam.Impulse(s),
		beam.SideInput{Input: all},
		beam.SideInput{Input: others},
	)
}

type finalizeFn struct {
	Config Config
}

func (f *finalizeFn) ProcessElement(
	ctx context.Context,
	_ []byte,
	files func(*FileInfo) bool,
	extras func(*Extra) bool,
) error {
	var infos []FileInfo
	var fi FileInfo
	for files(&fi) {
		infos = append(infos, fi)
	}
	var others []Extra
	var e Extra
	for extras(&e) {
		others = append(others, e)
	}
	sort.Slice(others, func(i, j int) bool { return others[i].Path < others[j].Path })
	sort.Slice(infos, func(i, j int) bool {
		if infos[i].Table != infos[j].Table {
			return infos[i].Table < infos[j].Table
		}
		return infos[i].TempPath < infos[j].TempPath
	})
	return finalize(ctx, f.Config, infos, others, time.Now())
}

func finalize(
	ctx context.Context,
	cfg Config,
	infos []FileInfo,
	extras []Extra,
	now time.Time,
) error {
	dir := RunDir(cfg.Output, cfg.Date)
	if err := removeGlob(ctx, Join(dir, "*", "part-*.parquet")); err != nil {
		return err
	}
	m := Manifest{SchemaVersion: schemas.Version, RunID: cfg.RunID, Date: cfg.Date,
		CreatedAt: now.UTC().
			Format(time.RFC3339),
		Tables: map[string]TableInfo{}, Files: extras, Inputs: append([]Input{}, cfg.Inputs...),
		Currency: cfg.Currency, BusinessTimezone: cfg.BusinessTimezone}
	if m.Currency == "" {
		m.Currency = "CNY"
	}
	for _, fi := range infos {
		t := m.Tables[fi.Table]
		rel := fmt.Sprintf("%s/part-%05d.parquet", fi.Table, len(t.Files))
		if err := Rename(ctx, fi.TempPath, Join(dir, rel)); err != nil {
			return err
		}
		t.Files = append(t.Files, rel)
		t.Rows += fi.Rows
		m.Tables[fi.Table] = t
	}
	for _, name := range cfg.Tables {
		if _, ok := m.Tables[name]; ok {
			continue
		}
		rel := name + "/part-00000.parquet"
		if err := writeEmpty(ctx, name, Join(dir, rel)); err != nil {
			return err
		}
		m.Tables[name] = TableInfo{Files: []string{rel}}
	}
	if err := RemoveTemp(ctx, cfg); err != nil {
		return err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("sink: manifest: %w", err)
	}
	return WriteBytes(ctx, Join(dir, ManifestName), append(data, '\n'))
}

// writeEmpty writes a Parquet file with the table's schema and no rows.
func writeEmpty(ctx context.Context, table, path string) error {
	t, err := schemas.Lookup(table)
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	if err := WriteFile(ctx, path, t.NewBuffer().Flush); err != nil {
		return fmt.Errorf("sink: table %s: %w", table, err)
	}
	return nil
}

// Rename moves a file into place through Beam's filesystem (a copy and a delete on object stores),
// making a local target's folder first.
func Rename(ctx context.Context, from, to string) error {
	fs, err := filesystem.New(ctx, from)
	if err != nil {
		return fmt.Errorf("sink: %s: %w", from, err)
	}
	defer fs.Close()
	if !strings.Contains(to, "://") {
		// Beam's local filesystem renames with os.Rename, which needs the folder.
		if err := os.MkdirAll(path.Dir(to), 0o755); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
	}
	if err := filesystem.Rename(ctx, fs, from, to); err != nil {
		return fmt.Errorf("sink: rename %s to %s: %w", from, to, err)
	}
	return nil
}

// removeGlob removes every file matching the glob.
func removeGlob(ctx context.Context, glob string) error {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return fmt.Errorf("sink: %s: %w", glob, err)
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return fmt.Errorf("sink: list %s: %w", glob, err)
	}
	rm, ok := fs.(filesystem.Remover)
	if !ok && len(files) > 0 {
		return fmt.Errorf("sink: the filesystem of %s cannot remove files", glob)
	}
	for _, file := range files {
		if err := rm.Remove(ctx, file); err != nil {
			return fmt.Errorf("sink: remove %s: %w", file, err)
		}
	}
	return nil
}

// RemoveTemp removes the date's temporary folder: this run's files and those a killed earlier
// attempt left behind (two runs of one date at once are not supported: the later one wins).
func RemoveTemp(ctx context.Context, cfg Config) error {
	return RemoveDir(ctx, Join(RunDir(cfg.Output, cfg.Date), "_temporary"))
}

// RemoveDir removes a folder of temporary files and everything under it, a local path or one of
// Beam's filesystems (gs://).
func RemoveDir(ctx context.Context, dir string) error {
	if !strings.Contains(dir, "://") {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("sink: remove %s: %w", dir, err)
		}
		return nil
	}
	// An object store has no folders to remove and its globs' * stops at a slash (gs:// as
	// memfs://), so every depth a run writes at is listed: under _temporary/, RUN/TABLE/FILE, and
	// RUN/claims/SOURCE/FILE or RUN/portrait-accumulators/partials/FILE.
	glob := dir
	for range maxTempDepth {
		glob = Join(glob, "*")
		if err := removeGlob(ctx, glob); err != nil {
			return err
		}
	}
	return nil
}

// maxTempDepth is the deepest a temporary file sits under _temporary/, with a level to spare.
const maxTempDepth = 5

func init() {
	fnreg.DoFn4x1[context.Context, []byte, func(*FileInfo) bool, func(*Extra) bool, error](
		&finalizeFn{},
	)
	register.Iter1[FileInfo]()
	register.Iter1[Extra]()
}
