package salt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

// sampleInputs returns the input files of the sources config file.
func sampleInputs(t *testing.T, file string) []string {
	t.Helper()
	cfg, err := sources.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	_, inputs, err := ingest.Plan(context.Background(), cfg, sources.Window{})
	if err != nil {
		t.Fatal(err)
	}
	files := make([]string, len(inputs))
	for i, in := range inputs {
		files[i] = in.File
	}
	return files
}

// TestSampleFingerprint fails when the bundled sample's files change and the fingerprint recorded
// in sample.go does not: it prints the values to record.
func TestSampleFingerprint(t *testing.T) {
	ctx := context.Background()
	files := sampleInputs(t, "../../sample/sources.yaml")
	ok, err := salt.IsSample(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		var total int64
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			total += st.Size()
		}
		d, err := salt.Digest(ctx, files)
		if err != nil {
			t.Fatal(err)
		}
		t.Fatalf("the bundled sample's files are not recognised: if they were regenerated on "+
			"purpose, record in transforms/salt/sample.go sampleFiles = %d, sampleBytes = %d, "+
			"sampleDigest = %q", len(files), total, d)
	}
}

// TestSampleChangedIsNotSample copies the sample's files and changes one byte of one of them: the
// copy unchanged is the sample wherever it lies, the changed one is not.
func TestSampleChangedIsNotSample(t *testing.T) {
	ctx := context.Background()
	files := sampleInputs(t, "../../sample/sources.yaml")
	dir := t.TempDir()
	var copies []string
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := filepath.Join(dir, fmt.Sprintf("%04d-%s", i, filepath.Base(f)))
		if i == 0 {
			c = filepath.Join(dir, "renamed.bin")
		}
		if err := os.WriteFile(c, data, 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, c)
	}
	if ok, err := salt.IsSample(ctx, copies); err != nil || !ok {
		t.Fatalf("an unchanged copy of the sample: %v, %v", ok, err)
	}
	data, err := os.ReadFile(copies[len(copies)-1])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	if err := os.WriteFile(copies[len(copies)-1], data, 0o644); err != nil {
		t.Fatal(err)
	}
	if ok, err := salt.IsSample(ctx, copies); err != nil || ok {
		t.Fatalf("a copy with one byte changed: %v, %v; want not the sample", ok, err)
	}
	if ok, err := salt.IsSample(ctx, copies[1:]); err != nil || ok {
		t.Fatalf("the sample less one file: %v, %v; want not the sample", ok, err)
	}
}
