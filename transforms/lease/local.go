package lease

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// local keeps a lease's generations as numbered files in a folder: 00000000000000000001.json, 2,
// and so on; the highest is current. A generation is created exclusively, as a hard link to a
// complete temporary file, so no reader ever sees half of one. The highest file is never removed,
// so numbers only grow: a run that slept through a takeover and tries to write a generation that
// was cleaned away finds a higher one and gives up.
type local struct {
	dir string
}

func openLocal(dir string) (store, error) { return &local{dir: dir}, nil }

// genDigits is the width of a generation's file name: sorted names are sorted numbers.
const genDigits = 20

func (l *local) name(gen int64) string {
	return filepath.Join(l.dir, fmt.Sprintf("%0*d.json", genDigits, gen))
}

// highest is the number of the highest generation file, 0 when there is none.
func (l *local) highest() (int64, error) {
	entries, err := os.ReadDir(l.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var top int64
	for _, e := range entries {
		stem, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || len(stem) != genDigits {
			continue
		}
		if n, err := strconv.ParseInt(stem, 10, 64); err == nil && n > top {
			top = n
		}
	}
	return top, nil
}

func (l *local) current(context.Context) ([]byte, int64, error) {
	// A newer generation may replace the highest between listing and reading it (its
	// predecessors are then removed): list again.
	for range maxRaces {
		gen, err := l.highest()
		if err != nil || gen == 0 {
			return nil, 0, err
		}
		data, err := os.ReadFile(l.name(gen))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return data, gen, err
	}
	return nil, 0, fmt.Errorf("%s changes too fast to be read", l.dir)
}

func (l *local) next(_ context.Context, gen int64, data []byte) (int64, error) {
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(l.dir, ".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	next := gen + 1
	if err := os.Link(tmp.Name(), l.name(next)); errors.Is(err, fs.ErrExist) {
		return 0, errConflict
	} else if err != nil {
		return 0, err
	}
	// The name was free, but a generation cleaned away is free too: gen was current only if no
	// higher one exists.
	top, err := l.highest()
	if err != nil {
		return 0, err
	}
	if top > next {
		os.Remove(l.name(next))
		return 0, errConflict
	}
	l.clean(next)
	return next, nil
}

// clean removes the generations before gen, which nobody reads any more; a file that will not go
// is left for the next time.
func (l *local) clean(gen int64) {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		stem, ok := strings.CutSuffix(e.Name(), ".json")
		if n, err := strconv.ParseInt(stem, 10, 64); ok && len(stem) == genDigits && err == nil &&
			n < gen {
			os.Remove(filepath.Join(l.dir, e.Name()))
		}
	}
}

// release writes a released generation after gen: the lease is free, and numbers keep growing.
func (l *local) release(ctx context.Context, gen int64) error {
	_, err := write(ctx, l, gen, record{Released: true})
	return err
}

func (l *local) close() {}
