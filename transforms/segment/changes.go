package segment

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
)

// ChangesFolder is the folder of the audience changes inside the activation folder: tools that
// glob activation_csv/*.csv see only the full lists.
const ChangesFolder = "changes"

// ChangesStage is the quality stage of the audience changes; their source is audience:<segment>.
// Last night's lines (carried) plus the lines added (in) are tonight's list (out) plus the lines
// removed (rejected, with the reason), so the night's balance check fails a night whose changes
// do not add up to its full list.
const ChangesStage = "changes"

// The changes and their reasons (activation_changes.change and reason). A removal also takes an
// exclusion reason (NoConsent ... FrequencyCap) when the person is still in the segment tonight.
const (
	Added   = "added"
	Removed = "removed"

	Joined          = "joined"           // added: not in the segment's audience last night
	PhoneChanged    = "phone_changed"    // added or removed: the person's phone is another one
	LeftSegment     = "left_segment"     // removed: no longer matches the rule, or no longer a person
	SegmentInactive = "segment_inactive" // removed: the segment is no longer activated
	Erased          = "erased"           // removed: the person asked to be forgotten tonight
)

// status is one activated segment's line for a person: tonight's decision (Reason empty when
// activated, Line then set), or a line of last night's audience.
type status struct {
	Segment, Reason, Line string
}

// lineSide is one person's hold on a line of a segment's audience, last night's or tonight's,
// with the reason it would be removed or added.
type lineSide struct {
	Previous       bool
	Person, Reason string
}

// audienceLine is an audience file's line for a phone.
func audienceLine(md5hex, sha256hex string) string { return md5hex + "," + sha256hex }

// changes compares tonight's audiences (decisions: KV<person, status>) with last night's
// (previous: schemas.Activation) line by line, a phone in a segment being what an ad platform
// holds: the activation_changes rows and, per segment, the lines added and removed
// (KV<"segment.added"|"segment.removed", line>) and the carried and removed counts. One shuffle
// joins each person's lines with their decisions and whether they were erased tonight, a second
// gathers each line's holders.
func changes(s beam.Scope, cfg Config, decisions, previous, erased beam.PCollection) (
	rows, lines, counts beam.PCollection) {
	s = s.Scope("activation.Changes")
	prev := beam.ParDo(s, previousLine, previous)
	gone := beam.ParDo(s, erasedPerson, erased)
	sides := beam.ParDo(s, &personLinesFn{Activated: activated(cfg.Rules)},
		beam.CoGroupByKey(s, prev, decisions, gone))
	return beam.ParDo3(s, &lineChangeFn{}, beam.GroupByKey(s, sides))
}

// activated names the activated rule segments.
func activated(rules []Rule) []string {
	var out []string
	for _, r := range rules {
		if r.Activate {
			out = append(out, r.Name)
		}
	}
	return out
}

func previousLine(a schemas.Activation) (string, status) {
	return a.PersonID, status{Segment: a.Segment, Line: audienceLine(a.PhoneMD5, a.PhoneSHA256)}
}

func erasedPerson(person string) (string, bool) { return person, true }

// personLinesFn gives each of a person's lines, last night's and tonight's, with its reason.
type personLinesFn struct {
	Activated []string
}

func (f *personLinesFn) ProcessElement(person string, prev, now func(*status) bool,
	erased func(*bool) bool, emit func(string, lineSide)) {
	var gone, b bool
	for erased(&b) {
		gone = true
	}
	tonight := map[string]status{}
	var st status
	for now(&st) {
		tonight[st.Segment] = st
	}
	held := map[string][]string{}
	for prev(&st) {
		held[st.Segment] = append(held[st.Segment], st.Line)
	}
	for seg, ls := range held {
		for _, line := range ls {
			side := lineSide{
				Previous: true,
				Person:   person,
				Reason:   f.removal(seg, line, tonight, gone),
			}
			if gone {
				side.Person = ""
			}
			emit(lineKey(seg, line), side)
		}
	}
	for seg, d := range tonight {
		if d.Reason != "" {
			continue
		}
		reason := Joined
		if len(held[seg]) > 0 && !slices.Contains(held[seg], d.Line) {
			reason = PhoneChanged
		}
		emit(lineKey(seg, d.Line), lineSide{Person: person, Reason: reason})
	}
}

