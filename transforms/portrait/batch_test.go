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
// over six bundles and two days, through the batches: each person's merge is byte for byte the
// merge of its partials one by one.
func TestMergeBatchesAsMerge(t *testing.T) {
	e := testEnv(t)
	facts, _ := richFacts()
	rng := rand.New(rand.NewPCG(5, 6))
	want := map[string]days{}
	var batches [][]byte
	for range 6 {
		var batch []byte
		for _, key := range []string{"P1", "P2", "P3"} {
			d := newDays(2)
			for _, f := range facts {
				if rng.IntN(3) == 0 {
					f(d.acc[rng.IntN(2)], e)
				}
			}
			batch = appendPartial(batch, key, d)
			if cur, ok := want[key]; ok {
				cur.merge(d)
			} else {
				want[key] = copyDays(t, d)
			}
		}
		batches = append(batches, batch)
	}
	next := 0
	iter := func(b *[]byte) bool {
		if next == len(batches) {
			return false
		}
		*b, next = batches[next], next+1
		return true
	}
	got, held := map[string]days{}, map[string]days{}
	f := &holdBatchesFn{Dir: t.TempDir()}
	var paths []string
	ctx := context.Background()
	if err := f.ProcessElement(ctx, 7, iter, func(key string, d days) { got[key] = d }, func(p string) { paths = append(paths, p) }); err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 {
		t.Fatalf("held files %v, want one", paths)
	}
	if err := eachHeld(ctx, paths[0], func(id string, d days) error {
		held[id] = d
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]map[string]days{"emitted": got, "held": held} {
		if len(m) != len(want) {
			t.Fatalf("%s %d keys, want %d", name, len(m), len(want))
		}
		for key, d := range want {
			if !bytes.Equal(encodeDays(m[key]), encodeDays(d)) {
				t.Errorf("%s %s: merged batches differ from merging the partials one by one", name, key)
			}
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
	if err := eachHeld(ctx, missing, func(string, days) error { return nil }); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: error %v, want one naming %s", err, missing)
	}
	stop := errors.New("stop")
	calls := 0
	whole := filepath.Join(dir, "whole.accs")
	if err := os.WriteFile(whole, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := eachHeld(ctx, whole, func(string, days) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
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
	if err := readPartials(bad, func(string, days) {}); err == nil || !bytes.Contains([]byte(fmt.Sprint(err)), []byte("P9")) {
		t.Errorf("corrupt accumulator: error %v, want one naming P9", err)
	}
}
