package portrait

import (
	"slices"
	"testing"
)

func TestBuckets(t *testing.T) {
	prev := int32(-1)
	for v := int64(0); v < 1<<20; v++ {
		b := bucket(v)
		if b < prev || b > prev+1 {
			t.Fatalf("bucket(%d) = %d after %d: not contiguous and increasing", v, b, prev)
		}
		if f := bucketFloor(b); f > v || bucket(f) != b || (b != prev && f != v) {
			t.Fatalf("bucket %d of %d has floor %d", b, v, f)
		}
		if v < 128 && int64(b) != v {
			t.Fatalf("bucket(%d) = %d, want exact below 128", v, b)
		}
		if float64(v-bucketFloor(b)) > float64(v)/64 {
			t.Fatalf("%d is more than 1/64 above its bucket's floor %d", v, bucketFloor(b))
		}
		prev = b
	}
	if b := bucket(1 << 62); bucketFloor(b) != 1<<62 {
		t.Errorf("large values: floor %d", bucketFloor(b))
	}
}

func TestQuintilesAndScores(t *testing.T) {
	h := histogram{}
	for v := int64(1); v <= 100; v++ { // 1..100: cut k is the value 20k
		h.add(v)
	}
	if got := h.quintiles(); !slices.Equal(got, []int64{20, 40, 60, 80}) {
		t.Errorf("quintiles of 1..100 = %v", got)
	}
	cuts := h.quintiles()
	for _, c := range []struct {
		v         int64
		high, low int32
	}{{1, 1, 5}, {20, 1, 5}, {21, 2, 4}, {60, 3, 3}, {81, 5, 1}, {1000, 5, 1}} {
		if got := scoreHigh(cuts, c.v); got != c.high {
			t.Errorf("scoreHigh(%d) = %d, want %d", c.v, got, c.high)
		}
		if got := scoreLow(cuts, c.v); got != c.low {
			t.Errorf("scoreLow(%d) = %d, want %d", c.v, got, c.low)
		}
	}
	// Ties: 70% of buyers with one purchase day all score 1; the rest spread above.
	f := histogram{}
	for i := range 100 {
		f.add(int64(1 + max(0, i-69)/10))
	}
	cuts = f.quintiles()
	if !slices.Equal(cuts, []int64{1, 1, 1, 2}) || scoreHigh(cuts, 1) != 1 || scoreHigh(cuts, 2) != 4 || scoreHigh(cuts, 3) != 5 {
		t.Errorf("tied frequencies: cuts %v", cuts)
	}
	if (histogram{}).quintiles() != nil || scoreHigh(nil, 5) != 0 || scoreLow(nil, 5) != 0 {
		t.Error("an empty histogram gives cuts or scores")
	}
	// Merging histograms gives the histogram of the union.
	a, b := histogram{}, histogram{}
	for v := int64(1); v <= 100; v++ {
		if v%3 == 0 {
			a.add(v)
		} else {
			b.add(v)
		}
	}
	a.merge(b)
	if !slices.Equal(a.quintiles(), h.quintiles()) {
		t.Error("merged histogram differs")
	}
}
