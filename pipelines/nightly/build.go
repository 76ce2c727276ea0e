package main

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/erase"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/lookup"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/predict/score"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/scorecard"
	"github.com/shopportraits/portraits/transforms/segment"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
	"github.com/shopportraits/portraits/transforms/state"
)

// job is everything the nightly pipeline is built from.
type job struct {
	Config *sources.Config
	Date   string
	// Output is the root of the finished runs; the night writes into its attempt folder there
	// (sink.AttemptRoot) until it is promoted.
	Output string
	RunID  string
	Tasks  []ingest.Task
	Inputs []ingest.Input
	// Lookups are the config's lookup tables and their read tasks (their files are in Inputs).
	Lookups lookup.Reading
	Clean   clean.Options
	// Resolve holds the identity guards and matching settings.
	Resolve resolve.Config
	// Previous is the date of the run whose person ids tonight continues, "" for none.
	Previous string
	// Portrait and Segment configure the portrait and segment stages.
	Portrait portrait.Config
	Segment  segment.Config
	// Score configures the propensity and churn models; Cutoff is the day their training
	// portraits describe (Date minus the horizon).
	Score  score.Config
	Cutoff string
	// Erase holds the salted hashes of the identifiers whose persons are forgotten tonight, and
	// Erasures the rows of the erasures table (last night's and tonight's requests).
	Erase    []string
	Erasures []schemas.Erasure
	// Mode is how the night is built; Fingerprints what it is built with (the manifest's).
	Mode         nightMode
	Fingerprints map[string]string
	// KeepState writes the night's state for the next night to continue (--incremental).
	KeepState bool
	// Lang is the report's language (--lang), "" for the business time zone's.
	Lang string
}

// cleaned is one source's rows after validation and deduplication.
type cleaned struct {
	src  sources.Source
	rows beam.PCollection
	// carry are the rows the night keeps as state for the next (package state): an append or
	// changes source's deduplicated rows before the reference checks, the carried ones included,
	// when the night keeps state (--incremental); invalid otherwise.
	carry beam.PCollection
}

// build adds the nightly job to the pipeline: ingest, clean, dedupe and reference checks per
// source; identity resolution; erasure of the persons who asked to be forgotten; portraits and
// segments; then every table, the rejects and quality counts through the Parquet sink, the manifest
// last. runPhased runs the same three parts as pipelines of their own.
func build(s beam.Scope, j job) error {
	srcs, rejects, counts, err := cleanSources(s, j)
	if err != nil {
		return err
	}
	res, err := resolvePersons(s, j, byTable(srcs))
	if err != nil {
		return err
	}
	return finishJob(s, j, srcs, res, rejects, counts)
}

