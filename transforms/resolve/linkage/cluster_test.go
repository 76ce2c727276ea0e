package linkage

import (
	"slices"
	"testing"
)

func TestUnionFind(t *testing.T) {
	u := NewUnionFind(6)
	if !u.Union(0, 1) || !u.Union(2, 3) || !u.Union(1, 3) {
		t.Fatal("unions of distinct sets reported no change")
	}
	if u.Union(0, 2) {
		t.Error("union within a set reported a change")
	}
	if u.Find(0) != u.Find(3) || u.Find(4) == u.Find(0) || u.Find(4) == u.Find(5) {
		t.Errorf("sets wrong: %v", u.parent)
	}
}

func TestClusterDeterministicIDs(t *testing.T) {
	ids := []string{"d", "b", "c", "a", "e", "f"}
	pairs := []Pair{{0, 1}, {1, 2}, {3, 4}} // {d,b,c} {a,e} {f}
	want := []string{"b", "b", "b", "a", "a", "f"}
	if got := Cluster(ids, pairs); !slices.Equal(got, want) {
		t.Fatalf("Cluster = %v, want %v", got, want)
	}
	// The same edges in another order give the same ids.
	rev := slices.Clone(pairs)
	slices.Reverse(rev)
	rev[0] = Pair{4, 3}
	if got := Cluster(ids, rev); !slices.Equal(got, want) {
		t.Fatalf("Cluster(reversed) = %v, want %v", got, want)
	}
	if got := Cluster(nil, nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
}

func TestPairwiseScores(t *testing.T) {
	truth := []string{"1", "1", "1", "2", "2", "3"}
	pred := []string{"a", "a", "b", "c", "c", "c"}
	// true pairs: 3 + 1 = 4; predicted: 1 + 3 = 4; correct: (0,1) and (3,4) = 2.
	s := PairwiseScores(truth, pred)
	if s.True != 4 || s.Predicted != 4 || s.Correct != 2 || s.Precision != 0.5 || s.Recall != 0.5 ||
		s.F1 != 0.5 {
		t.Errorf("PairwiseScores = %+v", s)
	}
	if s := PairwiseScores([]string{"x", "y"}, []string{"x", "y"}); s.F1 != 1 {
		t.Errorf("no pairs anywhere: %+v", s)
	}
}
