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
var gatedStages = map[string]bool{"ingest": true, "clean": true, "dedupe": true, "refs": true}

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

// Gate holds a run's quality rows to every source's gates in cfg and returns the breaches and the
// warnings, each in the config's source order. It is pure: it reads nothing but its arguments.
func Gate(rows []schemas.QualityCount, cfg *sources.Config) (breaches, warnings []Finding) {
	type sums struct {
		read, rejected, rows, examined int64
		last                           int
		absent                         map[string]int64
	}
	by := map[string]*sums{}
	for _, s := range cfg.Sources {
		by[s.Name] = &sums{last: -1, absent: map[string]int64{}}
	}
	for _, r := range rows {
		s := by[r.Source]
		if s == nil || !gatedStages[r.Stage] {
			continue
		}
		stage := stageIndex(r.Stage)
		switch {
		case r.Stage == "ingest" && r.Measure == In:
			s.read += r.Count
		case r.Measure == Rejected:
			s.rejected += r.Count
		case r.Measure == Absent:
			s.absent[r.Reason] += r.Count
		}
		if r.Stage == "ingest" && (r.Measure == Out || r.Measure == Rejected && r.Reason == MissingField) {
			s.examined += r.Count
		}
		if r.Measure == Out && stage >= s.last {
			if stage > s.last {
				s.last, s.rows = stage, 0
			}
			s.rows += r.Count
		}
	}
	for _, src := range cfg.Sources {
		s := by[src.Name]
		if limit := src.RejectRateLimit(); s.read > 0 && float64(s.rejected)/float64(s.read) > limit {
			rate := float64(s.rejected) / float64(s.read)
			breaches = append(breaches, Finding{Source: src.Name, Gate: GateRejectRate, Breach: true, Figure: rate, Limit: limit,
				Message: fmt.Sprintf("source %s: %s of its %s records read were rejected (%s), above its max_reject_rate of %s",
					src.Name, share(rate), thousands(s.read), thousands(s.rejected), share(limit))})
		}
		if limit := src.RowsMinimum(); s.rows < limit {
			breaches = append(breaches, Finding{Source: src.Name, Gate: GateMinRows, Breach: true, Figure: float64(s.rows), Limit: float64(limit),
				Message: fmt.Sprintf("source %s: %s rows passed cleaning (of %s records read), below its min_rows of %s",
					src.Name, thousands(s.rows), thousands(s.read), thousands(limit))})
		}
		for _, f := range sources.Kinds[src.Kind] {
			col := src.Column(f.Name)
			if col == "" || !f.Required && !src.Declared[f.Name] || s.examined == 0 || s.absent[f.Name] < s.examined {
				continue
			}
			finding := Finding{Source: src.Name, Gate: GateAbsentColumn, Breach: f.Required, Figure: float64(s.absent[f.Name]),
				Limit: float64(s.examined), Field: f.Name, Column: col}
			if f.Required {
				finding.Message = fmt.Sprintf("source %s: column %q of the required field %s is absent from all %s records read: check the column name in the sources config",
					src.Name, col, f.Name, thousands(s.examined))
				breaches = append(breaches, finding)
				continue
			}
			finding.Message = fmt.Sprintf("source %s: column %q of the optional field %s is absent from all %s records read: the field is empty and any rule on it is off",
				src.Name, col, f.Name, thousands(s.examined))
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
	return fmt.Sprintf("%d data-quality gates breached: %s", len(e.Breaches), strings.Join(msgs, "; "))
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
