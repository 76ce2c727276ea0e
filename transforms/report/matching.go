package report

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/sink"
)

// matchCardFile is the identity matching models' card in the run folder (resolve.MatchCard).
const matchCardFile = "match_model.json"

// matchingFromRun lists the identity matching models of the run's match card, a table per model:
// its prior (and for posts the share with an owner) in the caption, then every field's levels with
// m, u and the match weight in bits. A run without a card gets a note.
func matchingFromRun(
	ctx context.Context,
	output, date string,
	_ *sink.Manifest,
	_ Options,
) ([]Section, error) {
	sec := Section{ID: "matching", Title: tr("Identity matching models"),
		Intro: tr("What the night's Fellegi-Sunter models fitted. A compared pair gains each " +
			"field's weight at its level, log2(m/u) bits: m is how often matches sit at that " +
			"level, u how often non-matches do.")}
	data, ok, err := readOptional(ctx, inRun(output, date, matchCardFile))
	if err != nil {
		return nil, err
	}
	if !ok {
		sec.Note = trf("This run has no %s: section skipped.", matchCardFile)
		return []Section{sec}, nil
	}
	var card resolve.MatchCard
	if err := json.Unmarshal(data, &card); err != nil {
		return nil, fmt.Errorf("report: %s: %w", matchCardFile, err)
	}
	for _, m := range card.Models {
		// The figures as Go writes them (1.04e-05) in both languages.
		caption := trf(
			"%s model: prior %s, threshold %s",
			m.Name,
			fmt.Sprintf("%.3g", m.Prior),
			fmt.Sprintf("%g", card.Threshold),
		)
		if m.OwnerShare > 0 {
			caption += trf(", share with an owner %.2f", m.OwnerShare)
		}
		t := &Table{Caption: caption, Head: trList("field › level", "m", "u", "weight (bits)")}
		for _, f := range m.Fields {
			for _, l := range f.Levels {
				t.Rows = append(t.Rows, []Cell{{Text: f.Name + " › " + l.Level},
					num(
						fmt.Sprintf("%.4g", l.M),
					), num(fmt.Sprintf("%.4g", l.U)), num(fmt.Sprintf("%+.2f", l.Weight))})
			}
		}
		sec.Blocks = append(sec.Blocks, Block{Table: t})
	}
	return []Section{sec}, nil
}
