package schemas

import (
	"fmt"
	"io"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// benchEvents are n events with the optional columns null in varying patterns, as events are.
func benchEvents(n int) []Event {
	out := make([]Event, n)
	for i := range out {
		e := Event{
			EventID:   fmt.Sprintf("e-%036d", i),
			EventType: "view",
			Channel:   "app",
			EventTime: int64(i) * 1000,
			SessionID: fmt.Sprintf("s%020d", i/12),
			Source:    "events",
		}
		if i%3 != 0 {
			e.UserID = fmt.Sprint(10000000 + i%50000)
		}
		if i%2 == 0 {
			e.DeviceID = fmt.Sprintf("dev%024d", i%70000)
		} else {
			e.AnonymousID = fmt.Sprintf("anon-%031d", i%90000)
		}
		if i%4 != 0 {
			e.SKU = fmt.Sprintf("SKU%06d", i%2000)
		}
		out[i] = e
	}
	return out
}

// BenchmarkFlushEvents writes 100,000 events as the sink does: one row per Write call.
func BenchmarkFlushEvents(b *testing.B) {
	rows := benchEvents(100_000)
	for b.Loop() {
		buf := &buffer[Event]{rows: rows}
		if err := buf.Flush(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
}

// BenchmarkFlushEventsBatched writes the same rows in one Write call, the path Flush avoids
// (see TestOptionalZerosAreNull): what the workaround costs, to measure again on a new parquet-go.
func BenchmarkFlushEventsBatched(b *testing.B) {
	rows := benchEvents(100_000)
	for b.Loop() {
		pw := parquet.NewGenericWriter[Event](
			io.Discard,
			parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
			parquet.MaxRowsPerRowGroup(RowGroupRows),
		)
		if _, err := pw.Write(rows); err != nil {
			b.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
}
