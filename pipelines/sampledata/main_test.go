package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopportraits/portraits/pipelines/sampledata/gen"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/sources"
)

func TestEmbeddedTemplateIsTheFile(t *testing.T) {
	disk, err := os.ReadFile("sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if len(sourcesTemplate) == 0 || !bytes.Equal(sourcesTemplate, disk) {
		t.Error("the embedded sources.yaml.tmpl differs from the file")
	}
}

// TestEveryNightReadsItsPartitions plans the nightly's reads of generated data for every day of
// the window: every source has files on or before the day, and no night reads a later partition.
func TestEveryNightReadsItsPartitions(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, gen.Shanghai)
	sum, err := gen.Run(gen.Config{Persons: 120, Days: 6, Seed: 3, Date: day, Output: dir,
		SourcesYAML: sourcesTemplate})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := sources.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range sum.Days {
		_, inputs, err := ingest.Plan(context.Background(), cfg, sources.Window{Through: d.Date})
		if err != nil {
			t.Fatalf("night %s: %v", d.Date, err)
		}
		read := map[string]int{}
		for _, in := range inputs {
			read[in.Source]++
			if p, ok := sources.Partition(in.File); ok && p > d.Date {
				t.Errorf("night %s reads %s", d.Date, in.File)
			}
		}
		for _, src := range cfg.Sources {
			if read[src.Name] == 0 {
				t.Errorf("night %s reads nothing of %s", d.Date, src.Name)
			}
			if !src.Partitioned() {
				continue
			}
			// Every file of the partitions up to the day.
			var want int
			files, _ := filepath.Glob(cfg.Glob(src))
			for _, f := range files {
				if p, _ := sources.Partition(f); p <= d.Date {
					want++
				}
			}
			if read[src.Name] != want {
				t.Errorf("night %s reads %d files of %s, want %d",
					d.Date, read[src.Name], src.Name, want)
			}
		}
	}
}
