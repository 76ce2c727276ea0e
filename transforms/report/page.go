package report

import (
	_ "embed" // the page template and the vendored chart library
	"fmt"
	"html/template"
	"io"
)

// Section is one titled part of the page: an introduction, then charts each followed by the table
// of their numbers. A section whose table is missing from the run holds only a Note.
type Section struct {
	ID    string // anchor, stable: tests and links find sections by it
	Title string
	Intro string
	// Note says why the section is empty (its table is not in the run) or what to read it with.
	Note   string
	Blocks []Block
}

// Block is a chart, a table, or a chart with the table of its numbers.
type Block struct {
	Chart *Chart
	Table *Table
}

// Table is an HTML table of figures.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
	// Warn marks rows to highlight (a broken balance), by index.
	Warn map[int]bool
}

// Cell is one table cell; numbers are right-aligned.
type Cell struct {
	Text string
	Num  bool
	// Spark, when set, draws the cell as a small line: an SVG polyline's points in a 120 x 24 box.
	Spark string
}

// txt and num make cells.
func txt(s string) Cell { return Cell{Text: s} }
func num(s string) Cell { return Cell{Text: s, Num: true} }

//go:embed page.html.tmpl
var pageTemplate string

//go:embed assets/echarts.min.js
var echartsJS string

var page = template.Must(template.New("page").Parse(pageTemplate))

// pageData is what the template renders.
type pageData struct {
	Lang     string // the lang attribute
	Meta     string // the line under the title
	Title    string
	Sections []Section
	ECharts  template.JS
}

// WriteHTML writes the report as one self-contained HTML page: the chart library is inlined, so
// the page opens without network access. The same report gives the same bytes.
func (r *Report) WriteHTML(w io.Writer) error {
	t := newTranslator(r.Lang)
	meta := t.f("Business day %s · run %s · schema version %d", r.Date, r.RunID, r.SchemaVersion)
	if r.CreatedAt != "" {
		meta = t.f("Business day %s · run %s · finished %s · schema version %d", r.Date, r.RunID,
			r.CreatedAt, r.SchemaVersion)
	}
	d := pageData{
		Lang:     htmlLang(r.Lang),
		Meta:     meta,
		Title:    t.f("Nightly run %s", r.Date),
		Sections: r.Sections,
		ECharts:  template.JS(echartsJS),
	}
	if err := page.Execute(w, d); err != nil {
		return fmt.Errorf("report: render html: %w", err)
	}
	return nil
}
