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

// TestRoundTrip spills batches of every bucket in two flushes and reads each group back: every
// batch comes back under its bucket, in the order written, and each group's files hold only its
// own buckets.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var w Writer
	groups := map[int][]string{}
	emit := func(g int, path string) { groups[g] = append(groups[g], path) }
	want := map[int][][]byte{}
	for flush := range 2 {
		for b := range batch.Buckets {
			data := []byte(fmt.Sprintf("flush %d bucket %d", flush, b))
			w.Add(b, data)
			want[b] = append(want[b], data)
		}
		if err := w.Flush(ctx, dir, "test", emit); err != nil {
			t.Fatal(err)
		}
	}
	if len(groups) != Groups {
		t.Fatalf("files for %d groups, want %d", len(groups), Groups)
	}
	for g, files := range groups {
		if len(files) != 2 {
			t.Fatalf("group %d: %d files, want one a flush", g, len(files))
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
					t.Errorf("bucket %d batch %d: %q from %s, want %q from %s", b, i, got.Data, got.Path, want[b][i], files[i])
				}
			}
		}
	}
}

// TestFull checks that a Writer says it is full once it buffers MaxBytes, and empty after a Flush.
func TestFull(t *testing.T) {
	var w Writer
	chunk := make([]byte, 1<<20)
	for range MaxBytes / len(chunk) {
		if w.Full() {
			t.Fatal("full before MaxBytes")
		}
		w.Add(3, chunk)
	}
	if !w.Full() {
		t.Fatal("not full at MaxBytes")
	}
	if err := w.Flush(context.Background(), t.TempDir(), "test", func(int, string) {}); err != nil {
		t.Fatal(err)
	}
	if w.Full() {
		t.Fatal("full after a flush")
	}
}

// TestCorrupt checks that a file cut short, or naming a bucket out of range, fails with ErrCorrupt
// and its name, and that a missing file fails naming it.
func TestCorrupt(t *testing.T) {
	ctx := context.Background()
	var w Writer
	var path string
	w.Add(1, []byte("some batch"))
	if err := w.Flush(ctx, t.TempDir(), "test", func(_ int, p string) { path = p }); err != nil {
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
		if _, err := Read(ctx, iterOf([]string{path})); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
			t.Errorf("%x: error %v, want ErrCorrupt naming %s", bad, err, path)
		}
	}
	missing := path + ".gone"
	if _, err := Read(ctx, iterOf([]string{missing})); err == nil || !strings.Contains(err.Error(), missing) {
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