// finishJob adds what follows identity resolution: erasure, portraits, scores and segments, and
// every table through the sink, the manifest last.
func finishJob(
	s beam.Scope,
	j job,
	srcs []cleaned,
	res resolve.Outputs,
	rejects, counts []beam.PCollection,
) error {
	// Erasure costs a pass over every record: it runs only when someone asked to be forgotten.
	forget := func(_, _ string, rows beam.PCollection) beam.PCollection { return rows }
	forgetRows := func(srcs []cleaned) []cleaned { return srcs }
	var erased beam.PCollection // the persons erased tonight, whose audience lines are removed
	if len(j.Erase) > 0 {
		e := erase.Find(s, j.Erase, res.IdentityMap, res.Identity)
		erased = e.Persons
		var ecounts beam.PCollection
		srcs, ecounts = eraseRows(s, srcs, e)
		counts = append(counts, ecounts, erase.Count(s, e))
		forget = func(table, field string, rows beam.PCollection) beam.PCollection {
			return erase.ByPerson(s, table, field, rows, e)
		}
		// The state forgets them too, uncounted: its rows are counted where they are read.
		forgetRows = func(srcs []cleaned) []cleaned {
			if len(srcs) == 0 {
				return nil
			}
			kept, _ := eraseRows(s, srcs, e)
			return kept
		}
	}
	if err := keepState(s, j, forgetRows(carried(srcs))); err != nil {
		return err
	}
	tables := byTable(srcs)
	users := typed(s, tables["users"], asUser, []schemas.User{})
	persons := forget("persons", "PersonID", res.Persons)
	cfg := sinkConfig(j)
	facts := portrait.Inputs{
		Identity: res.Identity, Persons: persons,
		Users: users, Orders: flatten(s, tables["orders"]), OrderItems: flatten(s, tables["order_items"]),
		Products: flatten(
			s,
			tables["products"],
		), Events: flatten(s, tables["events"]), Touches: flatten(s, tables["touches"]),
		Vendor: flatten(s, tables["vendor_profiles"]), Reviews: flatten(s, tables["reviews"]),
		Tickets: flatten(s, tables["tickets"]), Posts: flatten(s, tables["site_posts"]),
		TempDir: sink.Join(cfg.TempDir(), "portrait-accumulators"),
	}
	// The same portraits as of the cutoff train the propensity and churn models: the very code, in
	// the same pass over the facts, with every later fact ignored. The counts are tonight's. The
	// scoring and the value and cluster segments wait for models fitted on the portraits: they
	// take them again (Today, Again), so no runner holds a night's portraits meanwhile.
	built := portrait.Build(s, facts, j.Portrait, j.Cutoff)
	scored := score.Build(
		s,
		score.Inputs{Days: built.Portraits, CutoffModel: built.Models[1], Today: built.Today},
		j.Score,
	)
	// The scorecard grades wait for their cut points, cut from the scored portraits.
	graded := scorecard.Build(s, scorecard.Inputs{Portraits: scored.Scored, Again: scored.Again})
	portraits := graded.Graded
	segIn := segment.Inputs{
		Portraits: portraits, Again: graded.Again, Users: users, Identity: res.Identity,
		Orders:     typed(s, tables["orders"], asOrder, []schemas.Order{}),
		OrderItems: typed(s, tables["order_items"], asOrderItem, []schemas.OrderItem{}),
		Products:   typed(s, tables["products"], asProduct, []schemas.Product{}),
		Erased:     erased,
	}
	if j.Previous != "" {
		// The audiences change against the previous night's, as published (OUTPUT/dt=PREV).
		prev, err := sink.Read(context.Background(), s, j.Output, j.Previous, "activation")
		if err != nil {
			return fmt.Errorf("previous run: %w", err)
		}
		segIn.PreviousActivation = prev
	}
	segs := segment.Build(s, segIn, j.Segment)
	derived := map[string]beam.PCollection{
		"identity_map":  forget("identity_map", "PersonID", res.IdentityMap),
		"persons":       persons,
		"merge_history": forget("merge_history", "NewPersonID", res.MergeHistory),
		"portraits":     portraits,
		"erasures":      beam.CreateList(s, j.Erasures),
	}
	for name, rows := range derived {
		tables[name] = []beam.PCollection{rows}
	}
	maps.Copy(tables, segs.Tables())
	if j.Mode.Mode == modeIncremental {
		// An incremental night's fact tables hold what it read; its derived tables cover everything.
		for _, name := range factTables {
			if cols, ok := tables[name]; ok {
				tables[name] = []beam.PCollection{readTonight(s, j, flatten(s, cols))}
			}
		}
	}
	counts = append(counts, res.Counts, built.Counts, scored.Counts, segs.Counts)
	extras := []beam.PCollection{
		sink.WriteJSON(s, cfg, modelCardFile, built.Models[0]),
		sink.WriteJSON(s, cfg, predictionCardFile, scored.Card),
		sink.WriteJSON(
			s,
			cfg,
			matchCardFile,
			res.MatchCard,
		),
		beam.ParDo(s, activationExtra, segs.ActivationFiles),
		sink.WriteJSON(s, cfg, scorecardFile, graded.Card),
	}
	return write(s, cfg, tables, rejects, counts, extras)
}

