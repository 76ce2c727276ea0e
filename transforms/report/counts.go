package report

import (
	"cmp"
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
)

// Colours of the record balance, the same wherever it is drawn.
const (
	colourOut      = "#3ba272"
	colourRejected = "#ee6666"
	colourDedup    = "#9e9e9e"
	colourPrevious = "#b8c4e6"
	colourTonight  = "#5470c6"
)

// maxBars bounds the bars of a ranking chart; its table lists every row.
const maxBars = 20

// countSections are the sections drawn from the `quality` table: the balance per source and stage,
// the rejects and nulled fields by reason, and the resolve stage's guards and links.
func countSections(rows []schemas.QualityCount) ([]Section, error) {
	counts, err := balanceSection(rows)
	if err != nil {
		return nil, err
	}
	rejects, err := rejectSection(rows)
	if err != nil {
		return nil, err
	}
	resolve, err := resolveSection(rows)
	if err != nil {
		return nil, err
	}
	return []Section{counts, rejects, resolve}, nil
}

// balanceSection shows, per source, read = out + rejected + deduplicated, and every stage's counts.
func balanceSection(rows []schemas.QualityCount) (Section, error) {
	sec := Section{ID: "counts", Title: tr("Records per source and stage"),
		Intro: tr("Every record read is accounted for: records in = out + rejected + " +
			"deduplicated, for every source and stage, and each stage takes in what the previous " +
			"one let out.")}
	totals := quality.Totals(rows)
	bySource := quality.BySource(totals)
	var cats []string
	out, rej, dedup := series{
		Name:  tr("out"),
		Color: colourOut,
	}, series{
		Name:  tr("rejected"),
		Color: colourRejected,
	}, series{
		Name:  tr("deduplicated"),
		Color: colourDedup,
	}
	per := &Table{Caption: tr("Per source: read = out + rejected + deduplicated"),
		Head: trList(
			"source",
			"read",
			"out",
			"rejected",
			"deduplicated",
			"balanced",
		), Warn: map[int]bool{}}
	for i, s := range bySource {
		cats = append(cats, s.Source)
		out.Values = append(out.Values, roundTo(100*ratio(s.Out, s.Read), 2))
		rej.Values = append(rej.Values, roundTo(100*ratio(s.Rejected, s.Read), 2))
		dedup.Values = append(dedup.Values, roundTo(100*ratio(s.Deduplicated, s.Read), 2))
		ok := s.Read == s.Out+s.Rejected+s.Deduplicated
		per.Rows = append(
			per.Rows,
			[]Cell{txt(s.Source), num(count(s.Read)), num(count(s.Out)), num(count(s.Rejected)),
				num(count(s.Deduplicated)), txt(yesNo(ok))},
		)
		per.Warn[i] = !ok
	}
	stages := &Table{Caption: tr("Per source and stage"),
		Head: trList(
			"source",
			"stage",
			"in",
			"out",
			"rejected",
			"deduplicated",
			"nulled fields",
			"balanced",
		), Warn: map[int]bool{}}
	for _, t := range totals {
		if t.In == 0 && t.Reports > 0 {
			continue // guards and links, shown with the resolve stage
		}
		stages.Warn[len(stages.Rows)] = !t.Balanced()
		stages.Rows = append(
			stages.Rows,
			[]Cell{txt(t.Source), txt(t.Stage), num(count(t.In)), num(count(t.Out)),
				num(
					count(t.Rejected),
				), num(count(t.Deduplicated)), num(count(t.Nulled)), txt(yesNo(t.Balanced()))},
		)
	}
	if len(bySource) == 0 {
		sec.Note = tr("The quality table of this run has no record counts.")
		return sec, nil
	}
	chart, err := hbar(
		"chart-counts",
		tr("What became of the records read, per source (% of records read)"),
		"%",
		cats,
		[]series{out, rej, dedup},
		true,
	)
	if err != nil {
		return sec, err
	}
	sec.Blocks = append(sec.Blocks, Block{Chart: chart, Table: per}, Block{Table: stages})
	if problems := quality.Check(totals); len(problems) > 0 {
		t := &Table{
			Caption: tr("Counts that do not add up"),
			Head:    trList("problem"),
			Warn:    map[int]bool{},
		}
		for i, p := range problems {
			t.Rows = append(t.Rows, []Cell{txt(p)})
			t.Warn[i] = true
		}
		sec.Blocks = append(sec.Blocks, Block{Table: t})
	}
	return sec, nil
}

func yesNo(ok bool) string {
	if ok {
		return tr("yes")
	}
	return tr("NO")
}

// reason is one summed quality figure with a reason: a reject reason, a nulled field, a guard or a
// link.
type reason struct {
	Source, Stage, Reason string
	Count                 int64
}

