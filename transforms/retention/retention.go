// Package retention looks after the run folders kept under the nightly's output: Prune keeps the
// newest finished runs and removes the older ones, and Erase removes the persons who asked to be
// forgotten from the runs kept, rewriting the files that hold their rows. The nightly calls both
// after a finished night. The warehouse's copy of the runs is the publish step's
// (transforms/publish).
package retention

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"

	"github.com/shopportraits/portraits/transforms/sink"
)

// DefaultKeepRuns is how many finished runs the nightly keeps unless told otherwise.
const DefaultKeepRuns = 30

// Prune keeps the newest keep finished runs under output and removes the folders of the finished
// runs older than those, everything in them (tables, reports, carried state), and returns the dates
// removed, oldest first. The newest run is always kept: its state is what the next night carries
// forward, the only copy of the history beyond the runs kept. Folders without a manifest (a run
// under way or killed) are left alone. keep <= 0 keeps every run.
func Prune(ctx context.Context, output string, keep int) ([]string, error) {
	if keep <= 0 {
		return nil, nil
	}
	runs, err := sink.Runs(ctx, output)
	if err != nil || len(runs) <= keep {
		return nil, err
	}
	old := runs[keep:]
	sort.Strings(old)
	for _, d := range old {
		if err := removeTree(ctx, sink.RunDir(output, d)); err != nil {
			return nil, fmt.Errorf("retention: removing the run of %s: %w", d, err)
		}
	}
	return old, nil
}

// removeTree removes a folder and everything under it: a local one at once, one of an object store
// (gs://) object by object, its manifest first so that the run never looks finished half removed.
func removeTree(ctx context.Context, dir string) error {
	if !strings.Contains(dir, "://") {
		if err := os.Remove(filepath.Join(dir, sink.ManifestName)); err != nil &&
			!errors.Is(err, os.ErrNotExist) {
			return err
		}
		return os.RemoveAll(dir)
	}
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("the filesystem of %s cannot remove files", dir)
	}
	manifest := sink.Join(dir, sink.ManifestName)
	if err := rm.Remove(ctx, manifest); err != nil {
		return fmt.Errorf("remove %s: %w", manifest, err)
	}
	// ** crosses folders in Beam's gs:// globs.
	files, err := fs.List(ctx, sink.Join(dir, "**"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := rm.Remove(ctx, f); err != nil {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	return nil
}
