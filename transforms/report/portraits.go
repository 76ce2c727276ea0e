package report

import (
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait"
)

// funnelOrder is the lifecycle stages from the least to the most engaged, then the lapsing ones.
var funnelOrder = []string{
	portrait.Unaware,
	portrait.Aware,
	portrait.Interested,
	portrait.FirstPurchase,
	portrait.Repeat,
	portrait.Loyal,
	portrait.Dormant,
	portrait.ChurnRisk,
}

// portraitStats are the figures of the portrait sections, summed one portrait at a time so that
// the table is streamed: memory is a few counters plus 8 bytes per buyer with a CLV.
type portraitStats struct {
	Persons, Engaged, Buyers, RepeatBuyers int64
	GMVFen                                 int64
	// Stage counts persons and sums gmv_fen per lifecycle stage.
	Stage    map[string]int64
	StageGMV map[string]int64
	// RFM counts buyers and sums their gmv_fen per r_score (row) and f_score (column), 1 to 5.
	RFM, RFMGMV [5][5]int64
	// Unscored counts buyers without both scores.
	Unscored int64
	// CLV holds clv_12m_fen of every buyer that has one; NoCLV counts buyers without.
	CLV   []int64
	NoCLV int64
	// BuyerGMV holds every buyer's gmv_fen, for the GMV share of the top buyers.
	BuyerGMV []int64
}

func newPortraitStats() *portraitStats {
	return &portraitStats{Stage: map[string]int64{}, StageGMV: map[string]int64{}}
}

// add counts one portrait.
func (s *portraitStats) add(p *schemas.Portrait) {
	s.Persons++
	s.GMVFen += p.GMVFen
	s.Stage[p.Lifecycle]++
	s.StageGMV[p.Lifecycle] += p.GMVFen
	buyer := p.Orders > 0
	if buyer || p.Lifecycle != portrait.Unaware {
		s.Engaged++
	}
	if !buyer {
		return
	}
	s.Buyers++
	s.BuyerGMV = append(s.BuyerGMV, p.GMVFen)
	if p.Frequency >= 1 {
		s.RepeatBuyers++
	}
	if p.RScore >= 1 && p.RScore <= 5 && p.FScore >= 1 && p.FScore <= 5 {
		s.RFM[p.RScore-1][p.FScore-1]++
		s.RFMGMV[p.RScore-1][p.FScore-1] += p.GMVFen
	} else {
		s.Unscored++
	}
	if p.CLV12mFen != nil {
		s.CLV = append(s.CLV, *p.CLV12mFen)
	} else {
		s.NoCLV++
	}
}

