package portrait

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
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
	got := map[string]days{}
	if err := mergeBatches(0, iter, func(key string, d days) { got[key] = d }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("merged %d keys, want %d", len(got), len(want))
	}
	for key, d := range want {
		if !bytes.Equal(encodeDays(got[key]), encodeDays(d)) {
			t.Errorf("%s: merged batches differ from merging the partials one by one", key)
		}
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
