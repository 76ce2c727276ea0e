package clean

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func userID(u beam.X) string { return u.(schemas.User).UserID + "@" + u.(schemas.User).City }

func rejectReason(r schemas.Reject) string { return r.Reason }

func init() {
	register.Function1x1(userID)
	register.Function1x1(rejectReason)
	register.Function2x1(countText)
}

// TestValidateDedupeRefs runs the clean composite on Prism: replays keep the latest row, bad rows
// and test accounts become rejects, events of test accounts and unknown products are dropped.
func TestValidateDedupeRefs(t *testing.T) {
	cfg, err := sources.Parse([]byte(testConfig), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Date: "2026-11-21", SaltSource: salt.Sample}
	rec := func(line int64, kv map[string]string) ingest.Record {
		return ingest.Record{
			Source:   "users",
			File:     "u.parquet",
			Line:     line,
			RowGroup: 1,
			Fields:   kv,
		}
	}
	users := []ingest.Record{
		rec(
			1,
			map[string]string{
				"user_id":       "u1",
				"city":          "old",
				"registered_at": "2025-01-01",
				"updated_at":    "2025-02-01",
			},
		),
		rec(
			2,
			map[string]string{
				"user_id":       "u1",
				"city":          "new",
				"registered_at": "2025-01-01",
				"updated_at":    "2025-03-01",
			},
		),
		rec(
			3,
			map[string]string{
				"user_id":       "u1",
				"city":          "older",
				"registered_at": "2025-01-01",
				"updated_at":    "2025-01-15",
			},
		),
		rec(4, map[string]string{"user_id": "u2", "city": "x", "registered_at": "2025-01-01"}),
		rec(
			5,
			map[string]string{
				"user_id":       "qa",
				"registered_at": "2025-01-01",
				"email":         "qa@test.com",
			},
		),
		rec(6, map[string]string{"user_id": "", "registered_at": "2025-01-01"}),
	}
	ev := func(line int64, id, user, sku string) ingest.Record {
		return ingest.Record{
			Source: "events",
			File:   "e.jsonl",
			Line:   line,
			Fields: map[string]string{"event_id": id, "user_id": user,
				"event_type": "view", "channel": "app", "event_time": "2026-11-20 10:00:00", "sku": sku},
		}
	}
	events := []ingest.Record{
		ev(1, "e1", "u1", "s1"),
		ev(2, "e2", "qa", "s1"),
		ev(3, "e3", "u2", "nope"),
		ev(4, "e1", "u1", "s1"),
	}

	p, s := beam.NewPipelineWithRoot()
	vu, err := Validate(s, cfg, "users", opt, beam.CreateList(s, users), beam.PCollection{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keptUsers := dedupe(s, dir, "users", vu.Rows, "u.parquet")
	passert.Equals(s, beam.ParDo(s, userID, keptUsers), "u1@new", "u2@x")
	passert.Equals(s, beam.ParDo(s, rejectReason, vu.Rejects), "missing_user_id", "test_account")
	passert.Equals(s, vu.TestUsers, "qa")

	ve, err := Validate(s, cfg, "events", opt, beam.CreateList(s, events), beam.PCollection{})
	if err != nil {
		t.Fatal(err)
	}
	winners, counts := Claims(s, "events", ve.Rows, []string{"e.jsonl"}, dir)
	keptEvents := KeepLatest(s, "events", ve.Rows, winners, []string{"e.jsonl"})
	passert.Count(s, keptEvents, "deduplicated events", 3)
	kept, rejects, _ := CheckRefs(
		s,
		"events",
		keptEvents,
		vu.TestUsers,
		beam.Create(s, "s1"),
		vu.RejectedProducts,
		true,
	)
	passert.Count(s, kept, "events kept", 1)
	passert.Equals(s, beam.ParDo(s, rejectReason, rejects), "test_account", "unknown_product")
	passert.Equals(
		s,
		beam.ParDo(s, countText, stats.SumPerKey(s, counts)),
		"events/dedupe/in/=4",
		"events/dedupe/out/=3",
		"events/dedupe/deduplicated/=1",
	)
	ptest.RunAndValidate(t, p)
}

// dedupe runs both passes of deduplication over the same rows, the claims spilled under dir.
func dedupe(
	s beam.Scope,
	dir, source string,
	rows beam.PCollection,
	files ...string,
) beam.PCollection {
	winners, _ := Claims(s, source, rows, files, dir)
	return KeepLatest(s, source, rows, winners, files)
}

func countText(key string, n int64) string {
	return fmt.Sprintf("%s=%d", strings.ReplaceAll(key, "\x1f", "/"), n)
}
