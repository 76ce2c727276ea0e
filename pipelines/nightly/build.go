package main

import (
	"context"
	"fmt"
	"maps"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/segment"
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
	// Resolve holds the identity guards and matching settings.
	Resolve resolve.Config
	// Previous is the date of the run whose person ids tonight continues, "" for none.
	Previous string
	// Portrait and Segment configure the portrait and segment stages.
	Portrait portrait.Config
	Segment  segment.Config
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
	res, users, err := resolvePersons(s, j, checked)
	if err != nil {
		return err
	}
	portraits, card, pcounts := portrait.Build(s, portrait.Inputs{
		Identity: res.Identity, Persons: res.Persons,
		Users: users, Orders: flatten(s, checked["orders"]), OrderItems: flatten(s, checked["order_items"]),
		Products: flatten(s, checked["products"]), Events: flatten(s, checked["events"]), Touches: flatten(s, checked["touches"]),
		Vendor: flatten(s, checked["vendor_profiles"]), Reviews: flatten(s, checked["reviews"]),
		Tickets: flatten(s, checked["tickets"]), Posts: flatten(s, checked["site_posts"]),
	}, j.Portrait)
	segs := segment.Build(s, segment.Inputs{
		Portraits: portraits, Users: users, Identity: res.Identity,
		Orders:     typed(s, checked["orders"], asOrder, []schemas.Order{}),
		OrderItems: typed(s, checked["order_items"], asOrderItem, []schemas.OrderItem{}),
		Products:   typed(s, checked["products"], asProduct, []schemas.Product{}),
	}, j.Segment)
	derived := map[string]beam.PCollection{"identity_map": res.IdentityMap, "persons": res.Persons,
		"merge_history": res.MergeHistory, "portraits": portraits}
	maps.Copy(derived, segs.Tables())
	for name, rows := range derived {
		checked[name] = []beam.PCollection{rows}
	}
	counts = append(counts, res.Counts, pcounts, segs.Counts)
	cfg := sinkConfig(j)
	extras := []beam.PCollection{sink.WriteJSON(s, cfg, modelCardFile, card), beam.ParDo(s, activationExtra, segs.ActivationFiles)}
	return write(s, cfg, checked, rejects, counts, extras)
}

// modelCardFile is the run's model card: the fitted value models, cut points and text model.
const modelCardFile = "model_card.json"

// activationExtra lists an activation CSV file in the manifest.
func activationExtra(f segment.ActivationFile) sink.Extra {
	return sink.Extra{Path: f.Path, Rows: f.Rows}
}

// flatten flattens a table's collections; a table without a source gives an invalid collection,
// which the portrait stage reads as empty.
func flatten(s beam.Scope, cols []beam.PCollection) beam.PCollection {
	if len(cols) == 0 {
		return beam.PCollection{}
	}
	return beam.Flatten(s, cols...)
}

// identityTables are the cleaned tables whose rows carry identifiers.
var identityTables = []string{"users", "orders", "events", "touches", "reviews", "tickets", "vendor_profiles", "site_posts"}

// resolvePersons runs the resolve stage over the cleaned tables and last night's identity; it also
// returns the accounts, typed, for the later stages.
func resolvePersons(s beam.Scope, j job, tables map[string][]beam.PCollection) (resolve.Outputs, beam.PCollection, error) {
	in := resolve.Inputs{
		Users:   typed(s, tables["users"], asUser, []schemas.User{}),
		Tickets: typed(s, tables["tickets"], asTicket, []schemas.Ticket{}),
		Posts:   typed(s, tables["site_posts"], asPost, []schemas.SitePost{}),
	}
	for _, t := range identityTables {
		in.Rows = append(in.Rows, tables[t]...)
	}
	var err error
	if j.Previous == "" {
		in.PreviousIdentity = beam.CreateList(s, []schemas.IdentityLink{})
		in.PreviousPersons = beam.CreateList(s, []schemas.Person{})
	} else {
		ctx := context.Background()
		if in.PreviousIdentity, err = sink.Read(ctx, s, j.Output, j.Previous, "identity_map"); err != nil {
			return resolve.Outputs{}, beam.PCollection{}, fmt.Errorf("previous run: %w", err)
		}
		if in.PreviousPersons, err = sink.Read(ctx, s, j.Output, j.Previous, "persons"); err != nil {
			return resolve.Outputs{}, beam.PCollection{}, fmt.Errorf("previous run: %w", err)
		}
	}
	return resolve.Resolve(s, in, j.Resolve, resolve.Options{Date: j.Date, Salt: j.Clean}), in.Users, nil
}

// typed flattens one table's collections of cleaned rows (beam.X) and types them with as, or makes
// an empty collection of the row type when the table has no source.
func typed(s beam.Scope, cols []beam.PCollection, as any, empty any) beam.PCollection {
	if len(cols) == 0 {
		return beam.CreateList(s, empty)
	}
	return beam.ParDo(s, as, beam.Flatten(s, cols...))
}

// sinkConfig says where the run is written and what it read.
func sinkConfig(j job) sink.Config {
	cfg := sink.Config{Output: j.Output, Date: j.Date, RunID: j.RunID}
	for _, in := range j.Inputs {
		cfg.Inputs = append(cfg.Inputs, sink.Input{Source: in.Source, File: in.File, Bytes: in.Bytes})
	}
	return cfg
}

// write sends every table through the sink and finalises the run once the extra files are in place.
func write(s beam.Scope, cfg sink.Config, tables map[string][]beam.PCollection, rejects, counts, extras []beam.PCollection) error {
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
	sink.Finalize(s, cfg, files, extras...)
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

func asUser(x beam.X) schemas.User { return x.(schemas.User) }

func asOrder(x beam.X) schemas.Order { return x.(schemas.Order) }

func asProduct(x beam.X) schemas.Product { return x.(schemas.Product) }

func asTicket(x beam.X) schemas.Ticket { return x.(schemas.Ticket) }

func asPost(x beam.X) schemas.SitePost { return x.(schemas.SitePost) }

func init() {
	register.Function1x1(productSKU)
	register.Function1x1(orderID)
	register.Function1x1(asOrderItem)
	register.Function1x1(asUser)
	register.Function1x1(asOrder)
	register.Function1x1(asProduct)
	register.Function1x1(activationExtra)
	register.Function1x1(asTicket)
	register.Function1x1(asPost)
}
