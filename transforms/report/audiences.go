package report

import (
	"slices"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/segment"
)

// exclusions are the reasons a segment member is not activated, in the order the table shows
// them; a reason not listed here gets a column of its own after them.
var exclusions = []string{"no_consent", "open_complaint", "no_phone", "frequency_cap"}

// audience is one activated segment's night: its members and exclusions (stage activation of
// source segment:NAME) and its list's changes (stage changes of source audience:NAME).
type audience struct {
	members, activated int64
	excluded           map[string]int64
	before, added      int64 // last night's list, lines added tonight
	removed            map[string]int64
	tonight            int64 // tonight's list
}

// audienceSections is the section of the activated segments, from the quality counts; present
// is false when the run has no quality table.
func audienceSections(rows []schemas.QualityCount, present bool) []Section {
	if !present {
		return []Section{missing("audiences", "Audiences", qualityTable)}
	}
	return []Section{audienceSection(rows)}
}

// audienceSection tells, per activated segment, who is contacted and who is not, and how the list
// changed since last night: last night's list + added - removed = tonight's list.
func audienceSection(rows []schemas.QualityCount) Section {
	sec := Section{ID: "audiences", Title: tr("Audiences"),
		Intro: tr("Each activated segment: its members, those left out and why, and its list " +
			"against last night's (the lines added and removed are in activation_csv/changes/).")}
	auds := map[string]*audience{}
	get := func(name string) *audience {
		if auds[name] == nil {
			auds[name] = &audience{excluded: map[string]int64{}, removed: map[string]int64{}}
		}
		return auds[name]
	}
	reasons := slices.Clone(exclusions)
	for _, r := range rows {
		if name, ok := strings.CutPrefix(r.Source, "segment:"); ok &&
			r.Stage == segment.ActivationStage {
			a := get(name)
			switch r.Measure {
			case quality.In:
				a.members += r.Count
			case quality.Out:
				a.activated += r.Count
			case quality.Rejected:
				a.excluded[r.Reason] += r.Count
				if !slices.Contains(reasons, r.Reason) {
					reasons = append(reasons, r.Reason)
				}
			}
		}
		if name, ok := strings.CutPrefix(r.Source, "audience:"); ok &&
			r.Stage == segment.ChangesStage {
			a := get(name)
			switch r.Measure {
			case quality.Carried:
				a.before += r.Count
			case quality.In:
				a.added += r.Count
			case quality.Rejected:
				a.removed[r.Reason] += r.Count
			case quality.Out:
				a.tonight += r.Count
			}
		}
	}
	if len(auds) == 0 {
		sec.Note = tr("No segment is activated (the segments file's activation).")
		return sec
	}
	slices.Sort(reasons[len(exclusions):])
	head := trList("segment", "members")
	for _, r := range reasons {
		head = append(head, trf("left out: %s", trCode(r)))
	}
	head = append(head,
		trList("activated", "last night's list", "added", "removed", "tonight's list")...)
	t := Table{Caption: tr("Activated segments"), Head: head, Warn: map[int]bool{}}
	names := make([]string, 0, len(auds))
	for n := range auds {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		a := auds[n]
		row := []Cell{txt(n), num(count(a.members))}
		for _, r := range reasons {
			row = append(row, num(count(a.excluded[r])))
		}
		var removed int64
		for _, c := range a.removed {
			removed += c
		}
		row = append(row, num(count(a.activated)), num(count(a.before)), num(signed(a.added)),
			num(signed(-removed)), num(count(a.tonight)))
		t.Rows = append(t.Rows, row)
		if a.before+a.added-removed != a.tonight {
			t.Warn[i] = true
		}
	}
	sec.Blocks = []Block{{Table: &t}}
	return sec
}
