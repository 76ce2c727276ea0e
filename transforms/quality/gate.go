package quality

import (
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Absent counts, per source and field (the Reason), the records read whose mapped column was not
// there: a key missing from a JSON line, a column missing from a CSV header or a Parquet schema.
// Only required fields and the fields the config maps itself are counted.
const Absent = "absent"

// MissingField is the reject reason of a record that lacks the column of a required field. The
// records whose columns the ingest stage looked at are its out and these rejects.
const MissingField = "missing_field"

// Gates a night is held to, as a Finding's Gate.
const (
	// GateRejectRate: the share of a source's records read that cleaning rejected, at most the
	// source's max_reject_rate.
	GateRejectRate = "max_reject_rate"
	// GateMinRows: the records of a source that pass cleaning, at least its min_rows.
	GateMinRows = "min_rows"
	// GateAbsentColumn: a mapped column that no record of the source holds. A breach for a
	// required field, a warning for an optional one (whose rule is then silently off).
	GateAbsentColumn = "absent_column"
)

// gatedStages are the stages whose rejects count against a source's max_reject_rate and whose
// last out is its rows: what cleaning makes of the records. Erasure (a person's request) and the
// portrait stage (facts no person or day takes) say nothing about the input's quality.
// The state stage (rows carried from the previous night) rejects nothing but adds rows.
var gatedStages = map[string]bool{"ingest": true, "clean": true, "dedupe": true, "state": true,
	"refs": true}

// MinRecordsForRate is how many records a source must read for its max_reject_rate to fail the
// night: below it (an incremental night's handful of records) a share above the limit is a
// warning, unless every record read was rejected.
const MinRecordsForRate = 100

// Finding is one data-quality gate a run breached, or a warning worth a reader's eye.
type Finding struct {
	Source string
	// Gate is one of the Gate constants.
	Gate string
	// Breach is true when the finding fails the night; false for a warning.
	Breach bool
	// Figure is what the run measured and Limit what the config allows: a share of the records
	// read for GateRejectRate, rows for GateMinRows, and for GateAbsentColumn the records without
	// the column and the records looked at.
	Figure, Limit float64
	// Field and Column name the field and its mapped column of a GateAbsentColumn finding.
	Field, Column string
	// Message says it all in one sentence: source, measure, figure and limit.
	Message string
}

// String is the finding's sentence.
func (f Finding) String() string { return f.Message }

// SourceFigures are what a source's gates look at: its records read, those rejected by
// cleaning, the rows carried from the previous night, its rows after cleaning (the out of the last
// cleaning stage that took records in or carried them, so carried rows count),
// the records parsed (whose columns were looked at: ingest's out and its MissingField rejects),
// and per field the parsed records without its column.
type SourceFigures struct {
	Source                                  string
	Read, Rejected, Carried, Rows, Examined int64
	Absent                                  map[string]int64
}

// RejectRate is the share of the records read that were rejected, 0 when none was read.
func (f SourceFigures) RejectRate() float64 {
	if f.Read == 0 {
		return 0
	}
	return float64(f.Rejected) / float64(f.Read)
}

// Figures sums a run's quality rows per source of cfg, in the config's order; a source without
// rows (no file, or empty files) has zero figures.
func Figures(rows []schemas.QualityCount, cfg *sources.Config) []SourceFigures {
	out := make([]SourceFigures, len(cfg.Sources))
	// Per source, the latest gated stage that took records in, and each stage's out: a stage
	// that let nothing out has no out row.
	last := make([]int, len(cfg.Sources))
	outs := make([]map[int]int64, len(cfg.Sources))
	at := map[string]int{}
	for i, s := range cfg.Sources {
		out[i] = SourceFigures{Source: s.Name, Absent: map[string]int64{}}
		last[i], outs[i], at[s.Name] = -1, map[int]int64{}, i
	}
	for _, r := range rows {
		i, ok := at[r.Source]
		if !ok || !gatedStages[r.Stage] {
			continue
		}
		f := &out[i]
		switch {
		case r.Stage == "ingest" && r.Measure == In:
			f.Read += r.Count
		case r.Measure == Rejected:
			f.Rejected += r.Count
		case r.Measure == Absent:
			f.Absent[r.Reason] += r.Count
		case r.Measure == Carried:
			f.Carried += r.Count
		}
		if r.Stage == "ingest" &&
			(r.Measure == Out || r.Measure == Rejected && r.Reason == MissingField) {
			f.Examined += r.Count
		}
		switch stage := stageIndex(r.Stage); r.Measure {
		case In, Carried:
			last[i] = max(last[i], stage)
		case Out:
			outs[i][stage] += r.Count
		}
	}
	for i := range out {
		out[i].Rows = outs[i][last[i]]
	}
	return out
}

// Gate holds a run's quality rows to every source's gates in cfg and returns the breaches and the
// warnings, each in the config's source order. It is pure: it reads nothing but its arguments.
func Gate(rows []schemas.QualityCount, cfg *sources.Config) (breaches, warnings []Finding) {
	for i, fig := range Figures(rows, cfg) {
		src := cfg.Sources[i]
		if limit := src.RejectRateLimit(); fig.RejectRate() > limit {
			breach := fig.Read >= MinRecordsForRate || fig.Rejected == fig.Read
			msg := fmt.Sprintf(
				"source %s: %s of its %s records read were rejected (%s), above its "+
					"max_reject_rate of %s",
				src.Name,
				share(fig.RejectRate()),
				thousands(fig.Read),
				thousands(fig.Rejected),
				share(limit),
			)
			if !breach {
				msg += fmt.Sprintf(" (a warning: fewer than %d records read)", MinRecordsForRate)
			}
			f := Finding{Source: src.Name, Gate: GateRejectRate, Breach: breach,
				Figure: fig.RejectRate(), Limit: limit, Message: msg}
			if breach {
				breaches = append(breaches, f)
			} else {
				warnings = append(warnings, f)
			}
		}
		if limit := src.RowsMinimum(); fig.Rows < limit {
			of := thousands(fig.Read) + " records read"
			if fig.Carried > 0 {
				of += " and " + thousands(fig.Carried) + " carried"
			}
			breaches = append(breaches, Finding{Source: src.Name, Gate: GateMinRows, Breach: true,
				Figure: float64(fig.Rows), Limit: float64(limit),
				Message: fmt.Sprintf("source %s: %s rows passed cleaning (of %s), below its "+
					"min_rows of %s", src.Name, thousands(fig.Rows), of, thousands(limit))})
		}
		for _, f := range src.Fields() {
			col := src.Column(f.Name)
			if col == "" || !f.Required && !src.Declared[f.Name] || fig.Examined == 0 ||
				fig.Absent[f.Name] < fig.Examined {
				continue
			}
			finding := Finding{Source: src.Name, Gate: GateAbsentColumn, Breach: f.Required,
				Figure: float64(
					fig.Absent[f.Name],
				), Limit: float64(fig.Examined), Field: f.Name, Column: col}
			if f.Required {
				finding.Message = fmt.Sprintf(
					"source %s: column %q of the required field %s is absent from all %s "+
						"records parsed: check the column name in the sources config",
					src.Name,
					col,
					f.Name,
					thousands(fig.Examined),
				)
				breaches = append(breaches, finding)
				continue
			}
			finding.Message = fmt.Sprintf(
				"source %s: column %q of the optional field %s is absent from all %s "+
					"records parsed: the field is empty and any rule on it is off",
				src.Name,
				col,
				f.Name,
				thousands(fig.Examined),
			)
			warnings = append(warnings, finding)
		}
	}
	return breaches, warnings
}

// GateError is the error of a night that breached a data-quality gate.
type GateError struct {
	Breaches []Finding
}

func (e *GateError) Error() string {
	msgs := make([]string, len(e.Breaches))
	for i, b := range e.Breaches {
		msgs[i] = b.Message
	}
	return fmt.Sprintf(
		"%d data-quality gates breached: %s",
		len(e.Breaches),
		strings.Join(msgs, "; "),
	)
}

// CheckGates is Gate as an error: a *GateError listing the breaches, or nil when there is none.
func CheckGates(rows []schemas.QualityCount, cfg *sources.Config) error {
	if breaches, _ := Gate(rows, cfg); len(breaches) > 0 {
		return &GateError{Breaches: breaches}
	}
	return nil
}

// share prints a share as a percentage of four significant digits at most: 20%, 25.31%.
func share(v float64) string { return fmt.Sprintf("%.4g%%", 100*v) }

// thousands prints n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
