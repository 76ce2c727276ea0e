package segment

import (
	"cmp"
	"slices"
)

// Reasons a member of an activated segment is left out of its audience, in the order they are
// tried: each excluded member is counted under exactly one.
const (
	NoConsent     = "no_consent"     // marketing_consent is false or the person unsubscribed
	OpenComplaint = "open_complaint" // open_complaints > 0
	NoPhone       = "no_phone"       // none of the person's accounts has a phone
	FrequencyCap  = "frequency_cap"  // the weekly cap is used up by touches sent and higher priorities
)

// ExclusionReasons lists the reasons in the order they are tried.
var ExclusionReasons = []string{NoConsent, OpenComplaint, NoPhone, FrequencyCap}

// pick is one activated rule segment a person matched.
type pick struct {
	Segment  string
	Priority int32
}

// candidate is a person who matched at least one activated segment, with what the exclusions need.
type candidate struct {
	Picks      []pick
	Consent    bool  // marketing_consent and not unsubscribed
	Complaints int32 // open_complaints
	Touches7d  int32 // touches_received_7d
}

// decision is the fate of one pick: Reason is empty when the person is activated in the segment.
type decision struct {
	pick
	Reason string
	Slot   int32 // for an activated pick, its touch of the week (touches already sent + rank)
}

// decide applies the exclusions to a candidate's picks, served by priority (1 first), then by
// segment name: a person without consent, with an open complaint or without a phone is left out
// of every segment; otherwise the first weeklyCap - touches_received_7d picks are activated and
// the rest fall to the frequency cap.
func decide(c candidate, hasPhone bool, weeklyCap int) []decision {
	picks := slices.Clone(c.Picks)
	slices.SortFunc(picks, func(a, b pick) int {
		if r := cmp.Compare(a.Priority, b.Priority); r != 0 {
			return r
		}
		return cmp.Compare(a.Segment, b.Segment)
	})
	picks = slices.CompactFunc(picks, func(a, b pick) bool { return a.Segment == b.Segment })
	room := max(0, weeklyCap-int(c.Touches7d))
	out := make([]decision, len(picks))
	used := 0
	for i, p := range picks {
		d := decision{pick: p}
		switch {
		case !c.Consent:
			d.Reason = NoConsent
		case c.Complaints > 0:
			d.Reason = OpenComplaint
		case !hasPhone:
			d.Reason = NoPhone
		case used >= room:
			d.Reason = FrequencyCap
		default:
			used++
			d.Slot = c.Touches7d + int32(used)
		}
		out[i] = d
	}
	return out
}
