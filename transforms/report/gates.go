package report

import (
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// gateSection holds the run's quality rows to the sources' data-quality gates (quality.Gate): the
// breaches that fail a night and the warnings, each source's figures against its limits, and the
// mapped columns some records lack. Without the sources config it can only say so.
func gateSection(rows []schemas.QualityCount, cfg *sources.Config) Section {
	sec := Section{ID: "gates", Title: tr("Data-quality gates"),
		Intro: tr("Each source is held to the gates of its sources config: at most " +
			"max_reject_rate of its records read rejected by cleaning, at least min_rows rows " +
			"after cleaning, and every mapped column found in some record. A breach fails the " +
			"night; a warning does not.")}
	if cfg == nil {
		sec.Note = tr("The gates need the run's sources config: render the report with it to see " +
			"them.")
		return sec
	}
	breaches, warnings := quality.Gate(rows, cfg)
	if len(breaches)+len(warnings) > 0 {
		t := &Table{Caption: tr("Breaches and warnings"),
			Head: trList("source", "gate", "", "what"),
			Warn: map[int]bool{}}
		for _, f := range slices.Concat(breaches, warnings) {
			kind := "warning"
			if f.Breach {
				kind, t.Warn[len(t.Rows)] = "BREACH", true
			}
			t.Rows = append(t.Rows,
				[]Cell{txt(f.Source), txt(f.Gate), txt(tr(kind)), txt(f.Message)})
		}
		sec.Blocks = append(sec.Blocks, Block{Table: t})
	} else {
		sec.Note = tr("Every source passed its gates.")
	}
	figures := quality.Figures(rows, cfg)
	per := &Table{Caption: tr("Per source, against its limits"),
		Head: trList(
			"source",
			"read",
			"rejected",
			"max_reject_rate",
			"rows after cleaning",
			"min_rows",
		),
		Warn: map[int]bool{}}
	absent := &Table{Caption: tr("Mapped columns some records lack"),
		Head: trList("source", "field", "column", "records without it", "of records looked at")}
	for i, f := range figures {
		src := &cfg.Sources[i]
		per.Warn[i] = f.RejectRate() > src.RejectRateLimit() || f.Rows < src.RowsMinimum()
		per.Rows = append(
			per.Rows,
			[]Cell{txt(f.Source), num(count(f.Read)), num(percent(f.RejectRate())),
				num(
					percent(src.RejectRateLimit()),
				), num(count(f.Rows)), num(count(src.RowsMinimum()))},
		)
		for _, field := range sources.Kinds[src.Kind] {
			if n := f.Absent[field.Name]; n > 0 {
				absent.Rows = append(
					absent.Rows,
					[]Cell{txt(f.Source), txt(field.Name), txt(src.Column(field.Name)),
						num(count(n)), num(count(f.Examined))},
				)
			}
		}
	}
	sec.Blocks = append(sec.Blocks, Block{Table: per})
	if len(absent.Rows) > 0 {
		sec.Blocks = append(sec.Blocks, Block{Table: absent})
	}
	return sec
}
