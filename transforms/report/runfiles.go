package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// The run folder is read and written through Beam's filesystem package, as the sink does, so a
// run on gs:// is reported like a local one (the sink registers the local and gcs filesystems).

// inRun is the path of a file of the run folder, for local paths and URLs alike.
func inRun(output, date, rel string) string {
	return strings.TrimRight(sink.RunDir(output, date), "/") + "/" + strings.TrimLeft(rel, "/")
}

// streamTable decodes every file of a table of the run a batch of rows at a time and calls emit
// with each row (a value of the table's schemas struct). A local file is read in place; a remote
// one is downloaded into memory one file at a time.
func streamTable(
	ctx context.Context,
	output, date, table string,
	files []string,
	emit func(any),
) error {
	t, err := schemas.Lookup(table)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, rel := range files {
		path := inRun(output, date, rel)
		if err := streamFile(ctx, t, path, emit); err != nil {
			return err
		}
	}
	return nil
}

func streamFile(ctx context.Context, t schemas.Table, path string, emit func(any)) error {
	var r io.ReaderAt
	var size int64
	if !strings.Contains(path, "://") {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		r, size = f, st.Size()
	} else {
		data, err := readFile(ctx, path)
		if err != nil {
			return err
		}
		r, size = bytes.NewReader(data), int64(len(data))
	}
	if err := t.ReadRows(r, size, emit); err != nil {
		return fmt.Errorf("report: read %s: %w", path, err)
	}
	return nil
}

// readFile reads a whole file of any of Beam's filesystems.
func readFile(ctx context.Context, path string) ([]byte, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("report: open %s: %w", path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("report: read %s: %w", path, err)
	}
	return data, nil
}

// readOptional reads a file that may be absent: ok is false when it is.
func readOptional(ctx context.Context, path string) (data []byte, ok bool, err error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, false, fmt.Errorf("report: %s: %w", path, err)
	}
	defer fs.Close()
	found, err := fs.List(ctx, path)
	if err != nil {
		return nil, false, fmt.Errorf("report: list %s: %w", path, err)
	}
	if len(found) == 0 {
		return nil, false, nil
	}
	data, err = readFile(ctx, path)
	return data, err == nil, err
}

// writeFile writes data to path: to a temporary name first, renamed into place where the
// filesystem can rename, so that a reader never sees half a page.
func writeFile(ctx context.Context, path string, data []byte) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	defer fs.Close()
	renamer, canRename := fs.(filesystem.Renamer)
	target := path
	if canRename {
		target = path + ".tmp"
	}
	w, err := fs.OpenWrite(ctx, target)
	if err != nil {
		return fmt.Errorf("report: create %s: %w", target, err)
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("report: write %s: %w", target, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("report: write %s: %w", target, err)
	}
	if canRename {
		if err := renamer.Rename(ctx, target, path); err != nil {
			return fmt.Errorf("report: rename %s to %s: %w", target, path, err)
		}
	}
	return nil
}
