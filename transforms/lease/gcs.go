package lease

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"cloud.google.com/go/storage"
	"google.golang.org/api/googleapi"
)

// gcsObject is the name of the lease object in a gs:// lease path.
const gcsObject = "lease.json"

// gcs keeps a lease as one Cloud Storage object whose generation is the lease's: created with the
// precondition DoesNotExist (ifGenerationMatch=0), replaced and deleted with GenerationMatch.
type gcs struct {
	client *storage.Client
	obj    *storage.ObjectHandle
}

// openGCS opens a lease at gs://bucket/prefix with the default credentials (or the emulator
// STORAGE_EMULATOR_HOST names).
func openGCS(ctx context.Context, path string) (store, error) {
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(path, "gs://"), "/")
	if bucket == "" {
		return nil, fmt.Errorf("no bucket in %s", path)
	}
	// Reads through the JSON API, as every other call here: emulators such as fake-gcs-server
	// serve no XML API reads.
	client, err := storage.NewClient(ctx, storage.WithJSONReads())
	if err != nil {
		return nil, fmt.Errorf("storage client: %w", err)
	}
	name := strings.Trim(prefix+"/"+gcsObject, "/")
	return &gcs{client: client, obj: client.Bucket(bucket).Object(name)}, nil
}

func (g *gcs) current(ctx context.Context) ([]byte, int64, error) {
	r, err := g.obj.NewReader(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, err
	}
	return data, r.Attrs.Generation, nil
}

func (g *gcs) next(ctx context.Context, gen int64, data []byte) (int64, error) {
	cond := storage.Conditions{DoesNotExist: true}
	if gen != 0 {
		cond = storage.Conditions{GenerationMatch: gen}
	}
	w := g.obj.If(cond).NewWriter(ctx)
	w.ContentType = "application/json"
	w.ChunkSize = 0 // one request: the lease is small
	if _, err := w.Write(data); err != nil {
		w.Close()
		return 0, conflictOr(err)
	}
	if err := w.Close(); err != nil {
		return 0, conflictOr(err)
	}
	return w.Attrs().Generation, nil
}

// release deletes generation gen, and only it.
func (g *gcs) release(ctx context.Context, gen int64) error {
	err := g.obj.Generation(gen).If(storage.Conditions{GenerationMatch: gen}).Delete(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) {
		return errConflict
	}
	return conflictOr(err)
}

func (g *gcs) close() { g.client.Close() }

// conflictOr turns a failed precondition (HTTP 412) into errConflict.
func conflictOr(err error) error {
	var apiErr *googleapi.Error
	if errors.As(err, &apiErr) && apiErr.Code == http.StatusPreconditionFailed {
		return errConflict
	}
	return err
}
