package quality

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/shopportraits/portraits/schemas"
)

// StageTotals are one source's figures at one stage.
type StageTotals struct {
	Source, Stage                           string
	In, Out, Rejected, Deduplicated, Nulled int64
	// Carried counts the rows taken from the previous night's state (see quality.Carried).
	Carried int64
	// Reports counts guard and link rows: figures of a stage that are not records passing through.
	Reports int64
}

// Balanced reports whether every record in is accounted for.
func (t StageTotals) Balanced() bool {
	return t.In+t.Carried == t.Out+t.Rejected+t.Deduplicated
}

// StageOrder is the order stages run in; a source passes through a prefix of it.
var StageOrder = []string{
	"ingest",
	"clean",
	"dedupe",
	"state",
	"refs",
	"totals",
	"erase",
	"portrait",
}

// Totals folds quality rows into per-source, per-stage totals, sorted by source then stage order.
func Totals(rows []schemas.QualityCount) []StageTotals {
	byKey := map[[2]string]*StageTotals{}
	for _, r := range rows {
		k := [2]string{r.Source, r.Stage}
		t := byKey[k]
		if t == nil {
			t = &StageTotals{Source: r.Source, Stage: r.Stage}
			byKey[k] = t
		}
		switch r.Measure {
		case In:
			t.In += r.Count
		case Out:
			t.Out += r.Count
		case Rejected:
			t.Rejected += r.Count
		case Deduplicated:
			t.Deduplicated += r.Count
		case Nulled:
			t.Nulled += r.Count
		case Carried:
			t.Carried += r.Count
		case Guard, Linked:
			t.Reports += r.Count
		}
	}
	out := make([]StageTotals, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return stageIndex(out[i].Stage) < stageIndex(out[j].Stage)
	})
	return out
}

func stageIndex(stage string) int {
	for i, s := range StageOrder {
		if s == stage {
			return i
		}
	}
	return len(StageOrder)
}

// Check returns one message per broken identity: a stage whose in differs from out + rejected +
// deduplicated, or a stage whose in differs from the previous stage's out for the same source.
func Check(totals []StageTotals) []string {
	var problems []string
	prev := map[string]StageTotals{}
	for _, t := range totals {
		if !t.Balanced() {
			in := fmt.Sprint(t.In)
			if t.Carried != 0 {
				in = fmt.Sprintf("%d + carried %d", t.In, t.Carried)
			}
			problems = append(
				problems,
				fmt.Sprintf("%s/%s: in %s != out %d + rejected %d + deduplicated %d",
					t.Source, t.Stage, in, t.Out, t.Rejected, t.Deduplicated),
			)
		}
		if p, ok := prev[t.Source]; ok && p.Out != t.In {
			problems = append(
				problems,
				fmt.Sprintf("%s: %s out %d != %s in %d", t.Source, p.Stage, p.Out, t.Stage, t.In),
			)
		}
		prev[t.Source] = t
	}
	return problems
}

// SourceTotals sums a source's journey: read at ingest, carried from the previous night's state,
// final out, and everything rejected or dropped.
type SourceTotals struct {
	Source                                     string
	Read, Carried, Out, Rejected, Deduplicated int64
}

// Balanced reports whether every record read or carried is accounted for.
func (s SourceTotals) Balanced() bool {
	return s.Read+s.Carried == s.Out+s.Rejected+s.Deduplicated
}

// BySource condenses stage totals to one line per source.
func BySource(totals []StageTotals) []SourceTotals {
	var out []SourceTotals
	for _, t := range totals {
		if t.In == 0 && t.Reports > 0 {
			continue // a stage that reports guards or links, not records
		}
		if len(out) == 0 || out[len(out)-1].Source != t.Source {
			out = append(out, SourceTotals{Source: t.Source, Read: t.In})
		}
		cur := &out[len(out)-1]
		cur.Out = t.Out
		cur.Carried += t.Carried
		cur.Rejected += t.Rejected
		cur.Deduplicated += t.Deduplicated
	}
	return out
}

// WriteReasons prints the rejects, nulled fields, absent columns, resolve guards and links per
// source, stage and reason, most frequent first.
func WriteReasons(w io.Writer, rows []schemas.QualityCount) error {
	var picked []schemas.QualityCount
	for _, r := range rows {
		switch r.Measure {
		case Rejected, Nulled, Absent, Guard, Linked:
			picked = append(picked, r)
		}
	}
	sort.Slice(picked, func(i, j int) bool {
		a, b := picked[i], picked[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Source+a.Stage+a.Measure+a.Reason < b.Source+b.Stage+b.Measure+b.Reason
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "source\tstage\tmeasure\treason\tcount")
	for _, r := range picked {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.Source, r.Stage, r.Measure, r.Reason, r.Count)
	}
	return tw.Flush()
}

// WriteSummary prints the end-of-run table: per source, read (+ carried from the previous night's
// state, on an incremental night) = out + rejected + deduplicated.
func WriteSummary(w io.Writer, totals []StageTotals) error {
	sums := BySource(totals)
	carried := false
	for _, s := range sums {
		carried = carried || s.Carried > 0
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if carried {
		fmt.Fprintln(tw, "source\tread\t+ carried\t= out\t+ rejected\t+ deduplicated\tbalanced\t")
	} else {
		fmt.Fprintln(tw, "source\tread\t= out\t+ rejected\t+ deduplicated\tbalanced\t")
	}
	for _, s := range sums {
		ok := "yes"
		if !s.Balanced() {
			ok = "NO"
		}
		if carried {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", s.Source, s.Read, s.Carried, s.Out,
				s.Rejected, s.Deduplicated, ok)
			continue
		}
		fmt.Fprintf(
			tw,
			"%s\t%d\t%d\t%d\t%d\t%s\t\n",
			s.Source,
			s.Read,
			s.Out,
			s.Rejected,
			s.Deduplicated,
			ok,
		)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if problems := Check(totals); len(problems) > 0 {
		_, err := fmt.Fprintf(w, "counts do not add up:\n  %s\n", strings.Join(problems, "\n  "))
		return err
	}
	return nil
}
