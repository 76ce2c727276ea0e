package state

import (
	"context"
	"reflect"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func order(id, status string, version int64, file string) schemas.Order {
	return schemas.Order{OrderID: id, Status: status, UpdatedAt: version,
		Src: schemas.Origin{File: file, Line: 1}}
}

// TestMerge: a key only carried passes, a key only tonight's is added, a later version replaces
// the carried one whichever side it is on, and a file read again gives tonight's row. The counts
// balance: in + carried = out + deduplicated.
func TestMerge(t *testing.T) {
	carried := []schemas.Order{
		order("kept", "paid", 1, "dt=2026-11-01/a"),
		order("refunded", "paid", 1, "dt=2026-11-01/a"),
		order("stale-tonight", "refunded", 9, "dt=2026-11-02/a"),
		order("reread", "paid", 1, "dt=2026-11-03/a"),
	}
	tonight := []schemas.Order{
		order("new", "paid", 5, "dt=2026-11-04/a"),
		order("refunded", "refunded", 5, "dt=2026-11-04/a"),
		order("stale-tonight", "paid", 2, "dt=2026-11-03/b"),
		order("reread", "cancelled", 1, "dt=2026-11-03/a"),
	}
	p, s := beam.NewPipelineWithRoot()
	merged, counts := Merge(s, "orders", beam.CreateList(s, carried), beam.CreateList(s, tonight))
	passert.Equals(s, merged,
		carried[0], tonight[0], tonight[1], carried[2], tonight[3])
	sums := quality.Summarise(s, counts)
	key := func(measure string, n int64) schemas.QualityCount {
		return schemas.QualityCount{Source: "orders", Stage: Stage, Measure: measure, Count: n}
	}
	passert.Equals(s, sums, key(quality.In, 4), key(quality.Carried, 4), key(quality.Out, 5),
		key(quality.Deduplicated, 3))
	ptest.RunAndValidate(t, p)
}

// TestWriteRead keeps rows as state and reads them back from the run folder.
func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	rows := []schemas.Order{order("a", "paid", 1, "f"), order("b", "paid", 2, "f")}
	p, s := beam.NewPipelineWithRoot()
	Write(s, dir, "source-orders", reflect.TypeOf(schemas.Order{}), beam.CreateList(s, rows))
	ptest.RunAndValidate(t, p)

	p, s = beam.NewPipelineWithRoot()
	got, err := Read(context.Background(), s, dir, "source-orders", reflect.TypeOf(schemas.Order{}))
	if err != nil {
		t.Fatal(err)
	}
	passert.Equals(s, got, rows[0], rows[1])
	ptest.RunAndValidate(t, p)
	if _, err := Read(context.Background(), s, dir, "source-users",
		reflect.TypeOf(schemas.User{})); err == nil {
		t.Error("reading state that was never written gave no error")
	}
}