// cleanSources reads, cleans, deduplicates and checks the references of every source, and gives
// orders whose total comes from their lines that total.
func cleanSources(
	s beam.Scope,
	j job,
) (srcs []cleaned, rejects, counts []beam.PCollection, err error) {
	var testUsers, rejectedProducts []beam.PCollection
	tables := lookup.None(s)
	if len(j.Lookups.Tasks) > 0 {
		var rejs, cnt beam.PCollection
		tables, rejs, cnt = lookup.Read(s, j.Lookups)
		rejects, counts = append(rejects, rejs), append(counts, cnt)
	}
	for _, src := range j.Config.Sources {
		tasks := tasksOf(j.Tasks, src.Name)
		carried := src.Partitioned() && j.Mode.Mode == modeIncremental
		if len(tasks) == 0 && !carried {
			continue // an optional source with no files
		}
		kept, err := emptyRows(s, src)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(tasks) > 0 {
			// The source is read twice: the claims of the first pass pick each natural key's row,
			// and the second pass, started once they are picked, is filtered as it is read, so no
			// runner holds the rows meanwhile.
			files := taskFiles(tasks)
			claims, err := clean.ValidRows(
				s,
				j.Config,
				src.Name,
				j.Clean,
				ingest.ReadRecords(s, j.Config, tasks),
				tables,
			)
			if err != nil {
				return nil, nil, nil, err
			}
			winners, dcnt := clean.Claims(s, src.Name, claims, files, sinkConfig(j).TempDir())
			recs, rejs, cnt := ingest.ReadAfter(s, j.Config, tasks, dcnt)
			v, err := clean.Validate(s, j.Config, src.Name, j.Clean, recs, tables)
			if err != nil {
				return nil, nil, nil, err
			}
			kept = clean.KeepLatest(s, src.Name, v.Rows, winners, files)
			rejects = append(rejects, rejs, v.Rejects)
			counts = append(counts, cnt, v.Counts, dcnt)
			if src.Kind == "users" {
				// Only accounts name test users. The checks of the other sources take them as a
				// side input, which a runner must have in full before such a check starts: taken
				// from a source's own rows, it would hold that whole source back.
				testUsers = append(testUsers, v.TestUsers)
			}
			if src.Kind == "products" {
				rejectedProducts = append(rejectedProducts, v.RejectedProducts)
			}
		}
		c := cleaned{src: src, rows: kept}
		if carried {
			prev, err := readState(s, j, src)
			if err != nil {
				return nil, nil, nil, err
			}
			merged, mcnt := state.Merge(s, src.Name, prev, kept)
			counts = append(counts, mcnt)
			c.rows = merged
		}
		if src.Partitioned() && j.KeepState {
			c.carry = c.rows
		}
		srcs = append(srcs, c)
	}
	if len(srcs) == 0 {
		return nil, nil, nil, fmt.Errorf("no source has any input file")
	}
	// Test accounts are rejected when read; the state keeps their ids, so that the rows of theirs
	// that it carries are rejected again, as a full read would.
	if j.Mode.Mode == modeIncremental {
		carried, err := readTestUsers(s, j)
		if err != nil {
			return nil, nil, nil, err
		}
		testUsers = append(testUsers, carried)
	}
	tests := emptyIfNone(s, testUsers)
	if j.KeepState {
		state.Write(s, stateRunDir(j), testUsersState, reflect.TypeOf(""), tests)
	}
	// Settled once (package settle): every source's check reads them as side inputs after a shuffle.
	tests = settle.Whole(s, tests)
	skus, checkSKUs := catalog(s, srcs)
	skus = settle.Whole(s, skus)
	rejected := settle.Whole(s, rejectedOrNone(s, rejectedProducts))
	var orders, lines []beam.PCollection
	checked := make([]cleaned, 0, len(srcs))
	// Orders first: order lines are checked against the orders that survive.
	for _, c := range sorted(srcs) {
		switch c.src.Kind {
		case "orders", "events", "touches", "reviews", "tickets":
			kept, rejs, cnt := clean.CheckRefs(
				s,
				c.src.Name,
				c.rows,
				tests,
				skus,
				rejected,
				checkSKUs,
			)
			c.rows = kept
			rejects, counts = append(rejects, rejs), append(counts, cnt)
		case "order_items":
			ids := emptyIfNone(s, orders)
			items := beam.ParDo(s, asOrderItem, c.rows)
			kept, rejs, cnt := clean.CheckOrderItems(
				s,
				c.src.Name,
				items,
				ids,
				skus,
				rejected,
				checkSKUs,
			)
			c.rows = kept
			rejects, counts = append(rejects, rejs), append(counts, cnt)
			// A total from lines counts the lines whose product the catalog lacks too: what
			// the customer paid does not depend on the catalog.
			lines = append(lines, items)
		}
		if c.src.Kind == "orders" {
			orders = append(orders, beam.ParDo(s, orderID, c.rows))
		}
		checked = append(checked, c)
	}
	// Totals from lines, once every source's lines are cleaned; the lines of an order the totals
	// reject leave with it.
	var dropped []beam.PCollection
	for i, c := range checked {
		if c.src.Kind != "orders" || !c.src.Mappings["total"].FromLines {
			continue
		}
		all := beam.CreateList(s, []schemas.OrderItem{})
		if len(lines) > 0 {
			all = beam.Flatten(s, lines...)
		}
		kept, drop, rejs, cnt := clean.FromLines(s, c.src.Name, c.rows, all)
		checked[i].rows = kept
		dropped = append(dropped, drop)
		rejects, counts = append(rejects, rejs), append(counts, cnt)
	}
	if len(dropped) == 0 {
		return checked, rejects, counts, nil
	}
	drop := beam.Flatten(s, dropped...)
	for i, c := range checked {
		if c.src.Kind == "order_items" {
			kept, rejs, cnt := clean.DropLinesOf(s, c.src.Name, c.rows, drop)
			checked[i].rows = kept
			rejects, counts = append(rejects, rejs), append(counts, cnt)
		}
	}
	return checked, rejects, counts, nil
}

