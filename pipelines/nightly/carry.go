package main

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
	"github.com/shopportraits/portraits/transforms/state"
)

// testUsersState names the state of the test accounts' ids.
const testUsersState = "test-users"

// factTables are the tables of append sources: an incremental night's hold what it read.
var factTables = []string{"events", "touches", "reviews", "tickets", "site_posts"}

// stateRunDir is the run folder of the night's attempt, where its state is written.
func stateRunDir(j job) string {
	return sink.RunDir(sink.AttemptRoot(j.Output, j.Date, j.RunID), j.Date)
}

// previousRunDir is the run folder of the run an incremental night continues.
func previousRunDir(j job) string { return sink.RunDir(j.Output, j.Mode.Previous) }

// rowType is the type of a source's cleaned rows.
func rowType(src sources.Source) (reflect.Type, error) { return clean.RowType(src.Kind) }

// emptyRows is an empty collection of a source's row type.
func emptyRows(s beam.Scope, src sources.Source) (beam.PCollection, error) {
	t, err := rowType(src)
	if err != nil {
		return beam.PCollection{}, err
	}
	return beam.CreateList(s, reflect.MakeSlice(reflect.SliceOf(t), 0, 0).Interface()), nil
}

// readState reads the rows of a source the previous run kept.
func readState(s beam.Scope, j job, src sources.Source) (beam.PCollection, error) {
	t, err := rowType(src)
	if err != nil {
		return beam.PCollection{}, err
	}
	return state.Read(context.Background(), s, previousRunDir(j), sourceName(src), t)
}

// readTestUsers reads the ids of the test accounts the previous run kept.
func readTestUsers(s beam.Scope, j job) (beam.PCollection, error) {
	return state.Read(
		context.Background(),
		s,
		previousRunDir(j),
		testUsersState,
		reflect.TypeOf(""),
	)
}

// carried are the rows each append or changes source carries to the next night.
func carried(srcs []cleaned) []cleaned {
	var out []cleaned
	for _, c := range srcs {
		if c.carry.IsValid() {
			out = append(out, cleaned{src: c.src, rows: c.carry})
		}
	}
	return out
}

// keepState writes the rows each source carries (see carried) as the night's state.
func keepState(s beam.Scope, j job, carried []cleaned) error {
	for _, c := range carried {
		t, err := rowType(c.src)
		if err != nil {
			return err
		}
		state.Write(s, stateRunDir(j), sourceName(c.src), t, c.rows)
	}
	return nil
}

// readTonight keeps the rows read from tonight's input files.
func readTonight(s beam.Scope, j job, rows beam.PCollection) beam.PCollection {
	files := make([]string, len(j.Inputs))
	for i, in := range j.Inputs {
		files[i] = in.File
	}
	return beam.ParDo(s.Scope("readTonight"), &tonightFn{Files: files}, rows)
}

// tonightFn passes the rows whose origin is one of Files.
type tonightFn struct {
	Files []string

	files map[string]bool
}

func (f *tonightFn) ProcessElement(row beam.X, emit func(beam.X)) {
	if f.files == nil {
		f.files = make(map[string]bool, len(f.Files))
		for _, file := range f.Files {
			f.files[file] = true
		}
	}
	if k, ok := row.(schemas.Keyed); ok && f.files[k.Origin().File] {
		emit(row)
	}
}

func init() {
	fnreg.DoFn2x0[beam.X, func(beam.X)](&tonightFn{})
}
