package report

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/predict/propensity"
	"github.com/shopportraits/portraits/transforms/predict/score"
)

// scoreBands counts tonight's scores of one model in tenths of a probability.
type scoreBands struct {
	Bands [10]int64
	// None counts persons without a score (outside the model's population, or not trained). A
	// null score reads back as 0, and a calibrated probability is never exactly 0.
	None int64
}

// add counts one score.
func (b *scoreBands) add(p float64) {
	if p <= 0 || math.IsNaN(p) {
		b.None++
		return
	}
	b.Bands[min(int(p*10), 9)]++
}

// scored counts the persons with a score.
func (b *scoreBands) scored() int64 {
	n := int64(0)
	for _, c := range b.Bands {
		n += c
	}
	return n
}

// scores are the two models' bands over the portraits.
type scores struct{ Propensity, Churn scoreBands }

func (s *scores) add(p *schemas.Portrait) {
	s.Propensity.add(p.Propensity30d)
	s.Churn.add(p.ChurnRisk)
}

// predictionSection shows each prediction model: tonight's score distribution from the portraits,
// and, from the prediction card (nil when the run has none), how well the model ranked the
// held-out persons: the gains chart (share of the buyers, or churners, found by contacting the
// highest-scored persons first) and the calibration deciles (predicted against observed).
func predictionSection(card *score.Card, s *scores) (Section, error) {
	sec := Section{ID: "predictions", Title: tr("Purchase and churn predictions"),
		Intro: tr("Who is likely to buy in the next 30 days (propensity_30d) and which past " +
			"buyers are likely to buy nothing (churn_risk). Each model is measured on persons it " +
			"did not train on: scored as of the cutoff day, then checked against what they did " +
			"after it.")}
	if card == nil {
		sec.Note = tr("This run has no prediction card: only tonight's scores are shown.")
	}
	sum := &Table{Caption: tr("The models"), Head: trList("score", "predicts", "persons scored",
		"labelled", "positives", "held out", "held-out AUC", "BG/NBD baseline AUC", "status")}
	var blocks []Block
	for _, m := range []struct {
		id, column string
		fit        *score.Fitted
		bands      scoreBands
	}{
		{"propensity", "propensity_30d", cardModel(card, true), s.Propensity},
		{"churn", "churn_risk", cardModel(card, false), s.Churn},
	} {
		sum.Rows = append(sum.Rows, modelRow(m.column, m.fit, m.bands))
		bs, err := modelBlocks(m.id, m.column, m.fit, m.bands)
		if err != nil {
			return sec, err
		}
		blocks = append(blocks, bs...)
	}
	sec.Blocks = append([]Block{{Table: sum}}, blocks...)
	return sec, nil
}

// cardModel is the card's propensity or churn model, nil without a card.
func cardModel(card *score.Card, propensity bool) *score.Fitted {
	switch {
	case card == nil:
		return nil
	case propensity:
		return &card.Propensity
	default:
		return &card.Churn
	}
}

// modelRow is one model's line of the summary table.
func modelRow(column string, f *score.Fitted, b scoreBands) []Cell {
	row := []Cell{txt(column), txt(""), num(count(b.scored())), num(""), num(""), num(""), num(""),
		num(""), txt("")}
	if f == nil {
		row[8] = txt(tr("no card"))
		return row
	}
	row[1] = txt(f.Target)
	row[3], row[4] = num(count(f.Labelled)), num(count(f.Positives))
	if !f.Trained {
		row[8] = txt(trf("not trained: %s", f.Reason))
		return row
	}
	row[8] = txt(tr("trained"))
	if f.Metrics != nil {
		row[5] = num(count(int64(f.Metrics.NTest)))
		row[6] = num(fmt.Sprintf("%.3f", f.Metrics.AUC))
	}
	if f.Baseline != nil && f.Baseline.AUC != nil {
		row[7] = num(fmt.Sprintf("%.3f", *f.Baseline.AUC))
	}
	return row
}

// modelBlocks are one model's charts: tonight's scores when some person has one, and the gains
// and calibration of its held-out deciles when it was trained.
func modelBlocks(id, column string, f *score.Fitted, b scoreBands) ([]Block, error) {
	var out []Block
	if b.scored() > 0 {
		dist, err := scoreBlock(id, column, b)
		if err != nil {
			return nil, err
		}
		out = append(out, dist)
	}
	if f == nil || !f.Trained || f.Metrics == nil || len(f.Metrics.Calibration) == 0 {
		return out, nil
	}
	deciles := f.Metrics.Calibration
	gains, err := gainsBlock(id, column, deciles)
	if err != nil {
		return nil, err
	}
	calib, err := calibrationBlock(id, column, deciles)
	if err != nil {
		return nil, err
	}
	return append(out, gains, calib), nil
}

