package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// The flow's rows and columns for persons on one side only.
const (
	newPerson  = "(new tonight)"
	gonePerson = "(gone tonight)"
)

// flow counts persons by their lifecycle stage on the night the run continued and tonight.
type flow struct {
	previous string            // that night's date, "" when the run continued none
	before   map[string]string // person id to stage, that night
	moves    map[[2]string]int64
}

// previousStages reads every person's stage on the night the run continued, previous, from the
// runs under root; a run that continued none ("") gives an empty flow.
func previousStages(ctx context.Context, root, previous string) (*flow, error) {
	f := &flow{previous: previous, before: map[string]string{}, moves: map[[2]string]int64{}}
	if previous == "" {
		return f, nil
	}
	pm, err := sink.ReadManifest(ctx, root, previous)
	if err != nil {
		return nil, fmt.Errorf("report: the night the run continued: %w", err)
	}
	info, ok := pm.Tables[portraitsTable]
	if !ok {
		f.previous = ""
		return f, nil
	}
	err = streamTable(ctx, root, previous, portraitsTable, info.Files, func(row any) {
		p := row.(schemas.Portrait)
		f.before[p.PersonID] = p.Lifecycle
	})
	return f, err
}

// add counts tonight's portrait.
func (f *flow) add(p *schemas.Portrait) {
	if f.previous == "" {
		return
	}
	was, ok := f.before[p.PersonID]
	if !ok {
		was = newPerson
	}
	delete(f.before, p.PersonID)
	f.moves[[2]string{was, p.Lifecycle}]++
}

// section is the transition table: a row per stage the night before, a column per stage tonight,
// with the persons who appeared and those who went (merged into another person, or erased).
func (f *flow) section(stages []string) Section {
	sec := Section{ID: "flow", Title: tr("Lifecycle flow"),
		Intro: tr("Persons by their lifecycle stage on the night this run continued (rows) and " +
			"tonight (columns); the diagonal stayed where they were.")}
	if f.previous == "" {
		sec.Note = tr("This run continued no earlier night: there is no flow to show.")
		return sec
	}
	for _, was := range f.before {
		f.moves[[2]string{was, gonePerson}]++
	}
	// Stages outside the funnel's list (a config's own) follow it, sorted.
	var extra []string
	for k := range f.moves {
		for _, st := range k {
			if st != newPerson && st != gonePerson && !slices.Contains(stages, st) &&
				!slices.Contains(extra, st) {
				extra = append(extra, st)
			}
		}
	}
	slices.Sort(extra)
	all := append(slices.Clone(stages), extra...)
	rows := append([]string{newPerson}, all...)
	cols := append(slices.Clone(all), gonePerson)
	t := Table{Caption: trf("From the night of %s to tonight", f.previous),
		Head: append([]string{tr("from \\ to")}, labels(cols)...)}
	for _, r := range rows {
		row := []Cell{txt(trCode(r))}
		for _, c := range cols {
			row = append(row, num(count(f.moves[[2]string{r, c}])))
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = []Block{{Table: &t}}
	return sec
}

// labels makes codes readable, in the page's language.
func labels(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = trCode(c)
	}
	return out
}
