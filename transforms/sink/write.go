// Package sink writes tables as sharded Parquet files through Beam's filesystem package (local
// paths and gs://): each bundle writes its rows to temporary files, then Finalize renames them to
// OUTPUT/dt=DATE/<table>/part-NNNNN.parquet and writes _MANIFEST.json last, so a run that crashed
// part-way never looks finished.
//
// It is not the SDK's parquetio or textio writer: those funnel every row through one worker.
package sink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// Local files and Google Cloud Storage, where runs are written.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/google/uuid"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fanin"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// Config says where a run is written and what it holds. Plain fields only: DoFns carry it.
type Config struct {
	// Output is the root folder: a local path or gs://bucket/prefix.
	Output string
	// Date is the business day, YYYY-MM-DD; the run goes to Output/dt=Date.
	Date string
	// RunID names this attempt; temporary files live under _temporary/RunID.
	RunID string
	// Tables are every table of the run: a table without rows still gets one empty file.
	Tables []string
	// Inputs are the files the run read, recorded in the manifest.
	Inputs []Input
	// Currency is the ISO 4217 code of the run's amounts, recorded in the manifest ("" for CNY).
	Currency string
	// BusinessTimezone is the IANA zone of the business day, recorded in the manifest.
	BusinessTimezone string
	// MaxRowsPerFile rolls to a new file after this many rows (default DefaultMaxRowsPerFile).
	MaxRowsPerFile int64
}

// Input is one file the run read.
type Input struct {
	Source string `json:"source"`
	File   string `json:"file"`
	Bytes  int64  `json:"bytes"`
}

// DefaultMaxRowsPerFile bounds a file's rows, and so the rows a writer buffers in memory.
const DefaultMaxRowsPerFile = 250_000

// FileInfo is one temporary file written by a bundle.
type FileInfo struct {
	Table    string
	TempPath string
	Rows     int64
}

// RunDir is the folder of a run: OUTPUT/dt=DATE.
func RunDir(output, date string) string { return Join(output, "dt="+date) }

// TempDir is the folder of this attempt's temporary files, removed when the run is finalised.
func (c Config) TempDir() string { return Join(RunDir(c.Output, c.Date), "_temporary", c.RunID) }

// Write buffers a table's rows (values of the table's schemas struct) per bundle and writes them as
// temporary Parquet files; it returns the FileInfo of every file for Finalize. A table of several
// collections is written from each where it is made (package fanin).
func Write(s beam.Scope, cfg Config, table string, rows ...beam.PCollection) beam.PCollection {
	s = s.Scope("sink.Write." + table)
	return fanin.ParDo(s, &writeFn{Config: cfg, Table: table}, rows...)
}

type writeFn struct {
	Config Config
	Table  string

	buf schemas.Buffer
}

func (f *writeFn) Setup() error {
	t, err := schemas.Lookup(f.Table)
	if err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	f.buf = t.NewBuffer()
	return nil
}

func (f *writeFn) ProcessElement(ctx context.Context, row beam.X, emit func(FileInfo)) error {
	if err := f.buf.Add(row); err != nil {
		return fmt.Errorf("sink: table %s: %w", f.Table, err)
	}
	limit := f.Config.MaxRowsPerFile
	if limit <= 0 {
		limit = DefaultMaxRowsPerFile
	}
	if int64(f.buf.Len()) >= limit {
		return f.flush(ctx, emit)
	}
	return nil
}

func (f *writeFn) FinishBundle(ctx context.Context, emit func(FileInfo)) error {
	return f.flush(ctx, emit)
}

// flush writes the buffered rows to a new temporary file.
func (f *writeFn) flush(ctx context.Context, emit func(FileInfo)) error {
	n := int64(f.buf.Len())
	if n == 0 {
		return nil
	}
	path := Join(f.Config.TempDir(), f.Table, uuid.NewString()+".parquet")
	if err := WriteFile(ctx, path, f.buf.Flush); err != nil {
		return fmt.Errorf("sink: table %s: %w", f.Table, err)
	}
	emit(FileInfo{Table: f.Table, TempPath: path, Rows: n})
	return nil
}

// WriteBytes writes data as a file through Beam's filesystem, as WriteFile does.
func WriteBytes(ctx context.Context, path string, data []byte) error {
	return WriteFile(ctx, path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFile streams a file through Beam's filesystem (local paths and gs://); the file exists only
// once fill succeeded.
func WriteFile(ctx context.Context, path string, fill func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer fs.Close()
	// A gs:// writer finalises whatever it holds on Close: cancelling its context first aborts the
	// upload instead. A local file is written in place, so a failed one is removed.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := fs.OpenWrite(wctx, path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := fill(w); err != nil {
		cancel()
		w.Close()
		if r, ok := fs.(filesystem.Remover); ok && !strings.HasPrefix(path, "gs://") {
			if rerr := r.Remove(ctx, path); rerr != nil {
				err = errors.Join(err, fmt.Errorf("removing the partial file: %w", rerr))
			}
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

func init() {
	fnreg.DoFn3x1[context.Context, beam.X, func(FileInfo), error](&writeFn{})
	register.Emitter1[FileInfo]()
}