// byReason sums the rows of one measure per source, stage and reason, most frequent first.
func byReason(rows []schemas.QualityCount, measure string) []reason {
	sums := map[reason]int64{}
	for _, r := range rows {
		if r.Measure == measure {
			sums[reason{Source: r.Source, Stage: r.Stage, Reason: r.Reason}] += r.Count
		}
	}
	out := make([]reason, 0, len(sums))
	for k, n := range sums {
		k.Count = n
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b reason) int {
		return cmp.Or(
			cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Source, b.Source),
			cmp.Compare(a.Stage, b.Stage),
			cmp.Compare(a.Reason, b.Reason),
		)
	})
	return out
}

// reasonChart ranks reasons in a horizontal bar chart, at most maxBars of them.
func reasonChart(
	id, title, unit, colour string,
	rs []reason,
	name func(reason) string,
) (*Chart, error) {
	s := series{Name: unit, Color: colour}
	var cats []string
	for _, r := range rs[:min(len(rs), maxBars)] {
		cats = append(cats, name(r))
		s.Values = append(s.Values, float64(r.Count))
	}
	return hbar(id, title, unit, cats, []series{s}, false)
}

// rejectSection ranks reject reasons and nulled fields.
func rejectSection(rows []schemas.QualityCount) (Section, error) {
	sec := Section{ID: "rejects", Title: tr("Rejects by reason"),
		Intro: tr("Records that could not be used, per source, stage and reason (the rejects " +
			"table holds each one with its file and line), then optional values that were " +
			"invalid and dropped from otherwise good records.")}
	read := map[string]int64{}
	for _, s := range quality.BySource(quality.Totals(rows)) {
		read[s.Source] = s.Read
	}
	rejects := byReason(rows, quality.Rejected)
	if len(rejects) > 0 {
		chart, err := reasonChart(
			"chart-rejects",
			tr("Rejected records by reason (largest first)"),
			tr("records"),
			colourRejected,
			rejects,
			func(r reason) string { return r.Source + " · " + r.Stage + " · " + label(r.Reason) },
		)
		if err != nil {
			return sec, err
		}
		t := &Table{
			Caption: tr("Rejected records"),
			Head: trList(
				"source",
				"stage",
				"reason",
				"records",
				"share of the source's records read",
			),
		}
		for _, r := range rejects {
			t.Rows = append(
				t.Rows,
				[]Cell{
					txt(r.Source),
					txt(r.Stage),
					txt(r.Reason),
					num(count(r.Count)),
					num(percent(ratio(r.Count, read[r.Source]))),
				},
			)
		}
		sec.Blocks = append(sec.Blocks, Block{Chart: chart, Table: t})
	}
	if nulled := byReason(rows, quality.Nulled); len(nulled) > 0 {
		t := &Table{
			Caption: tr("Nulled fields (value dropped, record kept)"),
			Head:    trList("source", "stage", "field", "records"),
		}
		for _, r := range nulled {
			t.Rows = append(
				t.Rows,
				[]Cell{txt(r.Source), txt(r.Stage), txt(r.Reason), num(count(r.Count))},
			)
		}
		sec.Blocks = append(sec.Blocks, Block{Table: t})
	}
	if len(sec.Blocks) == 0 {
		sec.Note = tr("No record was rejected and no field nulled in this run.")
	}
	return sec, nil
}

// resolveSection shows what the resolve stage's guards stopped and what it linked.
func resolveSection(rows []schemas.QualityCount) (Section, error) {
	sec := Section{ID: "resolve", Title: tr("Identity resolution: guards and links"),
		Intro: tr("Guards are identifiers stopped from linking persons (a phone or device shared " +
			"by too many accounts, for instance); links count what the resolve stage joined: " +
			"probabilistic matches, persons, merges and splits.")}
	parts := []struct {
		measure, id, title, unit, colour string
	}{
		{
			quality.Guard,
			"chart-guards",
			"Guards that fired, by guard and identifier type",
			"identifiers",
			colourRejected,
		},
		{quality.Linked, "chart-links", "Links made by the resolve stage", "count", colourTonight},
	}
	for _, p := range parts {
		rs := byReason(rows, p.measure)
		if len(rs) == 0 {
			continue
		}
		chart, err := reasonChart(
			p.id,
			tr(p.title),
			tr(p.unit),
			p.colour,
			rs,
			func(r reason) string { return label(r.Reason) },
		)
		if err != nil {
			return sec, err
		}
		t := &Table{Caption: tr(p.title), Head: trList("source", "stage", p.measure, p.unit)}
		for _, r := range rs {
			t.Rows = append(
				t.Rows,
				[]Cell{txt(r.Source), txt(r.Stage), txt(r.Reason), num(count(r.Count))},
			)
		}
		sec.Blocks = append(sec.Blocks, Block{Chart: chart, Table: t})
	}
	if len(sec.Blocks) == 0 {
		sec.Note = tr("The quality table of this run has no guard or link counts (no resolve " +
			"stage ran, or nothing fired).")
	}
	return sec, nil
}
