package report

import (
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// TestAudienceSection: members, exclusions by reason and the list's change per segment, and a
// list whose change does not add up is marked.
func TestAudienceSection(t *testing.T) {
	q := func(source, stage, measure, reason string, n int64) schemas.QualityCount {
		return schemas.QualityCount{Source: source, Stage: stage, Measure: measure, Reason: reason,
			Count: n}
	}
	rows := []schemas.QualityCount{
		q("segment:vip", "activation", "in", "", 50),
		q("segment:vip", "activation", "out", "", 40),
		q("segment:vip", "activation", "rejected", "no_consent", 7),
		q("segment:vip", "activation", "rejected", "frequency_cap", 3),
		q("audience:vip", "changes", "carried", "", 38),
		q("audience:vip", "changes", "in", "", 5),
		q("audience:vip", "changes", "rejected", "left_segment", 2),
		q("audience:vip", "changes", "rejected", "no_consent", 1),
		q("audience:vip", "changes", "out", "", 40),
		q("segment:lapsed", "activation", "in", "", 9),
		q("segment:lapsed", "activation", "out", "", 9),
		q("audience:lapsed", "changes", "out", "", 8), // one line lost: 0 + 0 - 0 != 8
		q("events", "clean", "in", "", 1000),
	}
	sec := audienceSection(rows)
	for col, want := range map[string]string{"members": "50", "left out: no consent": "7",
		"left out: frequency cap": "3", "activated": "40", "last night's list": "38",
		"added": "+5", "removed": "-3", "tonight's list": "40"} {
		if got := cell(t, sec, "Activated segments", "vip", col); got != want {
			t.Errorf("vip, %s: %s, want %s", col, got, want)
		}
	}
	warn := sec.Blocks[0].Table.Warn
	if !warn[0] || warn[1] { // lapsed sorts first
		t.Errorf("marked rows %v, want lapsed (0) only", warn)
	}
}
