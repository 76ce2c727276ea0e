package rfm

import (
	"slices"
	"testing"
)

// TestTableIsAPartition checks that the published table lists each of the
// 125 cells exactly once, under one of the eleven segments.
func TestTableIsAPartition(t *testing.T) {
	seen := map[int]string{}
	for seg, scores := range table {
		if !slices.Contains(Segments, seg) {
			t.Errorf("table segment %q is not in Segments", seg)
		}
		for _, s := range scores {
			r, f, m := s/100, s/10%10, s%10
			if r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5 || s > 555 {
				t.Errorf("%s: %d is no RFM score", seg, s)
			}
			if prev, dup := seen[s]; dup {
				t.Errorf("%d is under both %s and %s", s, prev, seg)
			}
			seen[s] = seg
		}
	}
	if len(seen) != 125 {
		t.Errorf("table covers %d cells, want 125", len(seen))
	}
	if len(Segments) != 11 || len(table) != 11 {
		t.Errorf("%d segments named, %d in the table; want 11", len(Segments), len(table))
	}
}

func TestEveryCellMaps(t *testing.T) {
	count := map[string]int{}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				seg := Segment(r, f, m)
				if !slices.Contains(Segments, seg) {
					t.Errorf("Segment(%d,%d,%d) = %q, not one of Segments", r, f, m, seg)
				}
				count[seg]++
			}
		}
	}
	for _, seg := range Segments {
		if count[seg] != len(table[seg]) || count[seg] == 0 {
			t.Errorf("%s holds %d cells, the table lists %d", seg, count[seg], len(table[seg]))
		}
	}
}

func TestSpotCells(t *testing.T) {
	for _, c := range []struct {
		r, f, m int
		want    string
	}{
		{5, 5, 5, "champions"},
		{4, 4, 5, "champions"},
		{4, 4, 4, "loyal"},
		{3, 5, 5, "loyal"},
		{5, 5, 3, "potential_loyalist"},
		{3, 3, 3, "potential_loyalist"},
		{5, 1, 1, "new"},
		{3, 1, 1, "new"},
		{5, 2, 5, "promising"},
		{3, 1, 5, "promising"},
		{5, 3, 5, "need_attention"},
		{3, 2, 1, "about_to_sleep"},
		{2, 5, 1, "about_to_sleep"},
		{2, 5, 5, "at_risk"},
		{1, 2, 4, "at_risk"},
		{1, 5, 5, "cannot_lose"},
		{2, 1, 4, "cannot_lose"},
		{3, 3, 2, "hibernating"},
		{2, 1, 1, "hibernating"},
		{1, 1, 1, "lost"},
		{1, 5, 1, "lost"},
	} {
		if got := Segment(c.r, c.f, c.m); got != c.want {
			t.Errorf("Segment(%d,%d,%d) = %q, want %q", c.r, c.f, c.m, got, c.want)
		}
	}
}

func TestOutOfRange(t *testing.T) {
	for _, c := range [][3]int{{0, 3, 3}, {6, 3, 3}, {3, 0, 3}, {3, 6, 3}, {3, 3, 0}, {3, 3, 6},
		{-1, -1, -1}} {
		if got := Segment(c[0], c[1], c[2]); got != "" {
			t.Errorf("Segment(%v) = %q, want \"\"", c, got)
		}
	}
}
