package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/schemas"
)

// kindOrder is the order of segment kinds on the page, as segment_summary lists them.
var kindOrder = []string{"all", "rule", "rfm", "value", "cluster"}

func kindIndex(kind string) int {
	if i := slices.Index(kindOrder, kind); i >= 0 {
		return i
	}
	return len(kindOrder)
}

// segmentSection draws every segment's size tonight against last night, and lists the summary.
func segmentSection(rows []schemas.SegmentSummary) (Section, error) {
	sec := Section{ID: "segments", Title: tr("Segments"),
		Intro: tr("Persons per segment tonight and last night (the chart leaves out " +
			"all_persons), with each segment's share of persons and of GMV and its members' mean " +
			"12-month CLV.")}
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b schemas.SegmentSummary) int {
		return cmp.Or(
			cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.Segment, b.Segment),
		)
	})
	prev, now := series{
		Name:  tr("last night"),
		Color: colourPrevious,
	}, series{
		Name:  tr("tonight"),
		Color: colourTonight,
	}
	var cats []string
	t := &Table{
		Caption: tr("Segment summary"),
		Head: trList("segment", "kind", "persons", "share of persons", "share of GMV",
			"mean 12-month CLV", "last night", "change"),
	}
	for _, r := range rows {
		t.Rows = append(
			t.Rows,
			[]Cell{
				txt(r.Segment),
				txt(r.Kind),
				num(count(r.Size)),
				num(percent(r.Share)),
				num(percent(r.GMVShare)),
				num(amountF(r.AvgCLVFen)),
				num(count(r.PreviousSize)),
				num(signed(r.Change)),
			},
		)
		if r.Kind == "all" {
			continue
		}
		cats = append(cats, r.Segment)
		prev.Values = append(prev.Values, float64(r.PreviousSize))
		now.Values = append(now.Values, float64(r.Size))
	}
	if len(rows) == 0 {
		sec.Note = tr("The segment_summary table of this run is empty.")
		return sec, nil
	}
	if len(cats) == 0 {
		sec.Blocks = []Block{{Table: t}}
		return sec, nil
	}
	chart, err := hbar(
		"chart-segments",
		tr("Persons per segment: last night and tonight"),
		tr("persons"),
		cats,
		[]series{prev, now},
		false,
	)
	if err != nil {
		return sec, err
	}
	sec.Blocks = []Block{{Chart: chart, Table: t}}
	return sec, nil
}

// levels are the affinity rule levels, in page order.
var levels = []string{"category", "sku"}

// affinitySection lists the strongest-supported rules of each level.
func affinitySection(rows []schemas.AffinityRule, top int) (Section, error) {
	sec := Section{ID: "affinity", Title: tr("Top affinity rules"),
		Intro: trf(
			"Association rules mined from the baskets of paid orders: buying the left-hand items makes "+
				"buying the right-hand one more likely. The %d rules of highest support per level; lift "+
				"above 1 means bought together more often than by chance.",
			top,
		)}
	byLevel := map[string][]schemas.AffinityRule{}
	for _, r := range rows {
		byLevel[r.Level] = append(byLevel[r.Level], r)
	}
	order := slices.Clone(levels)
	for l := range byLevel {
		if !slices.Contains(order, l) {
			order = append(order, l)
		}
	}
	slices.Sort(order[len(levels):])
	for _, level := range order {
		rs := byLevel[level]
		if len(rs) == 0 {
			continue
		}
		slices.SortFunc(
			rs,
			func(a, b schemas.AffinityRule) int { return cmp.Compare(a.RuleID, b.RuleID) },
		)
		rs = rs[:min(len(rs), top)]
		support, conf := series{
			Name:  tr("support"),
			Color: colourPrevious,
		}, series{
			Name:  tr("confidence"),
			Color: colourTonight,
		}
		var cats []string
		t := &Table{
			Caption: trf("%s rules (%d of %d)", trCode(level), len(rs), len(byLevel[level])),
			Head: trList(
				"rule",
				"if bought",
				"then also",
				"support",
				"confidence",
				"lift",
				"baskets",
			),
		}
		for _, r := range rs {
			cats = append(cats, ruleName(r))
			support.Values = append(support.Values, roundTo(r.Support*100, 1))
			conf.Values = append(conf.Values, roundTo(r.Confidence*100, 1))
			t.Rows = append(
				t.Rows,
				[]Cell{
					num(fmt.Sprint(r.RuleID)),
					txt(strings.Join(r.Antecedent, " + ")),
					txt(r.Consequent),
					num(
						percent(r.Support),
					),
					num(percent(r.Confidence)),
					num(fmt.Sprintf("%.2f", r.Lift)),
					num(count(r.Count)),
				},
			)
		}
		chart, err := hbar(
			"chart-affinity-"+safeID(level),
			trf("Top %s rules: support and confidence (%%)", trCode(level)),
			"%",
			cats,
			[]series{support, conf},
			false,
		)
		if err != nil {
			return sec, err
		}
		sec.Blocks = append(sec.Blocks, Block{Chart: chart, Table: t})
		network, err := ruleNetwork("chart-affinity-network-"+safeID(level),
			trf("Top %s rules as a network (arrows: if bought, then also)", trCode(level)), rs)
		if err != nil {
			return sec, err
		}
		sec.Blocks = append(sec.Blocks, Block{Chart: network})
	}
	if len(sec.Blocks) == 0 {
		sec.Note = tr("The affinity_rules table of this run is empty: no rule reached the " +
			"minimum support.")
	}
	return sec, nil
}

// ruleName is a rule for a chart's axis: A + B → C.
func ruleName(r schemas.AffinityRule) string {
	return strings.Join(r.Antecedent, " + ") + " → " + r.Consequent
}

// roundTo rounds for a chart label.
func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

// safeID keeps letters, digits and dashes of a name for an element id.
func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}
