package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/report"
	"github.com/shopportraits/portraits/transforms/sink"
)

// exampleFigures are what a night over one of the shop exports under examples/ should give,
// computed by the test from the example's own files, without the job's code.
type exampleFigures struct {
	currency string
	// persons are the distinct customers of the export; buyers those with a purchase (an order in
	// a paid state, paid by the run's day); gmv the purchases' amount in minor units.
	persons, buyers, gmv int64
	// registered are the persons' first orders (the export states no sign-up), and firstBought
	// the buyers' first purchases, dated by placement: UTC microseconds, sorted.
	registered, firstBought []int64
	// rows are the rows each named table holds.
	rows map[string]int64
	// rejects are every rejected record, as "source/reason file:line".
	rejects []string
	// counts are quality counts by "source/stage/measure/reason"; every nulled count of the
	// night must be one of them.
	counts map[string]int64
	// symbol is the currency's sign as the report shows amounts.
	symbol string
	// personal matches the export's personal values that no output may hold beyond what
	// scanForPII looks for.
	personal []*regexp.Regexp
}

// TestExamples runs the nightly on each example shop export under examples/ and compares the
// night with the figures computed from the example's files: currency, persons, buyers and GMV
// (in the portraits and the headline), the rows of the tables, every reject with its reason and
// place, duplicates, continuation rows and emptied fields; the counts balance, and no e-mail or
// phone of the files reaches an output.
func TestExamples(t *testing.T) {
	examples := []struct {
		name    string
		figures func(t *testing.T, dir string) exampleFigures
	}{
		{"marketplace", marketplaceFigures},
		{"shopify", shopifyFigures},
	}
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "examples", ex.name)
			want := ex.figures(t, dir)
			out := t.TempDir()
			start := time.Now()
			summary := runNightly(t, filepath.Join(dir, "sources.yaml"), out)
			t.Logf("nightly on examples/%s: %s", ex.name, time.Since(start).Round(time.Millisecond))
			checkExample(t, out, summary, want)
		})
	}
	// The lookups, mappings and totals from lines work on Beam's direct runner too, where side
	// inputs and shuffles are Go's own.
	t.Run("marketplace on direct", func(t *testing.T) {
		defer useRunner(t, "direct")()
		dir := filepath.Join("..", "..", "examples", "marketplace")
		want := marketplaceFigures(t, dir)
		out := t.TempDir()
		checkExample(t, out, runNightly(t, filepath.Join(dir, "sources.yaml"), out), want)
	})
}

// useRunner makes Beam's --runner flag name another runner until done is called.
func useRunner(t *testing.T, name string) (done func()) {
	t.Helper()
	was := flag.Lookup("runner").Value.String()
	if err := flag.Set("runner", name); err != nil {
		t.Fatal(err)
	}
	return func() { flag.Set("runner", was) }
}

