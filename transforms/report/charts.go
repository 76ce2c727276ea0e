package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart is one ECharts chart of the page: its element id, height and option object. The options are
// built with go-echarts and marshalled here with encoding/json, which escapes <, > and & so that a
// label taken from the data cannot end the page's script; go-echarts' own page templates are not
// used, because they load the library from a CDN and write the options unescaped.
type Chart struct {
	ID     string
	Height int // pixels
	Option template.JS
}

// echartsChart is what every go-echarts chart offers.
type echartsChart interface {
	Validate()
	JSON() map[string]interface{}
}

// newChart finishes a go-echarts chart into a Chart.
func newChart(id string, height int, c echartsChart) (*Chart, error) {
	c.Validate()
	data, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("report: chart %s: %w", id, err)
	}
	return &Chart{ID: id, Height: height, Option: template.JS(data)}, nil
}

// series is one named row of values of a bar chart.
type series struct {
	Name   string
	Values []float64
	Color  string // "" for the palette's next colour
}

// common are the options of every chart: no animation (a screenshot or a print shows the final
// picture), a title, a tooltip, and a legend when there is more than one series to tell apart.
func common(title, trigger string, legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithAnimation(false),
		charts.WithTitleOpts(
			opts.Title{Title: title, Left: "center", TitleStyle: &opts.TextStyle{FontSize: 14}},
		),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Top: "24"}),
	}
}

// hbar is a horizontal bar chart: one row per category, first at the top, one bar per series (or
// one stacked bar when stack is set), the value written at the end of each bar. A stacked chart of
// shares sets the value axis to end at 100.
func hbar(id, title, unit string, cats []string, ss []series, stack bool) (*Chart, error) {
	x := opts.XAxis{Type: "value", Name: unit}
	if stack && unit == "%" {
		x.Max = 100
	}
	c := charts.NewBar()
	c.SetGlobalOptions(append(
		common(title, "axis", len(ss) > 1),
		charts.WithGridOpts(
			opts.Grid{
				Left:         "1%",
				Right:        "8%",
				Top:          "56",
				Bottom:       "8",
				ContainLabel: opts.Bool(true),
			},
		),
		charts.WithXAxisOpts(x),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)...)
	c.SetXAxis(cats).XYReversal()
	addBars(c, ss, stack, "right")
	bars := len(ss)
	if stack {
		bars = 1
	}
	return newChart(id, 90+len(cats)*(10+14*bars), c)
}

// vbar is a vertical bar chart: categories along the x axis.
func vbar(id, title, xName, yName string, cats []string, ss []series) (*Chart, error) {
	c := charts.NewBar()
	c.SetGlobalOptions(append(
		common(title, "axis", len(ss) > 1),
		charts.WithGridOpts(
			opts.Grid{
				Left:         "2%",
				Right:        "6%",
				Top:          "64",
				Bottom:       "8",
				ContainLabel: opts.Bool(true),
			},
		),
		charts.WithXAxisOpts(
			opts.XAxis{
				Type:      "category",
				Name:      xName,
				AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: rotation(cats)},
			},
		),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName}),
	)...)
	c.SetXAxis(cats)
	addBars(c, ss, false, "top")
	return newChart(id, 380, c)
}

// rotation tilts the x labels when there are many.
func rotation(cats []string) float64 {
	if len(cats) > 8 {
		return 30
	}
	return 0
}

func addBars(c *charts.Bar, ss []series, stack bool, labelAt string) {
	for _, s := range ss {
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.BarData{Value: v}
		}
		o := []charts.SeriesOpts{
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(!stack), Position: labelAt}),
		}
		if stack {
			o = append(o, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Stack = "total" }))
		}
		if s.Color != "" {
			o = append(o, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}))
		}
		c.AddSeries(s.Name, data, o...)
	}
}

