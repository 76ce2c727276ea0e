package spill

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/batch"
)

// TestRoundTrip spills batches of every bucket in two bundles and reads each group back: every
// batch comes back under its bucket, in the order written, and each group's files hold only its
// own buckets.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := NewWriter(t.TempDir(), "test")
	groups := map[int][]string{}
	emit := func(g int, path string) { groups[g] = append(groups[g], path) }
	want := map[int][][]byte{}
	for bundle := range 2 {
		for b := range batch.Buckets {
			data := []byte(fmt.Sprintf("bundle %d bucket %d", bundle, b))
			if err := w.Add(ctx, b, func(p []byte) []byte { return append(p, data...) }, emit); err != nil {
				t.Fatal(err)
			}
			want[b] = append(want[b], data)
		}
		if err := w.Finish(ctx, emit); err != nil {
			t.Fatal(err)
		}
	}
	if len(groups) != Groups {
		t.Fatalf("files for %d groups, want %d", len(groups), Groups)
	}
	for g, files := range groups {
		if len(files) != 2 {
			t.Fatalf("group %d: %d files, want one a bundle", g, len(files))
		}
		buckets, err := Read(ctx, iterOf(files))
		if err != nil {
			t.Fatal(err)
		}
		for b, batches := range buckets {
			if b%Groups != g {
				if len(batches) > 0 {
					t.Fatalf("group %d holds bucket %d", g, b)
				}
				continue
			}
			if len(batches) != len(want[b]) {
				t.Fatalf("bucket %d: %d batches, want %d", b, len(batches), len(want[b]))
			}
			for i, got := range batches {
				if !bytes.Equal(got.Data, want[b][i]) || got.Path != files[i] {
					t.Errorf(
						"bucket %d batch %d: %q from %s, want %q from %s",
						b,
						i,
						got.Data,
						got.Path,
						want[b][i],
						files[i],
					)
				}
			}
		}
	}
}

// TestWritesWhenFull checks that a Writer writes nothing until it buffers MaxBytes, then writes,
// and that Finish writes the rest.
func TestWritesWhenFull(t *testing.T) {
	ctx := context.Background()
	w := NewWriter(t.TempDir(), "test")
	written := 0
	emit := func(int, string) { written++ }
	chunk := make([]byte, 1<<20)
	for range MaxBytes / len(chunk) {
		if written > 0 {
			t.Fatal("wrote before MaxBytes")
		}
		if err := w.Add(ctx, 3, func(p []byte) []byte { return append(p, chunk...) }, emit); err != nil {
			t.Fatal(err)
		}
	}
	if written != 1 {
		t.Fatalf("%d files at MaxBytes, want one (a single group)", written)
	}
	if err := w.Add(ctx, 3, func(p []byte) []byte { return append(p, 1) }, emit); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(ctx, emit); err != nil || written != 2 {
		t.Fatalf("%d files after Finish (%v), want the rest in a second", written, err)
	}
}

// TestCorrupt checks that a file cut short, or naming a bucket out of range, fails with ErrCorrupt
// and its name, and that a missing file fails naming it.
func TestCorrupt(t *testing.T) {
	ctx := context.Background()
	w := NewWriter(t.TempDir(), "test")
	var path string
	keep := func(_ int, p string) { path = p }
	if err := w.Add(ctx, 1, func(p []byte) []byte { return append(p, "some batch"...) },
		keep); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(ctx, keep); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{whole[:len(whole)-1], {0x80, 0x10, 0x00}, {0xff, 0x7f, 0x00}} {
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(ctx, iterOf([]string{path})); !errors.Is(err, ErrCorrupt) ||
			!strings.Contains(err.Error(), path) {
			t.Errorf("%x: error %v, want ErrCorrupt naming %s", bad, err, path)
		}
	}
	missing := path + ".gone"
	if _, err := Read(ctx, iterOf([]string{missing})); err == nil ||
		!strings.Contains(err.Error(), missing) {
		t.Errorf("a missing file: error %v, want one naming it", err)
	}
}

// iterOf iterates over paths as a GroupByKey's values.
func iterOf(paths []string) func(*string) bool {
	i := 0
	return func(p *string) bool {
		if i == len(paths) {
			return false
		}
		*p, i = paths[i], i+1
		return true
	}
}
