package portrait

import (
	"bytes"
	"testing"
)

// TestDays adds the rich person's facts to the accumulators of two days: each day's equals the
// accumulator of its own calendar alone, only the first day's use is reported, and the Beam coder
// round-trips them (the rich one is longer than a one-byte length), refusing truncated or trailing
// data.
func TestDays(t *testing.T) {
	tonight := testEnv(t)
	cfg := Config{Date: "2026-11-21", AsOf: "2026-11-10"}
	earlier, err := newEnv(cfg.withDefaults(), tonight.products)
	if err != nil {
		t.Fatal(err)
	}
	envs := []*env{tonight, earlier}
	facts, late := richFacts()
	d := newDays(2)
	used := 0
	for _, f := range facts {
		if d.add(envs, f) {
			used++
		}
	}
	if used != len(facts)-late {
		t.Errorf("%d facts used, want tonight's %d", used, len(facts)-late)
	}
	if !bytes.Equal(encoded(t, d.acc[0]), encoded(t, accOf(t, tonight, facts))) {
		t.Error("tonight's accumulator differs from one built alone")
	}
	if !bytes.Equal(encoded(t, d.acc[1]), encoded(t, accOf(t, earlier, facts))) {
		t.Error("the earlier day's accumulator differs from one built alone")
	}
	if d.acc[1].facts >= d.acc[0].facts || d.acc[1].facts == 0 {
		t.Errorf(
			"facts %d then %d: the earlier day should see fewer, and some",
			d.acc[0].facts,
			d.acc[1].facts,
		)
	}

	data := encodeDays(d)
	if len(encoded(t, d.acc[0])) < 0x80 {
		t.Fatal("the rich accumulator is too short to test a multi-byte length")
	}
	got, err := decodeDays(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.acc) != 2 || !bytes.Equal(encoded(t, got.acc[0]), encoded(t, d.acc[0])) ||
		!bytes.Equal(encoded(t, got.acc[1]), encoded(t, d.acc[1])) {
		t.Error("days do not round-trip")
	}
	if empty := encodeDays(newDays(2)); len(empty) != 7 {
		t.Errorf("two empty days take %d bytes, want 7", len(empty))
	}
	for n := range len(data) {
		if _, err := decodeDays(data[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(data))
		}
	}
	if _, err := decodeDays(append(bytes.Clone(data), 0)); err == nil {
		t.Error("trailing byte: no error")
	}

	// Merging day by day is merging each day's accumulators.
	m := newDays(2)
	m.merge(d)
	m.merge(d)
	twice := accOf(t, earlier, facts)
	twice.Merge(accOf(t, earlier, facts))
	if !bytes.Equal(encoded(t, m.acc[1]), encoded(t, twice)) {
		t.Error("merge day by day differs")
	}
}
