package salt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// Local files and Google Cloud Storage, where a run's inputs lie.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
)

// The bundled sample's input files (sample/sources.yaml's sources), as IsSample recognises them:
// how many, their bytes in all, and Digest over them. Regenerating the sample changes them; the
// sample's test prints the new values.
const (
	sampleFiles  = 602
	sampleBytes  = 3506286
	sampleDigest = "da30667fe9f74a15202d56a663dec3d1463d83f73c188044dfcd127e5dd9d773"
)

// IsSample reports whether files are exactly the bundled sample's input files, by content and
// wherever they lie: as many, as large in all, and with the same Digest. The sizes are compared
// first, so that other inputs are not read.
func IsSample(ctx context.Context, files []string) (bool, error) {
	if len(files) != sampleFiles {
		return false, nil
	}
	var total int64
	for _, f := range files {
		n, err := size(ctx, f)
		if err != nil {
			return false, err
		}
		total += n
	}
	if total != sampleBytes {
		return false, nil
	}
	d, err := Digest(ctx, files)
	if err != nil {
		return false, err
	}
	return d == sampleDigest, nil
}

// Digest fingerprints the contents of files, whatever their names and order: the hex SHA-256 of
// the sorted hex SHA-256 sums of each file's bytes, one a line.
func Digest(ctx context.Context, files []string) (string, error) {
	sums := make([]string, len(files))
	for i, f := range files {
		s, err := fileSum(ctx, f)
		if err != nil {
			return "", err
		}
		sums[i] = s
	}
	sort.Strings(sums)
	h := sha256.New()
	for _, s := range sums {
		io.WriteString(h, s+"\n")
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func size(ctx context.Context, file string) (int64, error) {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return 0, err
	}
	defer fs.Close()
	n, err := fs.Size(ctx, file)
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", file, err)
	}
	return n, nil
}

// fileSum is the hex SHA-256 of a file's bytes, read through Beam's filesystem.
func fileSum(ctx context.Context, file string) (string, error) {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return "", err
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, file)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", file, err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