// stages lists the lifecycle stages in funnel order, then any unknown stage found, sorted.
func (s *portraitStats) stages() []string {
	out := slices.Clone(funnelOrder)
	var extra []string
	for st := range s.Stage {
		if !slices.Contains(funnelOrder, st) {
			extra = append(extra, st)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// portraitSections are the lifecycle, RFM and CLV sections.
func portraitSections(s *portraitStats, bins int) ([]Section, error) {
	lc, err := lifecycleSection(s)
	if err != nil {
		return nil, err
	}
	rfm, err := rfmSection(s)
	if err != nil {
		return nil, err
	}
	clv, err := clvSection(s, bins)
	if err != nil {
		return nil, err
	}
	return []Section{lc, rfm, clv}, nil
}

// lifecycleSection draws the conversion funnel and the persons per lifecycle stage.
func lifecycleSection(s *portraitStats) (Section, error) {
	sec := Section{ID: "lifecycle", Title: tr("Lifecycle"),
		Intro: tr("The conversion funnel (every step a subset of the one before), then every " +
			"person's lifecycle stage, in funnel order followed by the lapsing stages.")}
	steps := trList(
		"all persons",
		"engaged (aware or beyond)",
		"buyers",
		"repeat buyers (2+ purchase days)",
	)
	values := []int64{s.Persons, s.Engaged, s.Buyers, s.RepeatBuyers}
	fv := make([]float64, len(values))
	ft := &Table{
		Caption: tr("Conversion funnel"),
		Head:    trList("step", "persons", "share of all persons", "share of the step before"),
	}
	for i, v := range values {
		fv[i] = float64(v)
		prev := "—"
		if i > 0 {
			prev = percent(ratio(v, values[i-1]))
		}
		ft.Rows = append(
			ft.Rows,
			[]Cell{txt(steps[i]), num(count(v)), num(percent(ratio(v, s.Persons))), num(prev)},
		)
	}
	fc, err := funnel("chart-funnel", tr("Conversion funnel (persons)"), steps, fv)
	if err != nil {
		return sec, err
	}
	var cats []string
	persons := series{Name: tr("persons"), Color: colourTonight}
	st := &Table{
		Caption: tr("Persons per lifecycle stage"),
		Head:    trList("stage", "persons", "share", "GMV", "share of GMV"),
	}
	for _, name := range s.stages() {
		cats = append(cats, trCode(name))
		persons.Values = append(persons.Values, float64(s.Stage[name]))
		st.Rows = append(
			st.Rows,
			[]Cell{
				txt(trCode(name)),
				num(count(s.Stage[name])),
				num(percent(ratio(s.Stage[name], s.Persons))),
				num(amount(s.StageGMV[name])),
				num(percent(ratio(s.StageGMV[name], s.GMVFen))),
			},
		)
	}
	st.Rows = append(
		st.Rows,
		[]Cell{
			txt(tr("all")),
			num(count(s.Persons)),
			num(percent(ratio(s.Persons, s.Persons))),
			num(amount(s.GMVFen)),
			num(percent(ratio(s.GMVFen, s.GMVFen))),
		},
	)
	sc, err := vbar(
		"chart-lifecycle",
		tr("Persons per lifecycle stage"),
		tr("stage"),
		tr("persons"),
		cats,
		[]series{persons},
	)
	if err != nil {
		return sec, err
	}
	sec.Blocks = []Block{{Chart: fc, Table: ft}, {Chart: sc, Table: st}}
	return sec, nil
}

// rfmSection draws the r_score × f_score grid of buyers, in persons and in GMV.
func rfmSection(s *portraitStats) (Section, error) {
	sec := Section{ID: "rfm", Title: tr("RFM grid"),
		Intro: tr("Buyers by recency score (rows, 5 = bought most recently) and frequency score " +
			"(columns, 5 = most purchase days): how many persons, and the GMV they brought.")}
	if s.Buyers == s.Unscored {
		sec.Note = tr("No buyer of this run has an RFM score.")
		return sec, nil
	}
	if s.Unscored > 0 {
		sec.Note = trf(
			"%s buyers without both scores are left out of the grid.",
			count(s.Unscored),
		)
	}
	xs := []string{"F1", "F2", "F3", "F4", "F5"}
	ys := []string{"R1", "R2", "R3", "R4", "R5"}
	persons, gmv := make([][]float64, 5), make([][]float64, 5)
	pt := &Table{
		Caption: tr("Buyers per R and F score"),
		Head:    append([]string{tr("R \\ F")}, append(xs, tr("all"))...),
	}
	gt := &Table{
		Caption: tr("GMV per R and F score"),
		Head:    append([]string{tr("R \\ F")}, append(xs, tr("all"))...),
	}
	for r := 4; r >= 0; r-- { // R5 on the first row, as in the chart
		prow, grow := []Cell{txt(ys[r])}, []Cell{txt(ys[r])}
		var pSum, gSum int64
		for f := range 5 {
			pSum += s.RFM[r][f]
			gSum += s.RFMGMV[r][f]
			prow = append(prow, num(count(s.RFM[r][f])))
			grow = append(grow, num(amount(s.RFMGMV[r][f])))
		}
		pt.Rows = append(pt.Rows, append(prow, num(count(pSum))))
		gt.Rows = append(gt.Rows, append(grow, num(amount(gSum))))
	}
	for r := range 5 {
		persons[r], gmv[r] = make([]float64, 5), make([]float64, 5)
		for f := range 5 {
			persons[r][f] = float64(s.RFM[r][f])
			gmv[r][f] = toMajor(s.RFMGMV[r][f])
		}
	}
	pc, err := heatmap(
		"chart-rfm-persons",
		tr("Buyers per R and F score"),
		tr("frequency score"),
		tr("recency score"),
		xs,
		ys,
		persons,
	)
	if err != nil {
		return sec, err
	}
	gc, err := heatmap(
		"chart-rfm-gmv",
		trf("GMV per R and F score (%s)", majorUnit()),
		tr("frequency score"),
		tr("recency score"),
		xs,
		ys,
		gmv,
	)
	if err != nil {
		return sec, err
	}
	sec.Blocks = []Block{{Chart: pc, Table: pt}, {Chart: gc, Table: gt}}
	return sec, nil
}

// clvSection draws the histogram of the buyers' 12-month CLV.
func clvSection(s *portraitStats, bins int) (Section, error) {
	sec := Section{ID: "clv", Title: tr("Customer lifetime value"),
		Intro: trf("12-month discounted lifetime value of every buyer (BG/NBD times Gamma-Gamma), "+
			"in %s. The bars stop at the 99th percentile; a last bar marked ≥ gathers the few "+
			"buyers above it.", majorUnit())}
	if len(s.CLV) == 0 {
		sec.Note = tr("No buyer of this run has a lifetime value (no buyers, or the models could " +
			"not be fitted).")
		return sec, nil
	}
	if s.NoCLV > 0 {
		sec.Note = trf("%s buyers without a lifetime value are left out.", count(s.NoCLV))
	}
	slices.Sort(s.CLV)
	h := histogram(s.CLV, bins)
	var cats []string
	buyers := series{Name: tr("buyers"), Color: colourTonight}
	ht := &Table{Caption: tr("Buyers per CLV band"),
		Head: trList("12-month CLV", "buyers", "share")}
	for _, b := range h {
		cats = append(cats, b.label())
		buyers.Values = append(buyers.Values, float64(b.Count))
		ht.Rows = append(
			ht.Rows,
			[]Cell{
				txt(b.label()),
				num(count(b.Count)),
				num(percent(ratio(b.Count, int64(len(s.CLV))))),
			},
		)
	}
	chart, err := vbar(
		"chart-clv",
		tr("Buyers per 12-month CLV band"),
		majorUnit(),
		tr("buyers"),
		cats,
		[]series{buyers},
	)
	if err != nil {
		return sec, err
	}
	var total int64
	for _, v := range s.CLV {
		total += v
	}
	n := len(s.CLV)
	st := &Table{
		Caption: tr("Summary"),
		Head: trList(
			"buyers with a CLV",
			"total",
			"mean",
			"median",
			"90th percentile",
			"largest",
		),
	}
	st.Rows = [][]Cell{
		{num(count(int64(n))), num(amount(total)), num(amountF(float64(total) / float64(n))),
			num(
				amount(quantile(s.CLV, 0.5)),
			), num(amount(quantile(s.CLV, 0.9))), num(amount(s.CLV[n-1]))},
	}
	sec.Blocks = []Block{{Chart: chart, Table: ht}, {Table: st}}
	return sec, nil
}
