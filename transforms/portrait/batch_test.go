package portrait

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// TestMergeBatchesAsMerge sends partials of three persons, the rich person's facts spread at random
// over six bundles and two days, through the spilled batches: each person's merge, emitted and
// held, is byte for byte the merge of its partials one by one, and mergeGroup gives the same.
func TestMergeBatchesAsMerge(t *testing.T) {
	e := testEnv(t)
	facts, _ := richFacts()
	rng := rand.New(rand.NewPCG(5, 6))
	want := map[string]days{}
	ctx := context.Background()
	dir := t.TempDir()
	groups := map[int][]string{}
	for range 6 {
		f := &spillPartialsFn{Dir: dir}
		f.Setup()
		spilled := func(g int, path string) { groups[g] = append(groups[g], path) }
		for _, key := range []string{"P1", "P2", "P3"} {
			d := newDays(2)
			for _, f := range facts {
				if rng.IntN(3) == 0 {
					f(d.acc[rng.IntN(2)], e)
				}
			}
			if cur, ok := want[key]; ok {
				cur.merge(copyDays(t, d))
			} else {
				want[key] = copyDays(t, d)
			}
			if err := f.ProcessElement(ctx, key, d, spilled); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.FinishBundle(ctx, spilled); err != nil {
			t.Fatal(err)
		}
	}
	got, held, again := map[string]days{}, map[string]days{}, map[string]days{}
	f := &holdBatchesFn{Dir: t.TempDir()}
	var paths []string
	for g, files := range groups {
		if err := f.ProcessElement(ctx, g, iterOf(files), func(key string, d days) { got[key] = d },
			func(p string) { paths = append(paths, p) }); err != nil {
			t.Fatal(err)
		}
		if err := mergeGroup(ctx, g, iterOf(files), func(key string, d days) {
			again[key] = d
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range paths {
		if err := eachHeld(ctx, path, func(id string, d days) error {
			held[id] = d
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for name, m := range map[string]map[string]days{"emitted": got, "held": held,
		"mergeGroup's": again} {
		if len(m) != len(want) {
			t.Fatalf("%s %d keys, want %d", name, len(m), len(want))
		}
		for key, d := range want {
			if !bytes.Equal(encodeDays(m[key]), encodeDays(d)) {
				t.Errorf(
					"%s %s: merged batches differ from merging the partials one by one",
					name,
					key,
				)
			}
		}
	}
}

// TestCorruptPartialsFail checks that a spilled file of partials cut short fails naming it.
func TestCorruptPartialsFail(t *testing.T) {
	ctx := context.Background()
	f := &spillPartialsFn{Dir: t.TempDir()}
	f.Setup()
	var files []string
	spilled := func(_ int, path string) { files = append(files, path) }
	if err := f.ProcessElement(ctx, "P1", newDays(2), spilled); err != nil {
		t.Fatal(err)
	}
	if err := f.FinishBundle(ctx, spilled); err != nil || len(files) != 1 {
		t.Fatalf("spilled %v (%v), want one file", files, err)
	}
	whole, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(whole) - 1, 2} {
		if err := os.WriteFile(files[0], whole[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		err := mergeGroup(ctx, 0, iterOf(files), func(string, days) {})
		if err == nil || !strings.Contains(err.Error(), files[0]) {
			t.Errorf("%d of %d bytes: error %v, want one naming %s", cut, len(whole), err, files[0])
		}
	}
}

// TestHeldFileCutShort fails naming the held file when it is cut short, and when it is missing.
func TestHeldFileCutShort(t *testing.T) {
	dir := t.TempDir()
	d := newDays(2)
	d.acc[0].AddPerson(schemas.Person{PersonID: "P1"})
	data := appendPartial(appendPartial(nil, "P1", d), "P2", d)
	cut := filepath.Join(dir, "cut.accs")
	if err := os.WriteFile(cut, data[:len(data)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err := eachHeld(ctx, cut, func(string, days) error { return nil })
	if err == nil || !strings.Contains(err.Error(), cut) {
		t.Errorf("cut file: error %v, want one naming %s", err, cut)
	}
	missing := filepath.Join(dir, "missing.accs")
	if err := eachHeld(ctx, missing, func(string, days) error { return nil }); err == nil ||
		!strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: error %v, want one naming %s", err, missing)
	}
	stop := errors.New("stop")
	calls := 0
	whole := filepath.Join(dir, "whole.accs")
	if err := os.WriteFile(whole, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := eachHeld(ctx, whole, func(string, days) error { calls++; return stop }); !errors.Is(
		err,
		stop,
	) ||
		calls != 1 {
		t.Errorf("whole file: error %v after %d calls, want stop after 1", err, calls)
	}
}

// copyDays is a deep copy of d, through its encoding.
func copyDays(t *testing.T, d days) days {
	t.Helper()
	c, err := decodeDays(encodeDays(d))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPartialBatches rejects a batch cut short, naming the key when its accumulator is cut.
func TestPartialBatches(t *testing.T) {
	e := testEnv(t)
	facts, _ := richFacts()
	d := newDays(2)
	for _, f := range facts {
		f(d.acc[0], e)
	}
	b := appendPartial(appendPartial(nil, "P1", d), "P2", newDays(2))
	n := 0
	if err := readPartials(b, func(string, days) { n++ }); err != nil || n != 2 {
		t.Fatalf("read %d partials, error %v; want 2", n, err)
	}
	for _, cut := range []int{1, 4, len(b) - 1} {
		if err := readPartials(b[:cut], func(string, days) {}); err == nil {
			t.Errorf("batch cut to %d bytes read without error", cut)
		}
	}
	bad := appendPartial(nil, "P9", d)
	bad[len(bad)-1] ^= 0xff
	if err := readPartials(bad, func(string, days) {}); err == nil ||
		!bytes.Contains([]byte(fmt.Sprint(err)), []byte("P9")) {
		t.Errorf("corrupt accumulator: error %v, want one naming P9", err)
	}
}
