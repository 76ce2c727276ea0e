package clean

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/spill"
)

// TestClaimOrderIsLater checks that comparing claims orders rows as schemas.Later does, files
// given by rank, over random pairs that often tie on some fields.
func TestClaimOrderIsLater(t *testing.T) {
	files := []string{"b/2.jsonl", "a/1.jsonl", "b/10.jsonl"}
	ranks := newFileRanks(append(files, files[0]))
	r := rand.New(rand.NewPCG(1, 2))
	row := func() schemas.User {
		return schemas.User{UserID: "u", UpdatedAt: int64(r.IntN(3)), Src: schemas.Origin{
			File: files[r.IntN(len(files))], RowGroup: int32(r.IntN(2)), Offset: int64(r.IntN(2)),
			Line: int64(r.IntN(3))}}
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
	want := []claim{
		{Version: -5, File: 2, RowGroup: 1, Offset: 1 << 40, Line: 7},
		{},
		{Version: 1 << 62, Line: 1},
		{Version: math.MinInt64, Offset: math.MaxInt64, Line: -1},
	}
	keys := []keyHash{
		hashKey("k1"),
		hashKey(""),
		hashKey("a longer natural key ünïcode"),
		{Hi: math.MaxUint64},
	}
	var b []byte
	for i, c := range want {
		b = appendClaim(b, keys[i], c)
	}
	var got []claim
	var gotKeys []keyHash
	if err := readClaims(b, func(k keyHash, c claim) {
		gotKeys, got = append(gotKeys, k), append(got, c)
	}); err != nil {
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

// claimsOf runs claimsFn over bundles of rows and winnersFn over every group it spilled, as Claims
// does on a runner, and returns the winners, the counts and the spilled files.
func claimsOf(
	t *testing.T,
	bundles ...[]schemas.User,
) (winners map[keyHash]claim, counts map[string]int64, files []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	groups := map[int][]string{}
	emit := func(g int, path string) {
		groups[g] = append(groups[g], path)
		files = append(files, path)
	}
	for _, rows := range bundles {
		f := &claimsFn{Files: testFiles, Dir: dir}
		f.Setup()
		for _, u := range rows {
			if err := f.ProcessElement(ctx, u.NaturalKey(), u, emit); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.FinishBundle(ctx, emit); err != nil {
			t.Fatal(err)
		}
	}
	winners, counts = map[keyHash]claim{}, map[string]int64{}
	for g, paths := range groups {
		if g < 0 || g >= spill.Groups {
			t.Fatalf("group %d out of range", g)
		}
		err := (&winnersFn{Source: "users"}).ProcessElement(ctx, g, iterOf(paths),
			func(w winner) { winners[keyHash{Hi: w.Hi, Lo: w.Lo}] = w.Best },
			func(k string, n int64) { counts[strings.ReplaceAll(k, "\x1f", "/")] += n })
		if err != nil {
			t.Fatal(err)
		}
	}
	return winners, counts, files
}

var testFiles = []string{"a.parquet", "b.parquet"}

// iterOf iterates over paths as a GroupByKey's values.
func iterOf(paths []string) func(*string) bool {
	return func(p *string) bool {
		if len(paths) == 0 {
			return false
		}
		*p, paths = paths[0], paths[1:]
		return true
	}
}

// randomReplays makes n rows of a few hundred keys, spread over two bundles, and the row
// schemas.Later keeps for each key.
func randomReplays(n int, seed uint64) (bundles [2][]schemas.User, latest map[string]schemas.User) {
	r := rand.New(rand.NewPCG(seed, 4))
	latest = map[string]schemas.User{}
	for i := range n {
		u := schemas.User{UserID: fmt.Sprintf("u%d", r.IntN(n/3+1)), UpdatedAt: int64(r.IntN(4)),
			Src: schemas.Origin{
				File:     testFiles[r.IntN(2)],
				RowGroup: int32(r.IntN(2)),
				Line:     int64(i),
			}}
		b := r.IntN(2)
		bundles[b] = append(bundles[b], u)
		if w, ok := latest[u.UserID]; !ok || schemas.Later(u, w) {
			latest[u.UserID] = u
		}
	}
	return bundles, latest
}

// TestSpilledClaimsKeepTheLatest checks the spilled claims against schemas.Later row by row: over
// random replays in two bundles, a row passes KeepLatest's test exactly when it is its key's
// latest, and the counts add up.
func TestSpilledClaimsKeepTheLatest(t *testing.T) {
	bundles, latest := randomReplays(3000, 3)
	winners, counts, files := claimsOf(t, bundles[0], bundles[1])
	if len(files) < spill.Groups {
		t.Fatalf(
			"%d files for two bundles of random keys, want one for each of the %d groups at least",
			len(files),
			spill.Groups,
		)
	}
	ranks := newFileRanks(testFiles)
	kept := 0
	for _, rows := range bundles {
		for _, u := range rows {
			c, err := ranks.claimOf(u)
			if err != nil {
				t.Fatal(err)
			}
			best, dup := winners[hashKey(u.NaturalKey())]
			keep := !dup || c == best
			if want := reflect.DeepEqual(u, latest[u.UserID]); keep != want {
				t.Fatalf("row %+v kept %v, want %v", u, keep, want)
			}
			if keep {
				kept++
			}
		}
	}
	in := int64(len(bundles[0]) + len(bundles[1]))
	want := map[string]int64{
		"users/dedupe/in/":           in,
		"users/dedupe/out/":          int64(len(latest)),
		"users/dedupe/deduplicated/": in - int64(len(latest)),
	}
	if kept != len(latest) || !reflect.DeepEqual(counts, want) {
		t.Fatalf("kept %d rows of %d keys, counts %v, want %v", kept, len(latest), counts, want)
	}
}

// TestClaimsSpillWhenFull checks that a bundle with more than spill.MaxBytes of claims writes each
// group more than once, and that every key is still counted once.
func TestClaimsSpillWhenFull(t *testing.T) {
	rows := make([]schemas.User, 2_000_000) // some 46 MB of claims: one full buffer and the rest
	for i := range rows {
		rows[i] = schemas.User{
			UserID: strconv.Itoa(i),
			Src:    schemas.Origin{File: "a.parquet", Line: int64(i)},
		}
	}
	winners, counts, files := claimsOf(t, rows)
	if len(files) != 2*spill.Groups {
		t.Fatalf(
			"%d files, want %d (a full buffer and the bundle's end, a file per group each)",
			len(files),
			2*spill.Groups,
		)
	}
	if len(winners) != 0 || counts["users/dedupe/in/"] != int64(len(rows)) ||
		counts["users/dedupe/out/"] != int64(len(rows)) {
		t.Fatalf("%d winners, counts %v for %d distinct keys", len(winners), counts, len(rows))
	}
}

// TestCorruptClaimsFail checks that a spilled file cut short or replaced fails with its path and
// never panics, and that a missing one fails too.
func TestCorruptClaimsFail(t *testing.T) {
	_, _, files := claimsOf(
		t,
		[]schemas.User{{UserID: "u1", Src: schemas.Origin{File: "a.parquet", Line: 1}}},
	)
	path := files[0]
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, bad := range [][]byte{whole[:len(whole)-1], whole[:3], {0xff}, {0x80, 0x10}} {
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		err := (&winnersFn{Source: "users"}).ProcessElement(
			ctx,
			0,
			iterOf([]string{path}),
			func(winner) {},
			func(string, int64) {},
		)
		if !(errors.Is(err, errBadBatch) || errors.Is(err, spill.ErrCorrupt)) ||
			!strings.Contains(err.Error(), path) {
			t.Fatalf(
				"%d bytes of a spilled file: error %v, want a corrupt batch naming %s",
				len(bad),
				err,
				path,
			)
		}
	}
	missing := path + ".gone"
	err = (&winnersFn{Source: "users"}).ProcessElement(
		ctx,
		0,
		iterOf([]string{missing}),
		func(winner) {},
		func(string, int64) {},
	)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("a missing file: error %v", err)
	}
}
