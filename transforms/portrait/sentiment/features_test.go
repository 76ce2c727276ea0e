package sentiment

import (
	"slices"
	"testing"
)

func TestFeaturesFoldAndLowerCase(t *testing.T) {
	e := extractor{maxOrder: 3, bits: 22}
	want := slices.Clone(e.features("good好评!138****5678"))
	for _, variant := range []string{"ＧＯＯＤ好评！１３８＊＊＊＊５６７８", "Good好评!138****5678",
		"  GOOD好评!138****5678\u3000"} {
		if got := e.features(variant); !slices.Equal(got, want) {
			t.Errorf("features(%q) = %v, want those of the folded text %v", variant, got, want)
		}
	}
	if got := e.features("bad好评!138****5678"); slices.Equal(got, want) {
		t.Errorf("different texts gave the same features %v", got)
	}
}

func TestFeaturesCount(t *testing.T) {
	// "ab" is read as ^ab$ (^ and $ the boundary): unigrams a b, bigrams ^a ab b$,
	// trigrams ^ab ab$.
	for order, want := range map[int]int{1: 2, 2: 5, 3: 7, 4: 8, 5: 8} {
		e := extractor{maxOrder: order, bits: 24}
		if got := e.features("ab"); len(got) != want {
			t.Errorf("order %d: %d features %v, want %d", order, len(got), got, want)
		}
	}
	e := extractor{maxOrder: 2, bits: 24}
	// "好好好" has the distinct n-grams 好, ^好, 好好, 好$.
	if got := e.features("好好好"); len(got) != 4 {
		t.Errorf("features(好好好) = %v, want 4 distinct buckets", got)
	}
	for _, blank := range []string{"", "  ", "\u3000\t", "\x00\r"} {
		if got := e.features(blank); got != nil {
			t.Errorf("features(%q) = %v, want none", blank, got)
		}
	}
}

func TestFeaturesInRange(t *testing.T) {
	for _, bits := range []int{minHashBits, 12, maxHashBits} {
		e := extractor{maxOrder: maxMaxOrder, bits: bits}
		for _, f := range e.features("这件衣服质量很好，下次还来买 :) 👍👍 Very GOOD") {
			if f >= 1<<bits {
				t.Fatalf("bits %d: bucket %d out of range", bits, f)
			}
		}
	}
}

func TestUnique(t *testing.T) {
	var e extractor
	in := []uint32{5, 3, 5, 40, 3, 3, 7, 40, 0, 0}
	for i := range 100 {
		in = append(in, uint32(i*37%50)) // grows the set past its first size
	}
	var want []uint32
	for _, v := range in {
		if !slices.Contains(want, v) {
			want = append(want, v)
		}
	}
	if got := e.unique(slices.Clone(in)); !slices.Equal(got, want) {
		t.Errorf("unique = %v, want %v", got, want)
	}
	if got := e.unique([]uint32{9, 9}); !slices.Equal(got, []uint32{9}) {
		t.Errorf("unique after reuse = %v, want [9]", got)
	}
}