// removal is why a line of last night's would leave the segment's audience tonight.
func (f *personLinesFn) removal(seg, line string, tonight map[string]status, gone bool) string {
	d, ok := tonight[seg]
	switch {
	case gone:
		return Erased
	case ok && d.Reason != "":
		return d.Reason
	case ok && d.Line != line:
		return PhoneChanged
	case ok:
		return "" // still held: no change
	case !slices.Contains(f.Activated, seg):
		return SegmentInactive
	}
	return LeftSegment
}

func lineKey(segment, line string) string { return segment + keySep + line }

// lineChangeFn decides each line: held last night and tonight, no change; else added or removed,
// named after its holder of least person id (an erased holder first, with no id).
type lineChangeFn struct {
	tally quality.Tally
}

func (f *lineChangeFn) ProcessElement(key string, sides func(*lineSide) bool,
	rows func(schemas.ActivationChange), lines func(string, string), _ func(string, int64)) {
	seg, line, _ := strings.Cut(key, keySep)
	var before, after []lineSide
	var sd lineSide
	for sides(&sd) {
		if sd.Previous {
			before = append(before, sd)
		} else {
			after = append(after, sd)
		}
	}
	if f.tally == nil {
		f.tally = quality.Tally{}
	}
	source := "audience:" + seg
	if len(before) > 0 {
		f.tally.Add(quality.Key{Source: source, Stage: ChangesStage, Measure: quality.Carried}, 1)
	}
	var change string
	var who lineSide
	switch {
	case len(before) > 0 && len(after) > 0:
		return
	case len(before) > 0:
		change, who = Removed, first(before)
		f.tally.Add(quality.Key{Source: source, Stage: ChangesStage, Measure: quality.Rejected,
			Reason: who.Reason}, 1)
	default:
		change, who = Added, first(after)
	}
	md5hex, sha256hex, _ := strings.Cut(line, ",")
	rows(schemas.ActivationChange{PersonID: who.Person, Segment: seg, Change: change,
		Reason: who.Reason, PhoneMD5: md5hex, PhoneSHA256: sha256hex})
	lines(seg+"."+change, line)
}

func (f *lineChangeFn) FinishBundle(ctx context.Context, _ func(schemas.ActivationChange),
	_ func(string, string), counts func(string, int64)) {
	f.tally.Emit(ctx, counts)
	f.tally = nil
}

// first is the side of least person id, then reason: the same whatever order they came in.
func first(sides []lineSide) lineSide {
	return slices.MinFunc(sides, func(a, b lineSide) int {
		return cmp.Or(cmp.Compare(a.Person, b.Person), cmp.Compare(a.Reason, b.Reason))
	})
}

// fileCounts counts an audience file's lines: a full list's are tonight's audience (out), an
// additions file's the lines added (in); a removals file's are counted by reason where decided.
func fileCounts(f ActivationFile, emit func(string, int64)) {
	source := "audience:" + f.Segment
	switch f.Change {
	case "":
		emit(
			quality.Key{Source: source, Stage: ChangesStage, Measure: quality.Out}.String(),
			f.Rows,
		)
	case Added:
		emit(quality.Key{Source: source, Stage: ChangesStage, Measure: quality.In}.String(), f.Rows)
	}
}

func init() {
	beam.RegisterType(typeOf[status]())
	beam.RegisterType(typeOf[lineSide]())
	register.Function1x2(previousLine)
	register.Function1x2(erasedPerson)
	fnreg.DoFn5x0[string, func(*status) bool, func(*status) bool, func(*bool) bool,
		func(string, lineSide)](&personLinesFn{})
	fnreg.DoFn5x0[string, func(*lineSide) bool, func(schemas.ActivationChange), func(string, string),
		func(string, int64)](
		&lineChangeFn{},
	)
	register.Function2x0(fileCounts)
	register.Emitter2[string, status]()
	register.Emitter2[string, lineSide]()
	register.Emitter2[string, bool]()
	register.Emitter1[schemas.ActivationChange]()
	register.Iter1[status]()
	register.Iter1[lineSide]()
	register.Iter1[bool]()
}
