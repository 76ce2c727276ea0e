package resolve

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSampleInsert adds random candidates one by one: the side insert keeps is the side keep
// makes of all of them (the K smallest hashes, once each, in order), repeats included.
func TestSampleInsert(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	f := &sampleFn{K: 50}
	var inserted, all []candidate
	for range 2000 {
		c := candidate{Key: "phone:" + strconv.Itoa(r.IntN(700))}
		inserted = f.insert(inserted, c)
		all = append(all, c)
	}
	want := f.keep(all)
	if len(want) != f.K ||
		!slices.EqualFunc(inserted, want, func(a, b candidate) bool { return a.Key == b.Key }) {
		t.Errorf("insert kept %d candidates, keep %d; they differ", len(inserted), len(want))
	}
}

// TestKeyHash checks keyHash against hash/fnv's FNV-1a, which it replaces.
func TestKeyHash(t *testing.T) {
	for _, s := range []string{"", "a", "account:12345", "phone:+8613812345678", "名字"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got := keyHash(s); got != h.Sum64() {
			t.Errorf("keyHash(%q) = %x, want %x", s, got, h.Sum64())
		}
	}
}
