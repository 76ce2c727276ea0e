package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// BenchmarkBuildPortraits measures the report over a large portraits table, streamed from one
// Parquet file as the sink writes them (up to 1M rows a file). REPORT_BENCH_ROWS sets the rows
// (default 200,000); run with /usr/bin/time -v to see the peak memory, e.g.
//
//	REPORT_BENCH_ROWS=1000000 /usr/bin/time -v go test -run '^$' -bench BuildPortraits \
//		-benchtime 1x -benchmem ./transforms/report/
func BenchmarkBuildPortraits(b *testing.B) {
	rows := 200_000
	if s := os.Getenv("REPORT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("REPORT_BENCH_ROWS=%q: want a positive number", s)
		}
		rows = n
	}
	out := b.TempDir()
	writePortraits(b, out, rows)
	b.ResetTimer()
	for range b.N {
		r, err := Build(context.Background(), out, fixtureDate, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if s := r.Sections[5]; s.ID != "lifecycle" || s.Note != "" {
			b.Fatalf("section %s: %q", s.ID, s.Note)
		}
	}
	b.ReportMetric(float64(rows), "portraits")
}

// writePortraits writes a finished run with only a portraits table of n synthetic rows, streaming
// them to the file rather than holding them.
func writePortraits(b *testing.B, out string, n int) {
	dir := sink.RunDir(out, fixtureDate)
	if err := os.MkdirAll(filepath.Join(dir, "portraits"), 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "portraits", "part-00000.parquet"))
	if err != nil {
		b.Fatal(err)
	}
	w := parquet.NewGenericWriter[schemas.Portrait](
		f,
		parquet.MaxRowsPerRowGroup(schemas.RowGroupRows),
	)
	batch := make([]schemas.Portrait, 0, 1024)
	for i := range n {
		p := schemas.Portrait{
			PersonID:      fmt.Sprintf("p%07d", i),
			Accounts:      1,
			Lifecycle:     funnelOrder[i%len(funnelOrder)],
			Tags:          []string{"t"},
			TopCategories: []string{"tea", "cups"},
		}
		if i%3 != 0 {
			clv := int64(i*7919%2_000_000 + 100)
			p.Orders, p.GMVFen, p.Frequency, p.CLV12mFen = int32(
				1+i%4,
			), int64(
				i%50_000,
			)*10, float64(
				i%4,
			), &clv
			p.RScore, p.FScore, p.MScore = int32(1+i%5), int32(1+(i/5)%5), int32(1+(i/25)%5)
		}
		if batch = append(batch, p); len(batch) == cap(batch) || i == n-1 {
			if _, err := w.Write(batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	m := sink.Manifest{SchemaVersion: schemas.Version, RunID: "bench", Date: fixtureDate,
		Tables: map[string]sink.TableInfo{
			"portraits": {Files: []string{"portraits/part-00000.parquet"}, Rows: int64(n)},
		}}
	data, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sink.ManifestName), data, 0o644); err != nil {
		b.Fatal(err)
	}
}
