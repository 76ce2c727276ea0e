package ingest

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// Local files and Google Cloud Storage, the filesystems the nightly job reads and writes.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/shopportraits/portraits/transforms/sources"
)

// Task is one unit of reading: a whole file, one Parquet row group, or a byte range of a text file.
type Task struct {
	Source string
	File   string
	// RowGroup is the 1-based Parquet row group to read; 0 reads every row group of the file.
	RowGroup int32
	// Start and End bound the bytes of a split text file; End 0 reads to the end of the file.
	Start, End int64
}

// Input is one file a run read, for the manifest.
type Input struct {
	Source string
	File   string
	Bytes  int64
}

// Plan expands every source's glob into read tasks: one per Parquet row group (local files), one
// per byte range of a large uncompressed CSV or JSONL file, else one per file. Only the files of
// the daily partitions the window reads are planned (w.Reads). A required source that matches no
// file, a file that cannot be opened, or a CSV header that names a column twice fails with a
// message naming the source and file.
func Plan(ctx context.Context, cfg *sources.Config, w sources.Window) ([]Task, []Input, error) {
	var tasks []Task
	var inputs []Input
	for _, src := range cfg.Sources {
		glob := cfg.Glob(src)
		fs, err := filesystem.New(ctx, glob)
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", src.Name, err)
		}
		files, err := fs.List(ctx, glob)
		fs.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: list %s: %w", src.Name, glob, err)
		}
		sort.Strings(files)
		if len(files) == 0 {
			if src.Optional {
				continue
			}
			return nil, nil, fmt.Errorf(
				"source %s (%s line %d): no file matches %s; mark the source optional if it may be absent",
				src.Name,
				cfg.File,
				src.Line,
				glob,
			)
		}
		if files, err = inWindow(src, files, w); err != nil {
			return nil, nil, fmt.Errorf(
				"source %s (%s line %d): %w",
				src.Name,
				cfg.File,
				src.Line,
				err,
			)
		}
		for _, file := range files {
			ft, size, err := planFile(ctx, src, file)
			if err != nil {
				return nil, nil, fmt.Errorf("source %s: %w", src.Name, err)
			}
			tasks = append(tasks, ft...)
			inputs = append(inputs, Input{Source: src.Name, File: file, Bytes: size})
		}
	}
	return tasks, inputs, nil
}

// inWindow keeps the files of the partitions the window reads. A night with no previous run must
// find a required source's partitions on or before its day; a night that continues one may find
// no new partition.
func inWindow(src sources.Source, files []string, w sources.Window) ([]string, error) {
	var kept []string
	for _, f := range files {
		ok, err := w.Reads(src, f)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 && w.Previous == "" && !src.Optional {
		return nil, fmt.Errorf("no partition on or before %s among the %d files of %s",
			w.Through, len(files), src.Path)
	}
	return kept, nil
}

func planFile(ctx context.Context, src sources.Source, file string) ([]Task, int64, error) {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return nil, 0, err
	}
	defer fs.Close()
	size, err := fs.Size(ctx, file)
	if err != nil {
		return nil, 0, fmt.Errorf("size of %s: %w", file, err)
	}
	whole := []Task{{Source: src.Name, File: file}}
	if src.Format == sources.FormatCSV {
		// The header is read again by every task; reading it here too makes a header that cannot
		// be mapped (a column named twice, a required one missing) fail before the job starts.
		header, _, err := readCSVHeader(ctx, src, file)
		if err != nil {
			return nil, 0, err
		}
		if header != nil {
			if _, err := columnIndex(src, header, file); err != nil {
				return nil, 0, err
			}
		}
	}
	switch {
	case src.Format == sources.FormatParquet:
		if strings.Contains(file, "://") {
			return whole, size, nil // remote footers are read by the worker, which downloads the file
		}
		n, err := parquetRowGroups(file)
		if err != nil {
			return nil, 0, err
		}
		tasks := make([]Task, n)
		for i := range tasks {
			tasks[i] = Task{Source: src.Name, File: file, RowGroup: int32(i + 1)}
		}
		return tasks, size, nil
	case src.Gzip, src.Format == sources.FormatCSV && src.Multiline, size <= src.SplitBytes:
		return whole, size, nil
	}
	var tasks []Task
	for start := int64(0); start < size; start += src.SplitBytes {
		end := min(start+src.SplitBytes, size)
		tasks = append(tasks, Task{Source: src.Name, File: file, Start: start, End: end})
	}
	return tasks, size, nil
}
