package ingest

import (
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestCorruptParquetFailsCleanly corrupts a valid file at random (flips, deletions, insertions):
// every read must end in records or an error, without a panic, allocating at most 200 MB.
func TestCorruptParquetFailsCleanly(t *testing.T) {
	valid, _ := os.ReadFile(
		writeParquet(
			t,
			[]exportRow{
				{UID: "u1", Mobile: "138", RegTime: 1, Interests: []string{"a"}},
				{UID: "u2"},
			},
			1,
		),
	)
	dir := t.TempDir()
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		data := append([]byte(nil), valid...)
		for k := 0; k < 1+r.Intn(6); k++ {
			p := r.Intn(len(data))
			switch r.Intn(3) {
			case 0:
				data[p] = byte(r.Intn(256))
			case 1:
				data = append(data[:p], data[p+1:]...)
			case 2:
				data = append(data[:p], append([]byte{byte(r.Intn(256))}, data[p:]...)...)
			}
		}
		file := filepath.Join(dir, "f.parquet")
		os.WriteFile(file, data, 0o644)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		if c, err := readTask(t, userSource(), Task{Source: "users", File: file}); err == nil {
			c.balanced(t)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if a := (after.TotalAlloc - before.TotalAlloc) >> 20; a > 200 {
			t.Fatalf("corrupt input %d allocated %d MB", i, a)
		}
	}
}
