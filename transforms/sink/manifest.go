package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/parquet-go/parquet-go"
)

// ErrUnfinished is returned for a run folder without a manifest.
var ErrUnfinished = errors.New("run is not finished: no " + ManifestName)

// ReadManifest reads a finished run's manifest.
func ReadManifest(ctx context.Context, output, date string) (*Manifest, error) {
	path := Join(RunDir(output, date), ManifestName)
	if ok, err := exists(ctx, path); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("sink: %s: %w", path, ErrUnfinished)
	}
	data, err := ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("sink: manifest %s: %w", path, err)
	}
	return &m, nil
}

// ReadTable reads every row of a finished run's table, in file order. It is meant for small tables
// (the run summary, tests); BI tools read the Parquet files themselves.
func ReadTable[T any](ctx context.Context, output, date, table string) ([]T, error) {
	m, err := ReadManifest(ctx, output, date)
	if err != nil {
		return nil, err
	}
	info, ok := m.Tables[table]
	if !ok {
		return nil, fmt.Errorf("sink: run %s has no table %s", RunDir(output, date), table)
	}
	var rows []T
	for _, rel := range info.Files {
		path := Join(RunDir(output, date), rel)
		data, err := ReadFile(ctx, path)
		if err != nil {
			return nil, err
		}
		part, err := parquet.Read[T](bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("sink: read %s: %w", path, err)
		}
		rows = append(rows, part...)
	}
	return rows, nil
}

// exists reports whether a file exists, on any of Beam's filesystems.
func exists(ctx context.Context, path string) (bool, error) {
	files, err := List(ctx, path)
	return len(files) > 0, err
}

// List lists the files that match glob, a local path or one of Beam's filesystems (gs://).
func List(ctx context.Context, glob string) ([]string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("sink: %s: %w", glob, err)
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return nil, fmt.Errorf("sink: list %s: %w", glob, err)
	}
	return files, nil
}

// ReadFile reads a whole file, a local path or one of Beam's filesystems (gs://).
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	if !strings.Contains(path, "://") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("sink: %w", err)
		}
		return data, nil
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sink: %s: %w", path, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("sink: open %s: %w", path, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("sink: read %s: %w", path, err)
	}
	return data, nil
}

// Download streams the file at url (a local path or one of Beam's filesystems) into w, for
// readers that need a local copy (random access, or a library that opens paths), and returns the
// bytes copied.
func Download(ctx context.Context, url string, w io.Writer) (int64, error) {
	fs, err := filesystem.New(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("sink: %s: %w", url, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("sink: open %s: %w", url, err)
	}
	defer r.Close()
	n, err := io.Copy(w, r)
	if err != nil {
		return n, fmt.Errorf("sink: download %s: %w", url, err)
	}
	return n, nil
}

// Join appends path elements with /, for local paths and URLs alike.
func Join(base string, elems ...string) string {
	out := strings.TrimRight(base, "/")
	for _, e := range elems {
		out += "/" + strings.Trim(e, "/")
	}
	return out
}