// checkExample compares a finished night with the figures computed from its files.
func checkExample(t *testing.T, out, summary string, want exampleFigures) {
	t.Helper()
	ctx := context.Background()
	m, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatal(err)
	}
	if m.Currency != want.currency {
		t.Errorf("manifest currency %q, want %q", m.Currency, want.currency)
	}
	for table, n := range want.rows {
		if got := m.Tables[table].Rows; got != n {
			t.Errorf("table %s has %d rows, want %d", table, got, n)
		}
	}
	portraits, err := sink.ReadTable[schemas.Portrait](ctx, out, testDate, "portraits")
	if err != nil {
		t.Fatal(err)
	}
	var buyers, gmv int64
	for _, p := range portraits {
		if p.Orders > 0 {
			buyers++
		}
		gmv += p.GMVFen
	}
	if int64(len(portraits)) != want.persons || buyers != want.buyers || gmv != want.gmv {
		t.Errorf("portraits: %d persons, %d buyers, GMV %d; want %d, %d, %d",
			len(portraits), buyers, gmv, want.persons, want.buyers, want.gmv)
	}
	// The report shows the run's currency: R$ or $, never the yuan sign.
	page, err := os.ReadFile(filepath.Join(sink.RunDir(out, testDate), report.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if body := string(page[:bytes.Index(page, []byte("<script>"))]); strings.Contains(body, "¥") ||
		!strings.Contains(body, want.symbol) {
		t.Errorf("the report shows ¥ or lacks %s", want.symbol)
	}
	data, err := os.ReadFile(filepath.Join(sink.RunDir(out, testDate), report.HeadlineFile))
	if err != nil {
		t.Fatal(err)
	}
	var head report.Headline
	if err := json.Unmarshal(data, &head); err != nil {
		t.Fatal(err)
	}
	if head.Persons != want.persons || head.Buyers != want.buyers || head.GMVFen != want.gmv {
		t.Errorf("headline: %d persons, %d buyers, GMV %d; want %d, %d, %d",
			head.Persons, head.Buyers, head.GMVFen, want.persons, want.buyers, want.gmv)
	}
	var registered, firstBought []int64
	for _, p := range portraits {
		registered = append(registered, p.RegisteredAt)
		if p.Orders > 0 {
			firstBought = append(firstBought, p.FirstOrderAt)
		}
	}
	slices.Sort(registered)
	slices.Sort(firstBought)
	slices.Sort(want.registered)
	slices.Sort(want.firstBought)
	if !slices.Equal(registered, want.registered) {
		t.Errorf("registered_at of the persons: %v, want their first orders %v",
			registered, want.registered)
	}
	if !slices.Equal(firstBought, want.firstBought) {
		t.Errorf("first_order_at of the buyers: %v, want their first purchases placed %v",
			firstBought, want.firstBought)
	}
	rejects, err := sink.ReadTable[schemas.Reject](ctx, out, testDate, "rejects")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0, len(rejects))
	reasons := map[string]int{}
	for _, r := range rejects {
		got = append(got, fmt.Sprintf("%s/%s %s:%d", r.Source, r.Reason, filepath.Base(r.File), r.Line))
		reasons[r.Source+"/"+r.Reason]++
	}
	sort.Strings(got)
	sort.Strings(want.rejects)
	if !slices.Equal(got, want.rejects) {
		t.Errorf("rejects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want.rejects, "\n"))
	}
	rows, err := sink.ReadTable[schemas.QualityCount](ctx, out, testDate, "quality")
	if err != nil {
		t.Fatal(err)
	}
	if problems := quality.Check(quality.Totals(rows)); len(problems) > 0 {
		t.Errorf("counts do not add up: %v", problems)
	}
	counts := map[string]int64{}
	for _, q := range rows {
		k := q.Source + "/" + q.Stage + "/" + q.Measure + "/" + q.Reason
		counts[k] += q.Count
		if _, expected := want.counts[k]; q.Measure == quality.Nulled && !expected {
			t.Errorf("%d %s: no field of the files should be emptied so", q.Count, k)
		}
	}
	for k, n := range want.counts {
		if counts[k] != n {
			t.Errorf("quality %s: %d, want %d", k, counts[k], n)
		}
	}
	t.Logf("%d persons, %d buyers, GMV %d %s minor units; rejects %v",
		want.persons, want.buyers, want.gmv, want.currency, reasons)
	scanForPII(t, sink.RunDir(out, testDate), summary, want.personal...)
}

// csvFile is an example's CSV file read whole: its rows by column name, and the file line of
// each (the header is line 1; the examples hold no field that spans lines).
type csvFile struct {
	name string
	rows []map[string]string
}

// line is the file line of the i-th row.
func (f csvFile) line(i int) string { return fmt.Sprintf("%s:%d", f.name, i+2) }

func readExampleCSV(t *testing.T, dir, name string) csvFile {
	t.Helper()
	fh, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	records, err := csv.NewReader(fh).ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("%s: %d records (%v)", name, len(records), err)
	}
	f := csvFile{name: name}
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = rec[i]
		}
		f.rows = append(f.rows, row)
	}
	return f
}

// cents reads an amount written with two decimals (129.90) as minor units.
func cents(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	n, err1 := strconv.ParseInt(whole, 10, 64)
	c, err2 := strconv.ParseInt(frac, 10, 64)
	if !ok || len(frac) != 2 || err1 != nil || err2 != nil {
		t.Fatalf("amount %q is not written with two decimals", s)
	}
	return n*100 + c
}

