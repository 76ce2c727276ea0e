package report

import (
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/shopportraits/portraits/schemas"
)

// ruleNetwork draws rules as a graph: an item per node, sized by the baskets of its rules, and
// an arrow from each item of a rule's left-hand side to its right-hand item, labelled with the
// lift. The force layout keeps the items of a rule together.
func ruleNetwork(id, title string, rules []schemas.AffinityRule) (*Chart, error) {
	weight := map[string]int64{}
	var links []opts.GraphLink
	for _, r := range rules {
		for _, a := range r.Antecedent {
			weight[a] += r.Count
			links = append(links, opts.GraphLink{Source: a, Target: r.Consequent,
				Value: float32(r.Lift),
				Label: &opts.EdgeLabel{Show: opts.Bool(true),
					Formatter: trf("lift %.1f", r.Lift)}})
		}
		weight[r.Consequent] += r.Count
	}
	items := make([]string, 0, len(weight))
	var most int64 = 1
	for it, w := range weight {
		items = append(items, it)
		most = max(most, w)
	}
	slices.Sort(items)
	nodes := make([]opts.GraphNode, len(items))
	for i, it := range items {
		nodes[i] = opts.GraphNode{Name: it, Value: float32(weight[it]),
			SymbolSize: 12 + 24*float64(weight[it])/float64(most)}
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(common(title, "item", false)...)
	g.AddSeries(tr("rules"), nodes, links, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "force", Force: &opts.GraphForce{Repulsion: 300, EdgeLength: 120},
		Roam: opts.Bool(true), EdgeSymbol: []string{"none", "arrow"}, EdgeSymbolSize: 8,
		Draggable: opts.Bool(true)}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}),
		// Curved, so that the two arrows of a pair bought either way do not overlap.
		charts.WithLineStyleOpts(opts.LineStyle{Curveness: 0.2}))
	return newChart(id, 420, g)
}
