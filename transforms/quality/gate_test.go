package quality

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/sources"
)

// gateConfig is a sources config of three sources: events (required, its optional user_agent
// mapped to ua), touches (required, max_reject_rate 0.5, min_rows 100) and vendor (optional).
func gateConfig(t *testing.T) *sources.Config {
	t.Helper()
	cfg, err := sources.Parse([]byte(`sources:
  - {name: events, kind: events, format: jsonl, path: e, columns: {event_id: id, user_agent: ua}}
  - {name: touches, kind: touches, format: jsonl, path: t, max_reject_rate: 0.5, min_rows: 100}
  - {name: vendor, kind: vendor, format: csv, path: v, optional: true}
`), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestGatePassesAGoodNight finds nothing in a night within every limit: a fifth of the records
// rejected exactly, columns missing from some records only, an optional source without rows.
func TestGatePassesAGoodNight(t *testing.T) {
	r := rows(
		"events",
		"ingest",
		In,
		"",
		100,
		"events",
		"ingest",
		Out,
		"",
		95,
		"events",
		"ingest",
		Rejected,
		"bad_json",
		5,
		"events",
		"ingest",
		Absent,
		"user_agent",
		94,
		"events",
		"clean",
		In,
		"",
		95,
		"events",
		"clean",
		Out,
		"",
		80,
		"events",
		"clean",
		Rejected,
		"bot_traffic",
		15,
		"events",
		"dedupe",
		In,
		"",
		80,
		"events",
		"dedupe",
		Out,
		"",
		70,
		"events",
		"dedupe",
		Deduplicated,
		"",
		10,
		// The portrait stage's and erasure's rejects do not count against the source.
		"events",
		"erase",
		In,
		"",
		70,
		"events",
		"erase",
		Out,
		"",
		1,
		"events",
		"erase",
		Rejected,
		"erased",
		69,
		"events",
		"portrait",
		In,
		"",
		1,
		"events",
		"portrait",
		Rejected,
		"unattributed",
		1,
		"touches",
		"ingest",
		In,
		"",
		200,
		"touches",
		"ingest",
		Out,
		"",
		150,
		"touches",
		"ingest",
		Rejected,
		MissingField,
		50,
		"touches",
		"ingest",
		Absent,
		"touch_id",
		50,
		"touches",
		"clean",
		In,
		"",
		150,
		"touches",
		"clean",
		Out,
		"",
		100,
		"touches",
		"clean",
		Rejected,
		"bad_time",
		50,
	)
	breaches, warnings := Gate(r, gateConfig(t))
	if len(breaches) != 0 || len(warnings) != 0 {
		t.Fatalf("breaches %v, warnings %v; want none", breaches, warnings)
	}
}

// TestGateBreaches holds a bad night to the gates: too many rejects, too few rows, a source with
// no record at all, a required column in no record and an optional one in none.
func TestGateBreaches(t *testing.T) {
	r := rows(
		"events",
		"ingest",
		In,
		"",
		1000,
		"events",
		"ingest",
		Out,
		"",
		990,
		"events",
		"ingest",
		Rejected,
		"bad_json",
		10,
		"events",
		"ingest",
		Absent,
		"user_agent",
		990,
		"events",
		"ingest",
		Absent,
		"user_id",
		990,
		"events",
		"clean",
		In,
		"",
		990,
		"events",
		"clean",
		Out,
		"",
		790,
		"events",
		"clean",
		Rejected,
		"bad_time",
		201,
		"touches",
		"ingest",
		In,
		"",
		80,
		"touches",
		"ingest",
		Rejected,
		MissingField,
		80,
		"touches",
		"ingest",
		Absent,
		"touch_id",
		80,
	)
	breaches, warnings := Gate(r, gateConfig(t))
	want := []struct {
		source, gate string
		figure       float64
		words        []string
	}{
		{
			"events",
			GateRejectRate,
			0.211,
			[]string{
				"source events",
				"21.1% of its 1,000 records read were rejected (211)",
				"max_reject_rate of 20%",
			},
		},
		{
			"touches",
			GateRejectRate,
			1,
			[]string{"source touches", "100% of its 80 records", "max_reject_rate of 50%"},
		},
		{
			"touches",
			GateMinRows,
			0,
			[]string{
				"source touches",
				"0 rows passed cleaning (of 80 records read)",
				"min_rows of 100",
			},
		},
		{
			"touches",
			GateAbsentColumn,
			80,
			[]string{
				"source touches",
				`column "touch_id" of the required field touch_id`,
				"all 80 records parsed",
			},
		},
	}
	if len(breaches) != len(want) {
		t.Fatalf("breaches:\n%v\nwant %d", strings.Join(messages(breaches), "\n"), len(want))
	}
	for i, w := range want {
		b := breaches[i]
		if b.Source != w.source || b.Gate != w.gate || !b.Breach ||
			b.Figure != w.figure && w.gate != GateRejectRate {
			t.Errorf(
				"breach %d = %+v, want source %s, gate %s, figure %v",
				i,
				b,
				w.source,
				w.gate,
				w.figure,
			)
		}
		for _, word := range w.words {
			if !strings.Contains(b.Message, word) {
				t.Errorf("breach %d says %q, want %q in it", i, b.Message, word)
			}
		}
	}
	// user_agent is mapped by the config (ua) and optional: a warning. user_id is optional and
	// only defaults to its own name: an events source without it is no news.
	if len(warnings) != 1 || warnings[0].Breach || warnings[0].Field != "user_agent" ||
		warnings[0].Column != "ua" ||
		!strings.Contains(
			warnings[0].Message,
			`column "ua" of the optional field user_agent is absent from all 990 records parsed`,
		) {
		t.Errorf("warnings = %+v, want the absent column ua", warnings)
	}
	err := CheckGates(r, gateConfig(t))
	var gate *GateError
	if !errors.As(err, &gate) || len(gate.Breaches) != len(want) ||
		!strings.Contains(err.Error(), "4 data-quality gates breached: source events") {
		t.Errorf("CheckGates = %v, want a GateError of the %d breaches", err, len(want))
	}
}

// TestGateRequiredSourceWithoutRecords breaches min_rows for a required source that read no
// record at all (an empty file gives no quality row), but not for an optional one.
func TestGateRequiredSourceWithoutRecords(t *testing.T) {
	r := rows(
		"touches",
		"ingest",
		In,
		"",
		100,
		"touches",
		"ingest",
		Out,
		"",
		100,
		"touches",
		"clean",
		In,
		"",
		100,
		"touches",
		"clean",
		Out,
		"",
		100,
	)
	breaches, _ := Gate(r, gateConfig(t))
	if len(breaches) != 1 || breaches[0].Source != "events" || breaches[0].Gate != GateMinRows ||
		!strings.Contains(
			breaches[0].Message,
			"0 rows passed cleaning (of 0 records read), below its min_rows of 1",
		) {
		t.Fatalf("breaches = %v, want events' min_rows only", messages(breaches))
	}
	if err := CheckGates(rows(), &sources.Config{}); err != nil {
		t.Errorf("a config without sources: %v", err)
	}
}

func messages(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	return out
}

// TestGateRowsOfAStageThatLetNothingOut counts no rows for a source whose cleaning rejected
// every record it parsed: that stage has no out row, and the rows ingest let out do not count.
func TestGateRowsOfAStageThatLetNothingOut(t *testing.T) {
	cfg, err := sources.Parse(
		[]byte(
			"sources:\n  - {name: vendor, kind: vendor, format: csv, path: v, max_reject_rate: 1}\n",
		),
		"s.yaml",
	)
	if err != nil {
		t.Fatal(err)
	}
	r := rows(
		"vendor",
		"ingest",
		In,
		"",
		684,
		"vendor",
		"ingest",
		Out,
		"",
		1,
		"vendor",
		"ingest",
		Rejected,
		"invalid_utf8",
		683,
		"vendor",
		"clean",
		In,
		"",
		1,
		"vendor",
		"clean",
		Rejected,
		"missing_phone_hash",
		1,
	)
	breaches, _ := Gate(r, cfg)
	if len(breaches) != 1 || breaches[0].Gate != GateMinRows || breaches[0].Figure != 0 {
		t.Fatalf("breaches %v, want min_rows with 0 rows", messages(breaches))
	}
}

// TestGateOnAnIncrementalNight: a night that carries a source's rows from the previous night and
// reads few or none of its own is held to min_rows by the rows its table holds (carried ones
// included), and a rejected share of a handful of records read is a warning, not a breach, unless
// every one of them was rejected.
func TestGateOnAnIncrementalNight(t *testing.T) {
	r := rows(
		// events: 20 records read tonight, 5 rejected (25%), 3,000 carried.
		"events",
		"ingest",
		In,
		"",
		20,
		"events",
		"ingest",
		Out,
		"",
		20,
		"events",
		"clean",
		In,
		"",
		20,
		"events",
		"clean",
		Out,
		"",
		15,
		"events",
		"clean",
		Rejected,
		"bot_traffic",
		5,
		"events",
		"dedupe",
		In,
		"",
		15,
		"events",
		"dedupe",
		Out,
		"",
		15,
		"events",
		"state",
		In,
		"",
		15,
		"events",
		"state",
		Carried,
		"",
		3000,
		"events",
		"state",
		Out,
		"",
		3015,
		// touches: nothing read tonight, 500 carried.
		"touches",
		"state",
		Carried,
		"",
		500,
		"touches",
		"state",
		Out,
		"",
		500,
	)
	breaches, warnings := Gate(r, gateConfig(t))
	if len(breaches) != 0 {
		t.Errorf("breaches %v; want none", breaches)
	}
	if len(warnings) != 1 || warnings[0].Gate != GateRejectRate || warnings[0].Source != "events" {
		t.Errorf("warnings %v; want events' reject rate", warnings)
	}
	figs := Figures(r, gateConfig(t))
	if figs[0].Rows != 3015 || figs[1].Rows != 500 || figs[1].Carried != 500 {
		t.Errorf("figures %+v; want rows 3015 and 500, 500 carried", figs)
	}
	// Every record read rejected is a breach however few they are.
	r = rows("events", "ingest", In, "", 20, "events", "ingest", Rejected, "bad_json", 20,
		"events", "state", Carried, "", 3000, "events", "state", Out, "", 3000,
		"touches", "state", Carried, "", 500, "touches", "state", Out, "", 500)
	if breaches, _ := Gate(r, gateConfig(t)); len(breaches) != 1 ||
		breaches[0].Gate != GateRejectRate {
		t.Errorf("every record read rejected: breaches %v; want the reject rate", breaches)
	}
}