// earliest is the earlier of two times, 0 standing for none yet.
func earliest(a, b int64) int64 {
	if a == 0 || b < a {
		return b
	}
	return a
}

// marketplaceAsOf is the end of the test's day, written as the marketplace writes its times.
const marketplaceAsOf = testDate + " 23:59:59"

// marketplaceFigures computes the night over examples/marketplace (the shape of the public
// Olist export). The meaning of each order status is written here again, not read from the
// config: a purchase or not, and unknown for a word the export's documentation does not list.
func marketplaceFigures(t *testing.T, dir string) exampleFigures {
	customers := readExampleCSV(t, dir, "olist_customers_dataset.csv")
	products := readExampleCSV(t, dir, "olist_products_dataset.csv")
	orders := readExampleCSV(t, dir, "olist_orders_dataset.csv")
	items := readExampleCSV(t, dir, "olist_order_items_dataset.csv")
	purchase := map[string]bool{"created": false, "approved": true, "invoiced": true,
		"processing": true, "shipped": true, "delivered": true, "canceled": false,
		"unavailable": false}
	f := exampleFigures{currency: "BRL", symbol: "R$", rows: map[string]int64{},
		counts: map[string]int64{}}

	person, persons := map[string]string{}, map[string]bool{}
	for _, c := range customers.rows {
		person[c["customer_id"]] = c["customer_unique_id"]
		persons[c["customer_unique_id"]] = true
	}
	f.persons = int64(len(persons))
	f.rows["users"] = f.persons
	f.counts["customers/dedupe/deduplicated/"] = int64(len(customers.rows) - len(persons))

	badProduct := map[string]bool{}
	for i, p := range products.rows {
		if p["product_category_name"] == "" {
			badProduct[p["product_id"]] = true
			f.rejects = append(f.rejects, "products/missing_category "+products.line(i))
		}
	}
	f.rows["products"] = int64(len(products.rows) - len(badProduct))

	lines := map[string][]int{} // order id → its rows in the items file
	for i, it := range items.rows {
		lines[it["order_id"]] = append(lines[it["order_id"]], i)
	}
	zone, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	kept, buyers := map[string]bool{}, map[string]bool{}
	first, firstBought := map[string]int64{}, map[string]int64{}
	for i, o := range orders.rows {
		buys, known := purchase[o["order_status"]]
		who, found := person[o["customer_id"]]
		switch {
		case !found: // the lookup comes before the status is read
			f.rejects = append(f.rejects, "orders/lookup_miss "+orders.line(i))
			continue
		case !known:
			f.rejects = append(f.rejects, "orders/unmapped_value "+orders.line(i))
			continue
		}
		kept[o["order_id"]] = true
		placed, err := time.ParseInLocation(time.DateTime, o["order_purchase_timestamp"], zone)
		if err != nil {
			t.Fatal(err)
		}
		first[who] = earliest(first[who], placed.UnixMicro())
		if len(lines[o["order_id"]]) == 0 {
			f.counts["orders/totals/nulled/no_lines"]++
		}
		paid := o["order_approved_at"]
		if !buys || paid > marketplaceAsOf { // local times, written alike: they sort as text
			continue
		}
		buyers[who] = true
		firstBought[who] = earliest(firstBought[who], placed.UnixMicro())
		// The money of the order: every line's price and freight, one unit per row, whether or
		// not the line's product could be read.
		for _, j := range lines[o["order_id"]] {
			f.gmv += cents(t, items.rows[j]["price"]) + cents(t, items.rows[j]["freight_value"])
		}
	}
	f.buyers = int64(len(buyers))
	f.rows["orders"] = int64(len(kept))
	for p := range persons {
		f.registered = append(f.registered, first[p])
	}
	for _, at := range firstBought {
		f.firstBought = append(f.firstBought, at)
	}
	for i, it := range items.rows {
		switch {
		case !kept[it["order_id"]]:
			f.rejects = append(f.rejects, "order_items/orphan_item "+items.line(i))
		case badProduct[it["product_id"]]:
			f.rejects = append(f.rejects, "order_items/rejected_product "+items.line(i))
		default:
			f.rows["order_items"]++
		}
	}
	return f
}

