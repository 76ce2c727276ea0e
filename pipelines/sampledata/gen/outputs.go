package gen

import (
	"path/filepath"
)

// TruthHeader is the header of truth/persons.csv.gz: one row per identifier a true person used
// (kind uid, phone_e164, email, device_id, anon_id, ticket_id, post_id or vendor_md5), for
// evaluating identity resolution. The values are raw, phones and e-mails included: every person
// here is synthetic, so the file holds no personal data.
var TruthHeader = []string{"person_id", "kind", "value"}

// outputs are the files the writer goroutine owns: a writer per family, and per day of the window
// for the families kept in daily partitions (the events and touches files are the workers').
type outputs struct {
	products *daily[parquetParts[ProductRow]]
	users    *daily[parquetParts[UserRow]]
	orders   *daily[parquetParts[OrderRow]]
	items    *daily[parquetParts[OrderItemRow]]
	vendor   *csvParts
	reviews  *daily[rotatingLines]
	tickets  *daily[csvParts]
	posts    *daily[rotatingLines]
	truth    *csvParts

	// Families whose files the daily writers or the workers list.
	productsF, usersF, ordersF, itemsF, reviewsF, ticketsF, postsF *Family
	events, touches, sources                                       *Family
	days                                                           []DayChanges
}

// newOutputs prepares the writers of every family under dir.
func newOutputs(dir string, seed uint64, w Window) *outputs {
	fam := func(name string) *Family { return &Family{Name: name} }
	j := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	o := &outputs{
		productsF: fam("products"), usersF: fam("users"), ordersF: fam("orders"),
		itemsF: fam("order_items"), events: fam("events"), touches: fam("touches"),
		reviewsF: fam("reviews"), ticketsF: fam("tickets"), postsF: fam("review_sites"),
		sources: fam("sources.yaml"),
		days:    make([]DayChanges, w.Days),
		vendor: &csvParts{
			fam:     fam("vendor_acme"),
			pattern: j("vendor", "acme", "enrichment-%04d.csv"),
			header:  VendorHeader,
			enc:     csvGBK,
			crlf:    true,
		},
		truth: &csvParts{fam: fam("truth"), pattern: j("truth", "persons.csv.gz"),
			header: TruthHeader, enc: csvGzip},
	}
	budget := &rowBudget{limit: parquetBufferedRows}
	platform := func(table string) string { return j("platform", table) }
	const part = "part-%05d.parquet"
	o.products = dailyParquet[ProductRow](w, o.productsF, platform("products"), "products.parquet",
		budget)
	o.users = dailyParquet[UserRow](w, o.usersF, platform("users"), part, budget)
	o.orders = dailyParquet[OrderRow](w, o.ordersF, platform("orders"), part, budget)
	o.items = dailyParquet[OrderItemRow](w, o.itemsF, platform("order_items"), part, budget)
	// A day's file of a feedback source: its name pattern in the day's partition.
	feedback := func(source string, day int, name string) string {
		return filepath.Join(w.PartitionDir(j("feedback", source), day), name)
	}
	// The mess of a family's files is one stream, drawn in the order the rows are written.
	reviewMess := newRand(seed, streamFileMess, 1<<40|1)
	o.reviews = newDaily(w.Days, func(day int) *rotatingLines {
		return &rotatingLines{fam: o.reviewsF,
			pattern: feedback("reviews", day, "reviews-%05d.jsonl"), r: reviewMess,
			mess: lineMess{trunc: reviewTruncRate, badUTF8: 0.001, replay: 0.005}}
	})
	o.tickets = newDaily(w.Days, func(day int) *csvParts {
		return &csvParts{fam: o.ticketsF, pattern: feedback("tickets", day, "tickets-%04d.csv"),
			header: TicketHeader, enc: csvUTF8BOM}
	})
	postMess := newRand(seed, streamFileMess, 1<<40|2)
	o.posts = newDaily(w.Days, func(day int) *rotatingLines {
		return &rotatingLines{fam: o.postsF,
			pattern: feedback("review_sites", day, "posts-%04d.jsonl"), r: postMess,
			mess: lineMess{trunc: postTruncRate, replay: 0.005}}
	})
	return o
}