// rejectedOrNone flattens the products sources' rejected SKUs (KV<SKU, reason>), or makes an
// empty collection of them.
func rejectedOrNone(s beam.Scope, cols []beam.PCollection) beam.PCollection {
	if len(cols) == 0 {
		return beam.ParDo(s, noRejectedProduct, beam.Impulse(s))
	}
	return beam.Flatten(s, cols...)
}

// noRejectedProduct emits nothing: an empty KV<SKU, reason> collection.
func noRejectedProduct(_ []byte, _ func(string, string)) {}

// eraseRows drops every source's rows of the persons to forget; order lines go with their orders
// (orders sources come first, see sorted).
func eraseRows(s beam.Scope, srcs []cleaned, e erase.Erased) ([]cleaned, beam.PCollection) {
	var counts, droppedOrders []beam.PCollection
	out := make([]cleaned, 0, len(srcs))
	for _, c := range srcs {
		var cnt beam.PCollection
		if c.src.Kind == "order_items" {
			c.rows, cnt = erase.Lines(s, c.src.Name, c.rows, emptyIfNone(s, droppedOrders))
		} else {
			var dropped beam.PCollection
			c.rows, cnt, dropped = erase.Rows(s, c.src.Name, c.rows, e)
			if c.src.Kind == "orders" {
				droppedOrders = append(droppedOrders, dropped)
			}
		}
		counts = append(counts, cnt)
		out = append(out, c)
	}
	return out, beam.Flatten(s, counts...)
}

// byTable groups the sources' rows by the table they go to.
func byTable(srcs []cleaned) map[string][]beam.PCollection {
	tables := map[string][]beam.PCollection{}
	for _, c := range srcs {
		table := sources.KindTable[c.src.Kind]
		tables[table] = append(tables[table], c.rows)
	}
	return tables
}

