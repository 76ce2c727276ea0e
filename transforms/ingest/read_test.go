package ingest

import (
	"fmt"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func recordID(r Record) string {
	for _, f := range []string{"user_id", "event_id", "ticket_id"} {
		if v, ok := r.Fields[f]; ok {
			return r.Source + ":" + v
		}
	}
	return r.Source + ":?"
}

func rejectKey(r schemas.Reject) string { return r.Source + ":" + r.Reason }

func countText(key string, n int64) string {
	k := quality.ParseKey(key)
	text := k.Source + "/" + k.Measure
	if k.Reason != "" {
		text += "/" + k.Reason
	}
	return fmt.Sprintf("%s=%d", text, n)
}

func init() {
	register.Function2x1(countText)
	register.Function1x1(recordID)
	register.Function1x1(rejectKey)
}

// TestReadOnPrism reads a Parquet file (two row groups), a JSONL file split in two and a CSV file
// through the Beam transform, and checks records, rejects and the ingest counts.
func TestReadOnPrism(t *testing.T) {
	pq := writeParquet(t, []exportRow{{UID: "u1"}, {UID: "u2"}, {UID: "u3"}}, 2)
	jsonl := write(
		t,
		"e.jsonl",
		[]byte(
			`{"id":"e1","e":"view","p":"app","ts":"t"}`+"\n"+`{"id":`+"\n"+
				`{"id":"e2","e":"view","p":"app","ts":"t"}`+"\n",
		),
	)
	csvFile := write(t, "t.csv", []byte("id,phone,body,at\nk1,1,b,a\nk2,2\n"))
	cfg := &sources.Config{Sources: []sources.Source{userSource(), eventSource(), ticketSource()}}
	tasks := []Task{
		{Source: "users", File: pq, RowGroup: 1}, {Source: "users", File: pq, RowGroup: 2},
		{
			Source: "events",
			File:   jsonl,
			Start:  0,
			End:    20,
		}, {Source: "events", File: jsonl, Start: 20, End: 0},
		{Source: "tickets", File: csvFile},
	}
	p, s := beam.NewPipelineWithRoot()
	records, rejects, counts := Read(s, cfg, tasks)
	passert.Equals(
		s,
		beam.ParDo(s, recordID, records),
		"users:u1",
		"users:u2",
		"users:u3",
		"events:e1",
		"events:e2",
		"tickets:k1",
	)
	passert.Equals(
		s,
		beam.ParDo(s, rejectKey, rejects),
		"events:bad_json",
		"tickets:bad_field_count",
	)
	passert.Equals(s, beam.ParDo(s, countText, stats.SumPerKey(s, counts)),
		"users/in=3", "users/out=3", "events/in=3", "events/out=2", "events/rejected/bad_json=1",
		"tickets/in=2", "tickets/out=1", "tickets/rejected/bad_field_count=1")
	ptest.RunAndValidate(t, p)
}
