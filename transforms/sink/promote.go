package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A night never writes into the folder readers use. It writes every file under its attempt
// folder, OUTPUT/_attempts/dt=DATE/RUN/, and only once every table, the report and every check
// passed does Promote move them to OUTPUT/dt=DATE/ and write the manifest there, last: a failed or
// killed night leaves the date's previous output as it was, finished and readable.
//
// An attempt is an output root of its own: its run folder is RunDir(AttemptRoot(...), date), so
// every reader of a run (ReadManifest, ReadTable, the report) reads an attempt as it reads a run.

// attemptsDir is the folder of the attempts, beside the run folders.
const attemptsDir = "_attempts"

// AttemptsDir is the folder of a date's attempts: OUTPUT/_attempts/dt=DATE.
func AttemptsDir(output, date string) string { return Join(output, attemptsDir, "dt="+date) }

// AttemptRoot is the output root of one attempt, named by its run id.
func AttemptRoot(output, date, runID string) string {
	return Join(AttemptsDir(output, date), runID)
}

// Promote makes a finished attempt the date's run. It moves the attempt's files into
// OUTPUT/dt=DATE (table parts under names of their own, part-NNNNN-TOKEN.parquet, so that the
// previous run's files stay whole until the switch), lets amend complete the manifest, writes the
// manifest (the switch: readers go through it), then removes the files of the previous run and
// every attempt of the date. It returns the manifest written.
//
// A crash before the switch leaves the previous run readable through its manifest, beside some
// unlisted files; one after it leaves unlisted files: the date's next finished run removes both.
func Promote(
	ctx context.Context,
	output, date, runID string,
	amend func(*Manifest),
) (*Manifest, error) {
	root := AttemptRoot(output, date, runID)
	m, err := ReadManifest(ctx, root, date)
	if err != nil {
		return nil, fmt.Errorf("sink: promote: %w", err)
	}
	from, to := RunDir(root, date), RunDir(output, date)
	token := runToken(runID)
	keep := map[string]bool{}
	for name, t := range m.Tables {
		for i, rel := range t.Files {
			dst := strings.TrimSuffix(rel, ".parquet") + "-" + token + ".parquet"
			if err := Rename(ctx, Join(from, rel), Join(to, dst)); err != nil {
				return nil, err
			}
			t.Files[i] = dst
			keep[dst] = true
		}
		m.Tables[name] = t
	}
	moved := map[string]bool{ManifestName: true}
	for rel := range keep {
		moved[rel] = true
	}
	rest, err := listFiles(ctx, from)
	if err != nil {
		return nil, err
	}
	for _, rel := range rest {
		if moved[rel] || strings.HasPrefix(rel, "_temporary/") {
			continue
		}
		if err := Rename(ctx, Join(from, rel), Join(to, rel)); err != nil {
			return nil, err
		}
		keep[rel] = true
	}
	if amend != nil {
		amend(m)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sink: manifest: %w", err)
	}
	if err := WriteAtomic(ctx, Join(to, ManifestName), append(data, '\n')); err != nil {
		return nil, err
	}
	keep[ManifestName] = true
	old, err := listFiles(ctx, to)
	if err != nil {
		return nil, err
	}
	for _, rel := range old {
		if !keep[rel] {
			if err := removeGlob(ctx, Join(to, rel)); err != nil {
				return nil, err
			}
		}
	}
	if err := RemoveDir(ctx, AttemptsDir(output, date)); err != nil {
		return nil, err
	}
	if !strings.Contains(output, "://") {
		os.Remove(filepath.Join(output, attemptsDir)) // only when no other date's attempt is left
	}
	return m, nil
}

// runToken is a short name of a run for its files: 8 hex digits of the run id's hash.
func runToken(runID string) string {
	sum := sha256.Sum256([]byte(runID))
	return hex.EncodeToString(sum[:4])
}

// WriteAtomic writes a file that readers see whole or not at all: locally through a temporary
// file renamed into place; an object store's write is atomic already.
func WriteAtomic(ctx context.Context, path string, data []byte) error {
	if strings.Contains(path, "://") {
		return WriteBytes(ctx, path, data)
	}
	tmp := path + ".tmp"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}

// listFiles lists every file under dir, as paths relative to it with slashes, sorted. A missing
// folder has no files.
func listFiles(ctx context.Context, dir string) ([]string, error) {
	var out []string
	if !strings.Contains(dir, "://") {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == dir {
					return filepath.SkipAll
				}
				return err
			}
			if !d.IsDir() {
				rel, err := filepath.Rel(dir, p)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sink: list %s: %w", dir, err)
		}
		return out, nil
	}
	// An object store's glob stops at a slash: list every depth a run writes at.
	glob := strings.TrimRight(dir, "/")
	for range maxTempDepth + 2 {
		glob = Join(glob, "*")
		files, err := List(ctx, glob)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, strings.TrimPrefix(f, strings.TrimRight(dir, "/")+"/"))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