// heatmap is a grid of values: cells[y][x], coloured from light to dark, each cell labelled.
func heatmap(id, title, xName, yName string, xs, ys []string, cells [][]float64) (*Chart, error) {
	c := charts.NewHeatMap()
	hi := 0.0
	var data []opts.HeatMapData
	for y := range cells {
		for x, v := range cells[y] {
			data = append(data, opts.HeatMapData{Value: [3]float64{float64(x), float64(y), v}})
			hi = max(hi, v)
		}
	}
	c.SetGlobalOptions(append(
		common(title, "item", false),
		charts.WithGridOpts(
			opts.Grid{
				Left:         "2%",
				Right:        "4%",
				Top:          "40",
				Bottom:       "80",
				ContainLabel: opts.Bool(true),
			},
		),
		charts.WithXAxisOpts(
			opts.XAxis{Type: "category", Name: xName, NameLocation: "middle", NameGap: 28, Data: xs,
				SplitArea: &opts.SplitArea{Show: opts.Bool(true)}},
		),
		charts.WithYAxisOpts(
			opts.YAxis{Type: "category", Name: yName, NameLocation: "middle", NameGap: 36, Data: ys,
				SplitArea: &opts.SplitArea{Show: opts.Bool(true)}},
		),
		charts.WithVisualMapOpts(
			opts.VisualMap{Calculable: opts.Bool(true), Min: 0, Max: float32(max(hi, 1)),
				Orient: "horizontal", Left: "center", Bottom: "8",
				InRange: &opts.VisualMapInRange{Color: []string{"#eef3fb", "#5470c6", "#1f2f6b"}}},
		),
	)...)
	c.SetXAxis(xs)
	c.AddSeries(title, data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	return newChart(id, 420, c)
}

// funnel is a funnel chart in the given order (not sorted by value), each step labelled.
func funnel(id, title string, names []string, values []float64) (*Chart, error) {
	c := charts.NewFunnel()
	c.SetGlobalOptions(common(title, "item", false)...)
	data := make([]opts.FunnelData, len(names))
	for i := range names {
		data[i] = opts.FunnelData{Name: names[i], Value: values[i]}
	}
	c.AddSeries(
		title,
		data,
		charts.WithSeriesOpts(
			func(s *charts.SingleSeries) { s.Sort = "none"; s.Top = "64"; s.Bottom = "8" },
		),
		charts.WithLabelOpts(
			opts.Label{Show: opts.Bool(true), Position: "inside", Formatter: "{b}: {c}"},
		),
	)
	return newChart(id, 360, c)
}

// point is one (x, y) point of a line chart.
type point [2]float64

// xySeries is one line of a chart over a value x axis.
type xySeries struct {
	Name   string
	Points []point
	Color  string
	Dashed bool // a reference line (random, perfect) rather than a measurement
}

// xyLines draws lines through points on two value axes from 0 to 100 (shares in percent): the
// gains and calibration charts, whose x values are not evenly spaced.
func xyLines(id, title, xName, yName string, ss []xySeries) (*Chart, error) {
	c := charts.NewLine()
	c.SetGlobalOptions(append(
		common(title, "item", len(ss) > 1),
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "6%", Top: "64", Bottom: "40",
			ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: xName, NameLocation: "middle",
			NameGap: 28, Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName, Min: 0, Max: 100}),
	)...)
	for _, s := range ss {
		data := make([]opts.LineData, len(s.Points))
		for i, p := range s.Points {
			data[i] = opts.LineData{Value: []float64{round1(p[0]), round1(p[1])}}
		}
		style := opts.LineStyle{Color: s.Color, Width: 2}
		if s.Dashed {
			style.Type, style.Width = "dashed", 1
		}
		c.AddSeries(s.Name, data,
			charts.WithLineStyleOpts(style),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(!s.Dashed)}),
		)
	}
	return newChart(id, 380, c)
}

// round1 rounds a percentage to one decimal, so that the page's numbers stay short and the same
// run gives the same bytes.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
