package main

import (
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// job is everything the nightly pipeline is built from.
type job struct {
	Config *sources.Config
	Date   string
	Output string
	RunID  string
	Tasks  []ingest.Task
	Inputs []ingest.Input
	Clean  clean.Options
}

// cleaned is one source's rows after validation and deduplication.
type cleaned struct {
	src  sources.Source
	rows beam.PCollection
}

// build adds the nightly job to the pipeline: ingest, clean, dedupe and reference checks per source,
// then the cleaned tables, rejects and quality counts through the Parquet sink, the manifest last.
func build(s beam.Scope, j job) error {
	var rejects, counts, testUsers []beam.PCollection
	var srcs []cleaned
	for _, src := range j.Config.Sources {
		tasks := tasksOf(j.Tasks, src.Name)
		if len(tasks) == 0 {
			continue // an optional source with no files
		}
		recs, rejs, cnt := ingest.Read(s, j.Config, tasks)
		v, err := clean.Validate(s, j.Config, src.Name, j.Clean, recs)
		if err != nil {
			return err
		}
		kept, dcnt := clean.Dedupe(s, src.Name, v.Rows)
		rejects = append(rejects, rejs, v.Rejects)
		counts = append(counts, cnt, v.Counts, dcnt)
		testUsers = append(testUsers, v.TestUsers)
		srcs = append(srcs, cleaned{src: src, rows: kept})
	}
	if len(srcs) == 0 {
		return fmt.Errorf("no source has any input file")
	}
	tests := beam.Flatten(s, testUsers...)
	skus, checkSKUs := catalog(s, srcs)
	checked := map[string][]beam.PCollection{}
	var orders []beam.PCollection
	// Orders first: order lines are checked against the orders that survive.
	for _, c := range sorted(srcs) {
		rows := c.rows
		switch c.src.Kind {
		case "orders", "events", "touches", "reviews", "tickets":
			kept, rejs, cnt := clean.CheckRefs(s, c.src.Name, rows, tests, skus, checkSKUs)
			rows = kept
			rejects, counts = append(rejects, rejs), append(counts, cnt)
		case "order_items":
			ids := emptyIfNone(s, orders)
			kept, rejs, cnt := clean.CheckOrderItems(s, c.src.Name, beam.ParDo(s, asOrderItem, rows), ids, skus, checkSKUs)
			rows = kept
			rejects, counts = append(rejects, rejs), append(counts, cnt)
		}
		if c.src.Kind == "orders" {
			orders = append(orders, beam.ParDo(s, orderID, rows))
		}
		table := sources.KindTable[c.src.Kind]
		checked[table] = append(checked[table], rows)
	}
	return write(s, j, checked, rejects, counts)
}

// write sends every table through the sink and finalises the run.
func write(s beam.Scope, j job, tables map[string][]beam.PCollection, rejects, counts []beam.PCollection) error {
	cfg := sink.Config{Output: j.Output, Date: j.Date, RunID: j.RunID}
	for _, in := range j.Inputs {
		cfg.Inputs = append(cfg.Inputs, sink.Input{Source: in.Source, File: in.File, Bytes: in.Bytes})
	}
	for _, t := range schemas.All() {
		if _, ok := tables[t.Name]; ok || t.Name == "rejects" || t.Name == "quality" {
			cfg.Tables = append(cfg.Tables, t.Name)
		}
	}
	var files []beam.PCollection
	for _, name := range cfg.Tables {
		var rows beam.PCollection
		switch name {
		case "rejects":
			rows = beam.Flatten(s, rejects...)
		case "quality":
			rows = quality.Summarise(s, counts...)
		default:
			rows = beam.Flatten(s, tables[name]...)
		}
		files = append(files, sink.Write(s, cfg, name, rows))
	}
	sink.Finalize(s, cfg, files...)
	return nil
}

// sorted puts orders sources before order_items sources, keeping config order otherwise.
func sorted(in []cleaned) []cleaned {
	out := append([]cleaned(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].src.Kind == "orders" && out[j].src.Kind != "orders" })
	return out
}

func tasksOf(tasks []ingest.Task, source string) []ingest.Task {
	var out []ingest.Task
	for _, t := range tasks {
		if t.Source == source {
			out = append(out, t)
		}
	}
	return out
}

// catalog is the SKUs of every products source, and whether there is a catalog to check against.
func catalog(s beam.Scope, in []cleaned) (beam.PCollection, bool) {
	var skus []beam.PCollection
	for _, c := range in {
		if c.src.Kind == "products" {
			skus = append(skus, beam.ParDo(s, productSKU, c.rows))
		}
	}
	return emptyIfNone(s, skus), len(skus) > 0
}

// emptyIfNone flattens string collections, or makes an empty one.
func emptyIfNone(s beam.Scope, cols []beam.PCollection) beam.PCollection {
	if len(cols) == 0 {
		return beam.CreateList(s, []string{})
	}
	return beam.Flatten(s, cols...)
}

func productSKU(p beam.X) string { return p.(schemas.Product).SKU }

func orderID(o beam.X) string { return o.(schemas.Order).OrderID }

func asOrderItem(i beam.X) schemas.OrderItem { return i.(schemas.OrderItem) }

func init() {
	register.Function1x1(productSKU)
	register.Function1x1(orderID)
	register.Function1x1(asOrderItem)
}
