package ingest

import (
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// parsedSource loads a one-source config, so that the source is what a run gets: every field
// mapped, and Declared set.
func parsedSource(t *testing.T, yaml string) (*sources.Config, sources.Source) {
	t.Helper()
	cfg, err := sources.Parse([]byte("sources:\n  - "+yaml+"\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, cfg.Sources[0]
}

// absentCounts are the quality.Absent counts of a read, by field.
func (c *collector) absentCounts() map[string]int64 {
	out := map[string]int64{}
	for k, n := range c.counts {
		if k.Measure == quality.Absent && k.Stage == Stage {
			out[k.Reason] += n
		}
	}
	return out
}

// gate holds the read's quality counts to the config's gates.
func (c *collector) gate(cfg *sources.Config) (breaches, warnings []quality.Finding) {
	var rows []schemas.QualityCount
	for k, n := range c.counts {
		rows = append(
			rows,
			schemas.QualityCount{
				Source:  k.Source,
				Stage:   k.Stage,
				Measure: k.Measure,
				Reason:  k.Reason,
				Count:   n,
			},
		)
	}
	return quality.Gate(rows, cfg)
}

// sameCounts compares two maps of counts.
func sameCounts(got, want map[string]int64) bool {
	if len(got) != len(want) {
		return false
	}
	for k, n := range want {
		if got[k] != n {
			return false
		}
	}
	return true
}

// TestJSONLAbsentColumns reads an events file whose user agent key is mistyped in the config (ua
// is mapped, the lines say agent): every record lacks it, which is counted and makes a warning,
// not a breach; a line without the required id is rejected and counted absent too. Optional
// fields that only default to their own name (device_id) are not counted.
func TestJSONLAbsentColumns(t *testing.T) {
	cfg, src := parsedSource(t, "{name: events, kind: events, format: jsonl, path: e, "+
		"columns: {event_id: id, event_type: e, channel: p, event_time: ts, user_id: "+
		"uid, user_agent: ua}}")
	file := write(t, "e.jsonl", []byte(strings.Join([]string{
		`{"id":"e1","uid":"u1","e":"view","p":"app","ts":"t","agent":"Googlebot"}`,
		`{"id":"e2","e":"view","p":"app","ts":"t","agent":"curl/8"}`,
		`{"e":"view","p":"app","ts":"t","uid":"u2"}`,
		`not json`,
	}, "\n")))
	c, err := readTask(t, src, Task{Source: "events", File: file})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if want := map[string]int64{"user_agent": 3, "user_id": 1, "event_id": 1}; !sameCounts(
		c.absentCounts(),
		want,
	) {
		t.Errorf("absent = %v, want %v", c.absentCounts(), want)
	}
	if len(c.rejects) != 2 || c.rejects[0].Reason != quality.MissingField ||
		c.rejects[0].Detail != `key "id" (field event_id) is absent` {
		t.Errorf(
			"rejects = %+v, want the line without id as missing_field, then the bad line",
			c.rejects,
		)
	}
	breaches, all := c.gate(cfg)
	var warnings []quality.Finding // of absent columns: four records read warn of their rejects too
	for _, w := range all {
		if w.Gate == quality.GateAbsentColumn {
			warnings = append(warnings, w)
		}
	}
	if len(warnings) != 1 || warnings[0].Field != "user_agent" ||
		!strings.Contains(warnings[0].Message, `column "ua"`) {
		t.Errorf("warnings = %v, want the absent ua", all)
	}
	for _, b := range breaches {
		if b.Gate == quality.GateAbsentColumn {
			t.Errorf("breach %v: id is absent from one record only", b)
		}
	}
}

// TestJSONLMistypedRequiredKey maps a required field to a key no line has: every record is
// rejected, and the gate says why in one breach besides the reject rate and the rows.
func TestJSONLMistypedRequiredKey(t *testing.T) {
	cfg, src := parsedSource(t, "{name: touches, kind: touches, format: jsonl, path: t, "+
		"columns: {touch_id: msg_idd, user_id: uid, channel: c, action: a, touch_time: ts}}")
	file := write(
		t,
		"t.jsonl",
		[]byte(`{"msg_id":"m1","uid":"u","c":"sms","a":"send","ts":"t"}`+"\n"+
			`{"msg_id":"m2","uid":"u","c":"sms","a":"send","ts":"t"}`+"\n"),
	)
	c, err := readTask(t, src, Task{Source: "touches", File: file})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if len(c.records) != 0 || len(c.rejects) != 2 {
		t.Fatalf("%d records, %d rejects; want every line rejected", len(c.records), len(c.rejects))
	}
	breaches, _ := c.gate(cfg)
	var gates []string
	for _, b := range breaches {
		gates = append(gates, b.Gate)
	}
	want := []string{quality.GateRejectRate, quality.GateMinRows, quality.GateAbsentColumn}
	if strings.Join(gates, " ") != strings.Join(want, " ") ||
		!strings.Contains(
			breaches[2].Message,
			`column "msg_idd" of the required field touch_id is absent from all 2 records parsed`,
		) {
		t.Errorf("breaches = %v, want %v", breaches, want)
	}
}

// TestCSVAbsentColumns reads two ticket files: one whose header lacks the declared name column
// (counted, the rows kept), one whose header lacks the required id too (its rows rejected, naming
// the column). A row with the wrong number of fields is rejected before its columns are looked at.
func TestCSVAbsentColumns(t *testing.T) {
	_, src := parsedSource(
		t,
		"{name: tickets, kind: tickets, format: csv, path: t, multiline: true, "+
			"columns: {ticket_id: id, phone: phone, name: nm, text: body, created_at: at}}",
	)
	good, err := readTask(
		t,
		src,
		Task{
			Source: "tickets",
			File:   write(t, "a.csv", []byte("id,phone,body,at\n1,2,3,4\n5,6,7,8\n")),
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	good.balanced(t)
	if want := map[string]int64{"name": 2}; len(good.records) != 2 ||
		!sameCounts(good.absentCounts(), want) {
		t.Errorf(
			"%d records, absent %v; want 2 records, absent %v",
			len(good.records),
			good.absentCounts(),
			want,
		)
	}
	bad, err := readTask(
		t,
		src,
		Task{
			Source: "tickets",
			File:   write(t, "b.csv", []byte("phone,body,at\n1,2,3\n4,5,6\n7,8\n")),
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	bad.balanced(t)
	if want := map[string]int64{"name": 2, "ticket_id": 2}; len(bad.records) != 0 ||
		!sameCounts(bad.absentCounts(), want) {
		t.Errorf(
			"%d records, absent %v; want none, absent %v",
			len(bad.records),
			bad.absentCounts(),
			want,
		)
	}
	var reasons []string
	for _, r := range bad.rejects {
		reasons = append(reasons, r.Reason)
	}
	if strings.Join(reasons, " ") != "missing_field missing_field bad_field_count" ||
		bad.rejects[0].Line != 2 ||
		bad.rejects[0].Detail != `column "id" (field ticket_id) is absent from the CSV header` {
		t.Errorf("rejects = %+v", bad.rejects)
	}
}

// TestParquetAbsentColumns reads a users file with a mistyped required column (account) and a
// mistyped optional one (mobil): every row is rejected and both are counted per row.
func TestParquetAbsentColumns(t *testing.T) {
	cfg, src := parsedSource(t, "{name: users, kind: users, format: parquet, path: u, "+
		"columns: {user_id: account, phone: mobil, registered_at: reg_time, age: age}}")
	file := writeParquet(t, []exportRow{{UID: "u1", Mobile: "138"}, {UID: "u2"}, {UID: "u3"}}, 2)
	c, err := readTask(t, src, Task{Source: "users", File: file})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if want := map[string]int64{"user_id": 3, "phone": 3}; len(c.records) != 0 ||
		!sameCounts(c.absentCounts(), want) {
		t.Errorf(
			"%d records, absent %v; want none, absent %v",
			len(c.records),
			c.absentCounts(),
			want,
		)
	}
	if len(c.rejects) != 3 || c.rejects[2].Reason != quality.MissingField ||
		c.rejects[2].RowGroup != 2 ||
		c.rejects[2].Line != 1 ||
		c.rejects[2].Detail != `column "account" (field user_id) is absent from the Parquet schema` {
		t.Errorf("rejects = %+v", c.rejects)
	}
	breaches, warnings := c.gate(cfg)
	found := map[string]bool{}
	for _, f := range append(breaches, warnings...) {
		if f.Gate == quality.GateAbsentColumn {
			found[f.Field+map[bool]string{true: " breach", false: " warning"}[f.Breach]] = true
		}
	}
	if !found["user_id breach"] || !found["phone warning"] || len(found) != 2 {
		t.Errorf("absent-column findings %v, want user_id a breach and phone a warning", found)
	}
}
