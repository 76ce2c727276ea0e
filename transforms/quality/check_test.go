package quality

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func rows(spec ...any) []schemas.QualityCount {
	var out []schemas.QualityCount
	for i := 0; i+4 < len(spec)+1; i += 5 {
		out = append(
			out,
			schemas.QualityCount{
				Source:  spec[i].(string),
				Stage:   spec[i+1].(string),
				Measure: spec[i+2].(string),
				Reason:  spec[i+3].(string),
				Count:   int64(spec[i+4].(int)),
			},
		)
	}
	return out
}

func TestBalancedRun(t *testing.T) {
	r := rows(
		"events",
		"ingest",
		In,
		"",
		10,
		"events",
		"ingest",
		Out,
		"",
		9,
		"events",
		"ingest",
		Rejected,
		"bad_json",
		1,
		"events",
		"clean",
		In,
		"",
		9,
		"events",
		"clean",
		Out,
		"",
		8,
		"events",
		"clean",
		Rejected,
		"bot_traffic",
		1,
		"events",
		"clean",
		Nulled,
		"sku",
		3,
		"events",
		"dedupe",
		In,
		"",
		8,
		"events",
		"dedupe",
		Out,
		"",
		6,
		"events",
		"dedupe",
		Deduplicated,
		"",
		2,
	)
	totals := Totals(r)
	if len(totals) != 3 || totals[0].Stage != "ingest" || totals[2].Stage != "dedupe" ||
		totals[1].Nulled != 3 {
		t.Fatalf("totals = %+v", totals)
	}
	if p := Check(totals); len(p) != 0 {
		t.Fatalf("problems: %v", p)
	}
	s := BySource(totals)
	if len(s) != 1 ||
		s[0] != (SourceTotals{Source: "events", Read: 10, Out: 6, Rejected: 2, Deduplicated: 2}) {
		t.Fatalf("by source = %+v", s)
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, totals); err != nil || !strings.Contains(buf.String(), "yes") ||
		strings.Contains(buf.String(), "do not add up") {
		t.Fatalf("summary:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteReasons(&buf, r); err != nil || !strings.Contains(buf.String(), "bot_traffic") ||
		!strings.Contains(buf.String(), "sku") {
		t.Fatalf("reasons:\n%s", buf.String())
	}
}

func TestUnbalancedRun(t *testing.T) {
	r := rows(
		"users",
		"ingest",
		In,
		"",
		10,
		"users",
		"ingest",
		Out,
		"",
		8,
		"users",
		"ingest",
		Rejected,
		"bad_csv",
		1,
		"users",
		"clean",
		In,
		"",
		7,
		"users",
		"clean",
		Out,
		"",
		7,
	)
	p := Check(Totals(r))
	if len(p) != 2 || !strings.Contains(p[0], "users/ingest: in 10 != out 8 + rejected 1") ||
		!strings.Contains(p[1], "ingest out 8 != clean in 7") {
		t.Fatalf("problems = %v", p)
	}
	var buf bytes.Buffer
	WriteSummary(&buf, Totals(r))
	if !strings.Contains(buf.String(), "NO") || !strings.Contains(buf.String(), "do not add up") {
		t.Fatalf("summary:\n%s", buf.String())
	}
}

func TestKeyRoundTrip(t *testing.T) {
	k := Key{Source: "a", Stage: "b", Measure: "c", Reason: "d e"}
	if ParseKey(k.String()) != k || ParseKey("x") != (Key{Source: "x"}) {
		t.Fatal("key does not round-trip")
	}
}

// TestTallyEmit checks that a tally sends every key once, with its sum, and is empty afterwards.
func TestTallyEmit(t *testing.T) {
	tally := Tally{}
	in := Key{Source: "events", Stage: "portrait", Measure: In}
	late := Key{Source: "events", Stage: "portrait", Measure: Rejected, Reason: "after_as_of"}
	tally[in] += 3
	tally[in]++
	tally[late]++
	got := map[string]int64{}
	tally.Emit(context.Background(), func(k string, n int64) { got[k] += n })
	if len(got) != 2 || got[in.String()] != 4 || got[late.String()] != 1 {
		t.Fatalf("emitted %v", got)
	}
	if len(tally) != 0 {
		t.Fatalf("tally left with %v", tally)
	}
}

// TestCarriedBalances: rows carried from the previous night's state count on the in side.
func TestCarriedBalances(t *testing.T) {
	r := rows(
		"orders",
		"dedupe",
		In,
		"",
		3,
		"orders",
		"dedupe",
		Out,
		"",
		3,
		"orders",
		"state",
		In,
		"",
		3,
		"orders",
		"state",
		Carried,
		"",
		10,
		"orders",
		"state",
		Out,
		"",
		12,
		"orders",
		"state",
		Deduplicated,
		"",
		1,
		"orders",
		"refs",
		In,
		"",
		12,
		"orders",
		"refs",
		Out,
		"",
		12,
	)
	if p := Check(Totals(r)); len(p) > 0 {
		t.Fatalf("problems = %v", p)
	}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, Totals(r)); err != nil ||
		!strings.Contains(buf.String(), "+ carried") {
		t.Fatalf("summary (%v):\n%s", err, buf.String())
	}
	r = append(r, rows("orders", "state", Out, "", 1)...)
	if p := Check(Totals(r)); len(p) != 2 ||
		!strings.Contains(p[0], "in 3 + carried 10 != out 13") {
		t.Fatalf("problems = %v", p)
	}
}