// dailyParquet is a Parquet table written as one export per day under dir's partitions.
func dailyParquet[T any](w Window, fam *Family, dir, name string,
	budget *rowBudget) *daily[parquetParts[T]] {
	return newDaily(w.Days, func(day int) *parquetParts[T] {
		return &parquetParts[T]{fam: fam, pattern: filepath.Join(w.PartitionDir(dir, day), name),
			budget: budget}
	})
}

// writeParquet writes dated rows to their days' exports.
func writeParquet[T any](d *daily[parquetParts[T]], rows []dated[T]) error {
	for day, rs := range byDay(rows, len(d.days)) {
		if len(rs) == 0 {
			continue
		}
		if err := d.at(day).Write(rs); err != nil {
			return err
		}
	}
	return nil
}

// writeProducts writes the catalog: the initial load and the later price changes, counted.
func (o *outputs) writeProducts(rows []dated[ProductRow]) error {
	for _, r := range rows {
		if r.day > 0 {
			o.days[r.day].PriceChanges++
		}
	}
	return writeParquet(o.products, rows)
}

// write appends one group's rows to the families, in the group's order.
func (o *outputs) write(g *groupOut) error {
	o.events.Files = append(o.events.Files, g.eventFiles...)
	o.events.Rows += g.eventRows
	o.touches.Files = append(o.touches.Files, g.touchFiles...)
	o.touches.Rows += g.touchRows
	for d := range o.days {
		o.days[d].add(g.days[d])
	}
	err := firstErr(writeParquet(o.users, g.users), writeParquet(o.orders, g.orders))
	if err = firstErr(err, writeParquet(o.items, g.items)); err != nil {
		return err
	}
	for _, rec := range g.vendor {
		if err := o.vendor.Write(rec); err != nil {
			return err
		}
	}
	for _, line := range g.reviews {
		if err := o.reviews.at(line.day).Write(line.row); err != nil {
			return err
		}
	}
	for _, rec := range g.tickets {
		if err := o.tickets.at(rec.day).Write(rec.row); err != nil {
			return err
		}
	}
	for _, line := range g.posts {
		if err := o.posts.at(line.day).Write(line.row); err != nil {
			return err
		}
	}
	for _, rec := range g.truth {
		if err := o.truth.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// close finishes every family's last file. A family with no rows still gets one file (a header
// or nothing), and so does every day of a partitioned one, so that every source of sources.yaml
// matches a file on or before any day of the window.
func (o *outputs) close() error {
	var err error
	for _, c := range []*csvParts{o.vendor, o.truth} {
		err = firstErr(err, c.ensure())
		err = firstErr(err, c.Close())
	}
	for day := range o.users.days {
		for _, rl := range []*rotatingLines{o.reviews.at(day), o.posts.at(day)} {
			rl.ensure()
			err = firstErr(err, rl.Close())
		}
		err = firstErr(err, o.tickets.at(day).ensure())
		err = firstErr(err, o.tickets.at(day).Close())
		err = firstErr(err, closeParquet(o.products.at(day)))
		err = firstErr(err, closeParquet(o.users.at(day)))
		err = firstErr(err, closeParquet(o.orders.at(day)))
		err = firstErr(err, closeParquet(o.items.at(day)))
	}
	return err
}

func closeParquet[T any](p *parquetParts[T]) error {
	p.ensure()
	return p.Close()
}

// families lists the families in the order the summary shows them.
func (o *outputs) families() []*Family {
	return []*Family{o.productsF, o.usersF, o.ordersF, o.itemsF, o.events, o.touches,
		o.vendor.fam, o.reviewsF, o.ticketsF, o.postsF, o.truth.fam, o.sources}
}
