//go:build benchprofile

// Profiling for benchmark builds of the nightly job. scripts/bench.sh --profile compiles this file
// into the nightly's package with `go build -tags benchprofile -overlay`, never into the product's
// source or binary. With BENCH_PROFILE_DIR set, the process writes its CPU profile in pieces of
// profilePiece (cpu-NNNN.pprof; `go tool pprof` merges them; the piece running when the process
// exits is lost) and, after every piece, a heap profile if the heap in use is the largest so far
// (heap-peak.pprof, with the in-use bytes in heap-peak.txt). The direct runner and Prism's
// in-process worker both run in this process, so the profiles cover the whole job.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"
)

// profilePiece is the length of one CPU profile piece.
const profilePiece = 5 * time.Second

func init() {
	dir := os.Getenv("BENCH_PROFILE_DIR")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatalf("bench profile: %v", err)
	}
	go profileLoop(dir)
}

// profileLoop writes CPU pieces and peak heap profiles until the process ends.
func profileLoop(dir string) {
	var peak uint64
	for i := 0; ; i++ {
		if err := cpuPiece(filepath.Join(dir, fmt.Sprintf("cpu-%04d.pprof", i))); err != nil {
			log.Printf("bench profile: %v", err)
			return
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse <= peak {
			continue
		}
		peak = ms.HeapInuse
		if err := heapProfile(dir, peak); err != nil {
			log.Printf("bench profile: %v", err)
			return
		}
	}
}

// cpuPiece profiles the CPU for one piece into file.
func cpuPiece(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("cpu profile %s: %w", file, err)
	}
	time.Sleep(profilePiece)
	pprof.StopCPUProfile()
	return f.Close()
}

// heapProfile replaces the peak heap profile, through a temporary file so that a reader never
// sees half of one.
func heapProfile(dir string, inuse uint64) error {
	tmp := filepath.Join(dir, "heap-peak.pprof.tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("heap profile: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	note := fmt.Sprintf(
		"heap in use %d bytes at %s\n",
		inuse,
		time.Now().UTC().Format(time.RFC3339),
	)
	if err := os.WriteFile(filepath.Join(dir, "heap-peak.txt"), []byte(note), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "heap-peak.pprof"))
}
