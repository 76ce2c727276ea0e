package clean

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// TestClaimOrderIsLater checks that comparing claims orders rows as schemas.Later does, files
// given by rank, over random pairs that often tie on some fields.
func TestClaimOrderIsLater(t *testing.T) {
	files := []string{"b/2.jsonl", "a/1.jsonl", "b/10.jsonl"}
	ranks := newFileRanks(append(files, files[0]))
	r := rand.New(rand.NewPCG(1, 2))
	row := func() schemas.User {
		return schemas.User{UserID: "u", UpdatedAt: int64(r.IntN(3)), Src: schemas.Origin{
			File: files[r.IntN(len(files))], RowGroup: int32(r.IntN(2)), Offset: int64(r.IntN(2)), Line: int64(r.IntN(3))}}
	}
	for i := 0; i < 5000; i++ {
		a, b := row(), row()
		ca, err := ranks.claimOf(a)
		if err != nil {
			t.Fatal(err)
		}
		cb, _ := ranks.claimOf(b)
		if got, want := ca.later(cb), schemas.Later(a, b); got != want {
			t.Fatalf("claims %+v later than %+v = %v, rows say %v", ca, cb, got, want)
		}
	}
	if _, err := ranks.claimOf(schemas.User{Src: schemas.Origin{File: "elsewhere"}}); err == nil {
		t.Fatal("a row from an unknown file was given a claim")
	}
}

// TestClaimBatches round-trips a batch and refuses every truncation of it.
func TestClaimBatches(t *testing.T) {
	want := []claim{{Version: -5, File: 2, RowGroup: 1, Offset: 1 << 40, Line: 7}, {}, {Version: 1 << 62, Line: 1},
		{Version: math.MinInt64, Offset: math.MaxInt64, Line: -1}}
	keys := []keyHash{hashKey("k1"), hashKey(""), hashKey("a longer natural key ünïcode"), {Hi: math.MaxUint64}}
	var b []byte
	for i, c := range want {
		b = appendClaim(b, keys[i], c)
	}
	var got []claim
	var gotKeys []keyHash
	if err := readClaims(b, func(k keyHash, c claim) { gotKeys, got = append(gotKeys, k), append(got, c) }); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] || gotKeys[i] != keys[i] {
			t.Fatalf("claim %d = %v %+v, want %v %+v", i, gotKeys[i], got[i], keys[i], want[i])
		}
	}
	for cut := 1; cut < len(b); cut++ {
		err := readClaims(b[:cut], func(keyHash, claim) {})
		// A cut between two claims is a shorter, valid batch; any other cut is corrupt.
		if err != nil && !errors.Is(err, errBadBatch) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	if err := readClaims([]byte{0xff}, func(keyHash, claim) {}); !errors.Is(err, errBadBatch) {
		t.Fatalf("a lone 0xff decoded: %v", err)
	}
}