// shopifyTime is how Shopify's exports write a time: local, with its offset.
const shopifyTime = "2006-01-02 15:04:05 -0700"

// usPhone matches a phone of the 555-01XX block, as the Shopify example's files write them.
var usPhone = regexp.MustCompile(
	`(^|[^0-9A-Za-z])(\+?1)?[2-9][0-9]{2}55501[0-9]{2}([^0-9A-Za-z]|$)`,
)

// shopifyFigures computes the night over examples/shopify (Shopify's orders and customers CSV
// exports): an order's fields are on its first line-item row, and the meaning of each financial
// status is written here again, not read from the config.
func shopifyFigures(t *testing.T, dir string) exampleFigures {
	customers := readExampleCSV(t, dir, "customers_export.csv")
	orders := readExampleCSV(t, dir, "orders_export.csv")
	purchase := map[string]bool{"pending": false, "authorized": false, "partially_paid": true,
		"paid": true, "partially_refunded": true, "refunded": true, "voided": false,
		"expired": false}
	channel := map[string]bool{"web": true, "iphone": true, "android": true}
	f := exampleFigures{currency: "USD", symbol: "$", rows: map[string]int64{},
		counts: map[string]int64{}, personal: []*regexp.Regexp{usPhone}}

	id, phones := map[string]string{}, 0
	for _, c := range customers.rows {
		id[c["Email"]] = c["Customer ID"]
		if usPhone.MatchString(c["Phone"]) {
			phones++
		}
	}
	if phones == 0 {
		t.Fatal("no phone of customers_export.csv matches usPhone: the scan would find none")
	}
	f.persons = int64(len(customers.rows))
	f.rows["users"] = f.persons

	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.FixedZone("EST", -5*3600))
	kept, buyers, lines := map[string]bool{}, map[string]bool{}, map[string]bool{}
	first, firstBought := map[string]int64{}, map[string]int64{}
	for i, r := range orders.rows {
		if r["Financial Status"] == "" { // a further line item of the order above
			f.counts["orders/clean/deduplicated/continuation_row"]++
			continue
		}
		buys, known := purchase[r["Financial Status"]]
		who, found := id[r["Email"]]
		switch {
		case r["Email"] == "":
			f.rejects = append(f.rejects, "orders/missing_user_id "+orders.line(i))
			continue
		case !found:
			f.rejects = append(f.rejects, "orders/lookup_miss "+orders.line(i))
			continue
		case !known:
			f.rejects = append(f.rejects, "orders/unmapped_value "+orders.line(i))
			continue
		}
		kept[r["Name"]] = true
		placed, err := time.Parse(shopifyTime, r["Created at"])
		if err != nil {
			t.Fatal(err)
		}
		first[who] = earliest(first[who], placed.UnixMicro())
		if !channel[r["Source"]] {
			f.counts["orders/clean/nulled/channel"]++
		}
		paid, err := time.Parse(shopifyTime, r["Paid at"])
		if buys && err == nil && paid.Before(asOf) {
			buyers[who] = true
			firstBought[who] = earliest(firstBought[who], placed.UnixMicro())
			f.gmv += cents(t, r["Total"])
		}
	}
	f.buyers = int64(len(buyers))
	f.rows["orders"] = int64(len(kept))
	for _, c := range customers.rows {
		f.registered = append(f.registered, first[c["Customer ID"]])
	}
	for _, at := range firstBought {
		f.firstBought = append(f.firstBought, at)
	}
	for i, r := range orders.rows {
		switch key := r["Name"] + " " + r["Lineitem sku"]; {
		case r["Lineitem sku"] == "":
			f.rejects = append(f.rejects, "order_items/missing_sku "+orders.line(i))
		case !kept[r["Name"]]:
			f.rejects = append(f.rejects, "order_items/orphan_item "+orders.line(i))
		case lines[key]:
			t.Fatalf("%s: order %s names SKU %s twice", orders.line(i), r["Name"], r["Lineitem sku"])
		default:
			lines[key] = true
			f.rows["order_items"]++
		}
	}
	return f
}
