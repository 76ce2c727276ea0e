package report

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/transforms/sink"
)

// HeadlineFile holds a run's headline figures, beside its manifest: the next nights' reports read
// their changes and sparklines from it, never this run's tables.
const HeadlineFile = "headline.json"

// HistoryNights is how many nights the headline's sparklines show, tonight's included.
const HistoryNights = 30

// Headline is a night's figures for marketers, computed from its portraits.
type Headline struct {
	Date    string `json:"date"`
	Persons int64  `json:"persons"`
	Buyers  int64  `json:"buyers"`
	GMVFen  int64  `json:"gmv_fen"`
	// RepeatRate is the share of buyers who bought on two days or more.
	RepeatRate float64 `json:"repeat_rate"`
	// Top20Share is the share of GMV the top 20% of buyers by GMV brought (the 80/20 figure).
	Top20Share float64 `json:"top20_share"`
	// MeanCLVFen is the mean 12-month lifetime value of the buyers the model valued.
	MeanCLVFen int64 `json:"mean_clv_fen"`
}

// headlineOf is the night's headline from its portrait statistics.
func headlineOf(date string, s *portraitStats) Headline {
	h := Headline{Date: date, Persons: s.Persons, Buyers: s.Buyers, GMVFen: s.GMVFen,
		RepeatRate: ratio(s.RepeatBuyers, s.Buyers)}
	if n := len(s.BuyerGMV); n > 0 {
		gmv := slices.Clone(s.BuyerGMV)
		slices.Sort(gmv)
		slices.Reverse(gmv)
		var top, all int64
		for i, g := range gmv {
			if i < int(math.Ceil(0.2*float64(n))) {
				top += g
			}
			all += g
		}
		h.Top20Share = ratio(top, all)
	}
	if n := len(s.CLV); n > 0 {
		var sum int64
		for _, c := range s.CLV {
			sum += c
		}
		h.MeanCLVFen = int64(math.Round(float64(sum) / float64(n)))
	}
	return h
}

// history reads the headline files of the finished runs before date under output, oldest first,
// at most n of them. Runs without one (made before the file existed) are left out.
func history(ctx context.Context, output, date string, n int) ([]Headline, error) {
	runs, err := sink.Runs(ctx, output)
	if err != nil {
		return nil, fmt.Errorf("report: previous runs: %w", err)
	}
	var out []Headline
	for _, d := range runs {
		if len(out) == n {
			break
		}
		if d >= date {
			continue
		}
		data, ok, err := readOptional(ctx, inRun(output, d, HeadlineFile))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		var h Headline
		if err := json.Unmarshal(data, &h); err != nil {
			return nil, fmt.Errorf("report: %s of %s: %w", HeadlineFile, d, err)
		}
		out = append(out, h)
	}
	slices.Reverse(out)
	return out, nil
}

// figure is one headline row: how to read it from a night and how to write it.
type figure struct {
	name  string
	value func(Headline) float64
	text  func(float64) string
	delta func(float64) string
}

var figures = []figure{
	{"persons", func(h Headline) float64 { return float64(h.Persons) },
		func(v float64) string { return count(int64(v)) },
		func(v float64) string { return signed(int64(v)) }},
	{"buyers", func(h Headline) float64 { return float64(h.Buyers) },
		func(v float64) string { return count(int64(v)) },
		func(v float64) string { return signed(int64(v)) }},
	{"GMV", func(h Headline) float64 { return float64(h.GMVFen) },
		func(v float64) string { return amountF(v) }, signedAmount},
	{"repeat rate", func(h Headline) float64 { return h.RepeatRate }, percent, points},
	{"GMV share of the top 20% of buyers", func(h Headline) float64 { return h.Top20Share },
		percent, points},
	{"mean 12-month CLV", func(h Headline) float64 { return float64(h.MeanCLVFen) },
		func(v float64) string { return amountF(v) }, signedAmount},
}

// signedAmount formats a change of an amount in minor units with its sign.
func signedAmount(minor float64) string {
	if minor > 0 {
		return "+" + amountF(minor)
	}
	return amountF(minor)
}

// points is a change of a share in percentage points: +1.2 pt.
func points(d float64) string { return trf("%+.1f pt", d*100) }

// headlineSection is the page's first section: each figure tonight, the night before it, the
// change and a sparkline of the nights shown; then the table of those nights.
func headlineSection(nights []Headline) Section {
	tonight := nights[len(nights)-1]
	sec := Section{ID: "headline", Title: tr("At a glance"),
		Intro: trf("Tonight's headline figures, the change since the night before, and "+
			"the last %d nights (the line, oldest to the left).", len(nights))}
	head := trList("figure", "tonight", "night before", "change", "nights")
	var before *Headline
	if len(nights) > 1 {
		before = &nights[len(nights)-2]
		head[2] = trf("night of %s", before.Date)
	}
	strip := Table{Caption: tr("Headline figures"), Head: head}
	for _, f := range figures {
		now := f.value(tonight)
		row := []Cell{txt(tr(f.name)), num(f.text(now)), num("-"), num("-"), spark(nights, f.value)}
		if before != nil {
			was := f.value(*before)
			row[2], row[3] = num(f.text(was)), num(f.delta(now-was))
		}
		strip.Rows = append(strip.Rows, row)
	}
	all := Table{Caption: tr("The nights shown"), Head: trList("night")}
	for _, f := range figures {
		all.Head = append(all.Head, tr(f.name))
	}
	for i := len(nights) - 1; i >= 0; i-- {
		row := []Cell{txt(nights[i].Date)}
		for _, f := range figures {
			row = append(row, num(f.text(f.value(nights[i]))))
		}
		all.Rows = append(all.Rows, row)
	}
	sec.Blocks = []Block{{Table: &strip}, {Table: &all}}
	if before == nil {
		sec.Note = tr("No earlier night with headline figures under this output: changes start " +
			"tomorrow.")
	}
	return sec
}

// spark is a cell drawing the figure over the nights as a small line: points of an SVG polyline
// in a 120 x 24 box, lowest value at the bottom.
func spark(nights []Headline, value func(Headline) float64) Cell {
	if len(nights) < 2 {
		return num("")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, n := range nights {
		lo, hi = math.Min(lo, value(n)), math.Max(hi, value(n))
	}
	var pts []string
	for i, n := range nights {
		y := 12.0
		if hi > lo {
			y = 22 - 20*(value(n)-lo)/(hi-lo)
		}
		x := 2 + 116*float64(i)/float64(len(nights)-1)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	return Cell{Spark: strings.Join(pts, " ")}
}
