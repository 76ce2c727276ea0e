package bigquery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"cloud.google.com/go/storage"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// Beam's gs:// filesystem, through which local files are staged.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/sink"
)

// sourceURIs are the gs:// URIs a table loads from: its own files when the run is on gs:// already,
// else where stage copies them (STAGING/dt=DATE/TABLE/part-NNNNN.parquet, the run's own layout).
func (c Config) sourceURIs(p *publish.Plan, t publish.Table) ([]string, error) {
	if p.Remote() {
		for _, f := range t.Files {
			if !strings.HasPrefix(f, "gs://") {
				return nil, fmt.Errorf(
					"table %s: BigQuery loads from gs:// only, not %s",
					t.Name,
					f,
				)
			}
		}
		return t.Files, nil
	}
	if c.Staging == "" {
		return nil, fmt.Errorf(
			"run %s is local: name a gs:// staging prefix for its files (?staging=gs://BUCKET/PREFIX)",
			p.Dir,
		)
	}
	out := make([]string, len(t.Files))
	for i, f := range t.Files {
		rel, ok := strings.CutPrefix(f, p.Dir+"/")
		if !ok {
			return nil, fmt.Errorf(
				"table %s: file %s is outside the run folder %s",
				t.Name,
				f,
				p.Dir,
			)
		}
		out[i] = c.Staging + "/dt=" + p.Date + "/" + rel
	}
	return out, nil
}

// stage uploads a local run's files of one table to their staging URIs through Beam's filesystem
// package (the same gs:// client the sink writes with); a remote run needs no copy.
func stage(ctx context.Context, p *publish.Plan, t publish.Table, uris []string) error {
	if p.Remote() {
		return nil
	}
	for i, src := range t.Files {
		if err := upload(ctx, src, uris[i]); err != nil {
			return fmt.Errorf("table %s: staging %s: %w", t.Name, src, err)
		}
	}
	return nil
}

// unstage removes a local run's staged copies of one table once its partitions hold them: the run's
// own folder keeps the files, and the staging prefix would otherwise grow by a run every night. A
// copy already gone is no error (a retried publish).
func unstage(ctx context.Context, p *publish.Plan, t publish.Table, uris []string) error {
	if p.Remote() {
		return nil
	}
	for _, u := range uris {
		if err := remove(ctx, u); err != nil {
			return fmt.Errorf("table %s: removing the staged %s: %w", t.Name, u, err)
		}
	}
	return nil
}

func remove(ctx context.Context, uri string) error {
	fs, err := filesystem.New(ctx, uri)
	if err != nil {
		return err
	}
	defer fs.Close()
	r, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("the filesystem of %s cannot remove files", uri)
	}
	if err := r.Remove(ctx, uri); err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return err
	}
	return nil
}

// upload copies a local file to dst with sink.WriteFile, which aborts a failed gs:// upload instead
// of finalising a truncated object.
func upload(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return sink.WriteFile(ctx, dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
