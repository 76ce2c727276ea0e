package sink

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// Read reads one table of the finished run OUTPUT/dt=DATE back into the pipeline, one read task
// per file: the rows are values of the table's schemas struct. The run's manifest, read now, lists
// the files; a run without the table gives an empty PCollection, one without a manifest an error.
func Read(ctx context.Context, s beam.Scope, output, date, table string) (beam.PCollection, error) {
	s = s.Scope("sink.Read." + table)
	t, err := schemas.Lookup(table)
	if err != nil {
		return beam.PCollection{}, fmt.Errorf("sink: %w", err)
	}
	m, err := ReadManifest(ctx, output, date)
	if err != nil {
		return beam.PCollection{}, err
	}
	files := []string{}
	for _, f := range m.Tables[table].Files {
		files = append(files, Join(RunDir(output, date), f))
	}
	return beam.ParDo(
		s,
		&readFn{Table: table},
		beam.CreateList(s, files),
		beam.TypeDefinition{Var: beam.XType, T: t.Type},
	), nil
}

type readFn struct {
	Table string
}

func (f *readFn) ProcessElement(ctx context.Context, path string, emit func(beam.X)) error {
	t, err := schemas.Lookup(f.Table)
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	data, err := ReadFile(ctx, path)
	if err != nil {
		return err
	}
	if err := t.ReadRows(bytes.NewReader(data), int64(len(data)), func(row any) {
		emit(row)
	}); err != nil {
		return fmt.Errorf("sink: %s: %w", path, err)
	}
	return nil
}

func init() {
	fnreg.DoFn3x1[context.Context, string, func(beam.X), error](&readFn{})
}

// Runs lists the dates of the finished runs (dt=DATE folders with a manifest) under output, newest
// first. Folders of unfinished runs, and anything else under output, are not runs.
func Runs(ctx context.Context, output string) ([]string, error) {
	manifests, err := List(ctx, Join(output, "dt=*", ManifestName))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range manifests {
		d, ok := strings.CutPrefix(path.Base(path.Dir(filepath.ToSlash(m))), "dt=")
		if _, err := time.Parse(time.DateOnly, d); ok && err == nil {
			out = append(out, d)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// Previous returns the date of the latest finished run under output before date, or "" when there
// is none: the run whose identity map and persons tonight's person ids continue.
func Previous(ctx context.Context, output, date string) (string, error) {
	runs, err := Runs(ctx, output)
	if err != nil {
		return "", err
	}
	for _, d := range runs {
		if d < date {
			return d, nil
		}
	}
	return "", nil
}

// SplitRunDir splits a run folder OUTPUT/dt=YYYY-MM-DD into its output root and date, for local
// paths and URLs alike (path.Dir would fold gs://bucket into gs:/bucket).
func SplitRunDir(run string) (output, date string, err error) {
	dir := strings.TrimRight(run, "/")
	slash := strings.LastIndex(dir, "/")
	date, ok := strings.CutPrefix(dir[slash+1:], "dt=")
	if !ok {
		return "", "", fmt.Errorf("%q: want a run folder OUTPUT/dt=YYYY-MM-DD", run)
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return "", "", fmt.Errorf("%q: the date is not YYYY-MM-DD", run)
	}
	output = "."
	if slash >= 0 {
		output = dir[:slash]
	}
	return output, date, nil
}