// scoreBlock is the histogram of tonight's scores.
func scoreBlock(id, column string, b scoreBands) (Block, error) {
	t := &Table{Caption: trf("Persons per %s band", column), Head: trList("score", "persons")}
	s := series{Name: tr("persons"), Color: colourTonight}
	var cats []string
	for i, n := range b.Bands {
		label := fmt.Sprintf("%d–%d%%", i*10, (i+1)*10)
		cats = append(cats, label)
		s.Values = append(s.Values, float64(n))
		t.Rows = append(t.Rows, []Cell{txt(label), num(count(n))})
	}
	t.Rows = append(t.Rows, []Cell{txt(tr("no score")), num(count(b.None))})
	c, err := vbar("chart-"+id+"-scores", trf("Tonight's %s", column), tr("score"), tr("persons"),
		cats, []series{s})
	return Block{Chart: c, Table: t}, err
}

// gain is one step of a gains chart: the held-out persons of the deciles down to this one (the
// highest scores first), and the positives among them.
type gain struct {
	bin                      propensity.Bin
	positives                int64
	cumPersons, cumPositives int64
}

// gainsOf orders the deciles from the highest scores down and accumulates them. A decile's
// positives are its count times its observed rate, rounded to whole persons.
func gainsOf(deciles []propensity.Bin) (steps []gain, persons, positives int64) {
	bins := slices.Clone(deciles)
	slices.Reverse(bins)
	for _, b := range bins {
		p := int64(math.Round(b.ObservedRate * float64(b.Count)))
		persons += int64(b.Count)
		positives += p
		steps = append(steps, gain{bin: b, positives: p, cumPersons: persons, cumPositives: positives})
	}
	return steps, persons, positives
}

// gainsBlock is the cumulative gains chart and its table with each decile's lift.
func gainsBlock(id, column string, deciles []propensity.Bin) (Block, error) {
	steps, persons, positives := gainsOf(deciles)
	t := &Table{Caption: trf("%s: gains on the held-out persons, highest scores first", column),
		Head: trList("decile", "persons", "positives", "share of persons",
			"share of positives found", "lift")}
	model := []point{{0, 0}}
	for i, g := range steps {
		xs, ys := ratio(g.cumPersons, persons), ratio(g.cumPositives, max(positives, 1))
		model = append(model, point{100 * xs, 100 * ys})
		lift := "–"
		if positives > 0 && g.bin.Count > 0 {
			lift = fmt.Sprintf("%.2f", ratio(g.positives, int64(g.bin.Count))/
				ratio(positives, persons))
		}
		t.Rows = append(t.Rows, []Cell{num(fmt.Sprint(i + 1)), num(count(int64(g.bin.Count))),
			num(count(g.positives)), num(percent(xs)), num(percent(ys)), num(lift)})
	}
	c, err := xyLines("chart-"+id+"-gains", trf("%s: cumulative gains", column),
		tr("% of held-out persons contacted"), tr("% of positives found"), []xySeries{
			{Name: tr("model"), Points: model, Color: colourTonight},
			{Name: tr("random"), Points: []point{{0, 0}, {100, 100}}, Color: colourDedup,
				Dashed: true},
		})
	return Block{Chart: c, Table: t}, err
}

// calibrationBlock plots each decile's observed rate against its mean prediction: a calibrated
// model lies on the diagonal.
func calibrationBlock(id, column string, deciles []propensity.Bin) (Block, error) {
	t := &Table{Caption: trf("%s: calibration deciles of the held-out persons", column),
		Head: trList("decile", "scores", "persons", "mean predicted", "observed")}
	var pts []point
	for i, b := range deciles {
		pts = append(pts, point{100 * b.MeanPredicted, 100 * b.ObservedRate})
		t.Rows = append(t.Rows, []Cell{num(fmt.Sprint(i + 1)),
			num(fmt.Sprintf("%.1f%%–%.1f%%", 100*b.Lo, 100*b.Hi)), num(count(int64(b.Count))),
			num(percent(b.MeanPredicted)), num(percent(b.ObservedRate))})
	}
	c, err := xyLines("chart-"+id+"-calibration", trf("%s: predicted against observed", column),
		tr("mean predicted, %"), tr("observed, %"), []xySeries{
			{Name: tr("deciles"), Points: pts, Color: colourTonight},
			{Name: tr("perfect"), Points: []point{{0, 0}, {100, 100}}, Color: colourDedup,
				Dashed: true},
		})
	return Block{Chart: c, Table: t}, err
}

// decodePredictionCard decodes the prediction card file.
func decodePredictionCard(name string, data []byte) (*score.Card, error) {
	var c score.Card
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("report: %s: %w", name, err)
	}
	return &c, nil
}

// predictionCardOf reads the run's prediction card, nil when the run has none.
func predictionCardOf(ctx context.Context, output, date string, o Options) (*score.Card, error) {
	data, ok, err := readOptional(ctx, inRun(output, date, o.PredictionCardFile))
	if err != nil || !ok {
		return nil, err
	}
	return decodePredictionCard(o.PredictionCardFile, data)
}
