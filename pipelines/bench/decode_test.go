package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/parquet-go/parquet-go"

	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/sources"
)

// TestMain initialises Beam for the ingest measurement.
func TestMain(m *testing.M) { ptest.MainWithDefault(m, "direct") }

// sample is the bundled sample, which the decode loops read.
var sample = filepath.Join("..", "..", "sample")

func TestDecodeJSONLine(t *testing.T) {
	for line, want := range map[string]bool{
		`{"event_id":"e1","n":12345678901234567890}`: true,
		`{"a":[1,2]}`:     true,
		`[1,2]`:           false,
		`null`:            false,
		`{"a":`:           false,
		"not json at all": false,
	} {
		if got := decodeJSONLine([]byte(line)); got != want {
			t.Errorf("decodeJSONLine(%s) = %v, want %v", line, got, want)
		}
	}
}

func TestGzipLoopsCountEveryLine(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sample, "clickstream", "events", "dt=*", "*.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events (%v)", err)
	}
	var want, size int64
	for _, f := range files {
		want += nonBlankLines(t, f)
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size += st.Size()
	}
	for name, pass := range map[string]func([]string) (int64, int64, error){
		"lines": gzipLines, "json": gzipJSON} {
		n, b, err := pass(files)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != want || b != size {
			t.Errorf("%s: %d records of %d bytes, want %d of %d", name, n, b, want, size)
		}
	}
}

// nonBlankLines counts a gzip file's lines that hold more than white space, reading it whole.
func nonBlankLines(t *testing.T, file string) int64 {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range bytes.Split(text, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

func TestParquetUsersAndIngestReadEveryRow(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sample, "platform", "users", "dt=*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample users (%v)", err)
	}
	var want int64
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		want += pf.NumRows()
		f.Close()
	}
	n, _, err := parquetUsers(files)
	if err != nil || n != want {
		t.Errorf("parquetUsers: %d rows (%v), want %d", n, err, want)
	}

	ctx := context.Background()
	cfg, err := sources.Load(filepath.Join(sample, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tasks, inputs, err := ingest.Plan(ctx, cfg, sources.Window{})
	if err != nil {
		t.Fatal(err)
	}
	src, ok := findSource(cfg, "users", sources.FormatParquet)
	if !ok {
		t.Fatal("the sample has no Parquet users source")
	}
	// perPass of half the minimum: the tasks are listed twice.
	d, err := timeIngest(ctx, cfg, src, tasks, inputs, minIngestRecords/2)
	if err != nil {
		t.Fatal(err)
	}
	if d.Passes != 2 || d.Records != 2*want || d.Method != ingestMethod || d.Took <= 0 {
		t.Errorf("ingest measurement %+v, want 2 passes of %d records", d, want)
	}
}