// The run's model cards: the portraits' fitted value models, cut points and text model; the
// propensity and churn models with their held-out metrics next to the BG/NBD baseline; and the
// identity matching models' m, u and match weights (resolve.MatchCard); and the scorecard grades'
// cut points (scorecard.Card).
const (
	modelCardFile      = "model_card.json"
	predictionCardFile = "prediction_card.json"
	matchCardFile      = "match_model.json"
	scorecardFile      = "scorecard.json"
)

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
var identityTables = []string{
	"users",
	"orders",
	"events",
	"touches",
	"reviews",
	"tickets",
	"vendor_profiles",
	"site_posts",
}

// resolvePersons runs the resolve stage over the cleaned tables and last night's identity.
func resolvePersons(
	s beam.Scope,
	j job,
	tables map[string][]beam.PCollection,
) (resolve.Outputs, error) {
	in := resolve.Inputs{
		Users:   typed(s, tables["users"], asUser, []schemas.User{}),
		Tickets: typed(s, tables["tickets"], asTicket, []schemas.Ticket{}),
		Posts:   typed(s, tables["site_posts"], asPost, []schemas.SitePost{}),
		Orders:  typed(s, tables["orders"], asOrder, []schemas.Order{}),
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
		if in.PreviousIdentity, err = sink.Read(ctx, s, j.Output, j.Previous,
			"identity_map"); err != nil {
			return resolve.Outputs{}, fmt.Errorf("previous run: %w", err)
		}
		if in.PreviousPersons, err = sink.Read(ctx, s, j.Output, j.Previous, "persons"); err != nil {
			return resolve.Outputs{}, fmt.Errorf("previous run: %w", err)
		}
	}
	return resolve.Resolve(s, in, j.Resolve, resolve.Options{Date: j.Date, Salt: j.Clean}), nil
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
	cfg := sink.Config{
		Output: sink.AttemptRoot(j.Output, j.Date, j.RunID),
		Date:   j.Date,
		RunID:  j.RunID,
	}
	if j.Config != nil { // a job made only to find a run's folders has no config
		cfg.Currency, cfg.BusinessTimezone = j.Config.Currency, j.Config.BusinessTimezone
	}
	for _, in := range j.Inputs {
		cfg.Inputs = append(
			cfg.Inputs,
			sink.Input{Source: in.Source, File: in.File, Bytes: in.Bytes},
		)
	}
	return cfg
}

// write sends every table through the sink and finalises the run once the extra files are in place.
func write(
	s beam.Scope,
	cfg sink.Config,
	tables map[string][]beam.PCollection,
	rejects, counts, extras []beam.PCollection,
) error {
	for _, t := range schemas.All() {
		if _, ok := tables[t.Name]; ok || t.Name == "rejects" || t.Name == "quality" {
			cfg.Tables = append(cfg.Tables, t.Name)
		}
	}
	var files []beam.PCollection
	for _, name := range cfg.Tables {
		var rows []beam.PCollection
		switch name {
		case "rejects":
			rows = rejects
		case "quality":
			rows = []beam.PCollection{quality.Summarise(s, counts...)}
		default:
			rows = tables[name]
		}
		files = append(files, sink.Write(s, cfg, name, rows...))
	}
	sink.Finalize(s, cfg, files, extras...)
	return nil
}

// sorted puts orders sources before order_items sources, keeping config order otherwise.
func sorted(in []cleaned) []cleaned {
	out := append([]cleaned(nil), in...)
	sort.SliceStable(
		out,
		func(i, j int) bool { return out[i].src.Kind == "orders" && out[j].src.Kind != "orders" },
	)
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

// taskFiles are the files the tasks read.
func taskFiles(tasks []ingest.Task) []string {
	files := make([]string, len(tasks))
	for i, t := range tasks {
		files[i] = t.File
	}
	return files
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
	register.Function2x0(noRejectedProduct)
}
