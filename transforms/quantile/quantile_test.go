package quantile

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
	h := New()
	for v := int64(1); v <= 100; v++ { // 1..100: cut k is the value 20k
		h.Add(v)
	}
	if got := h.Cuts(5); !slices.Equal(got, []int64{20, 40, 60, 80}) {
		t.Errorf("quintiles of 1..100 = %v", got)
	}
	if got := h.Cuts(4); !slices.Equal(got, []int64{25, 50, 75}) {
		t.Errorf("quartiles of 1..100 = %v", got)
	}
	cuts := h.Cuts(5)
	for _, c := range []struct {
		v         int64
		high, low int32
	}{{1, 1, 5}, {20, 1, 5}, {21, 2, 4}, {60, 3, 3}, {81, 5, 1}, {1000, 5, 1}} {
		if got := ScoreHigh(cuts, 5, c.v); got != c.high {
			t.Errorf("ScoreHigh(%d) = %d, want %d", c.v, got, c.high)
		}
		if got := ScoreLow(cuts, 5, c.v); got != c.low {
			t.Errorf("ScoreLow(%d) = %d, want %d", c.v, got, c.low)
		}
	}
	if got := ScoreLow(h.Cuts(4), 4, 90); got != 1 {
		t.Errorf("ScoreLow of the top quarter = %d, want 1", got)
	}
	// Ties: 70% of buyers with one purchase day all score 1; the rest spread above.
	f := New()
	for i := range 100 {
		f.Add(int64(1 + max(0, i-69)/10))
	}
	cuts = f.Cuts(5)
	if !slices.Equal(cuts, []int64{1, 1, 1, 2}) || ScoreHigh(cuts, 5, 1) != 1 ||
		ScoreHigh(cuts, 5, 2) != 4 ||
		ScoreHigh(cuts, 5, 3) != 5 {
		t.Errorf("tied frequencies: cuts %v", cuts)
	}
	if New().Cuts(5) != nil || ScoreHigh(nil, 5, 5) != 0 || ScoreLow(nil, 5, 5) != 0 ||
		ScoreHigh(cuts, 4, 1) != 0 {
		t.Error("an empty histogram, or cuts of another length, give a score")
	}
	// Merging histograms gives the histogram of the union.
	a, b := New(), New()
	for v := int64(1); v <= 100; v++ {
		if v%3 == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	a.Merge(b)
	if !slices.Equal(a.Cuts(5), h.Cuts(5)) || a.Count() != 100 {
		t.Error("merged histogram differs")
	}
}
