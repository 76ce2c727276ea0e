package gen

import (
	"path/filepath"
)

// TruthHeader is the header of truth/persons.csv.gz: one row per identifier a true person used
// (kind uid, phone_e164, email, device_id, anon_id, ticket_id, post_id or vendor_md5), for
// evaluating identity resolution. The values are raw, phones and e-mails included: every person
// here is synthetic, so the file holds no personal data.
var TruthHeader = []string{"person_id", "kind", "value"}

// outputs are the files the writer goroutine owns, one writer per family.
type outputs struct {
	products *parquetParts[ProductRow]
	users    *parquetParts[UserRow]
	orders   *parquetParts[OrderRow]
	items    *parquetParts[OrderItemRow]
	vendor   *csvParts
	reviews  *rotatingLines
	tickets  *csvParts
	posts    *rotatingLines
	truth    *csvParts

	events, touches, sources *Family
}

// newOutputs prepares the writers of every family under dir.
func newOutputs(dir string, seed uint64) *outputs {
	fam := func(name string) *Family { return &Family{Name: name} }
	j := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	return &outputs{
		products: &parquetParts[ProductRow]{fam: fam("products"), pattern: j("platform", "products", "products.parquet")},
		users:    &parquetParts[UserRow]{fam: fam("users"), pattern: j("platform", "users", "part-%05d.parquet")},
		orders:   &parquetParts[OrderRow]{fam: fam("orders"), pattern: j("platform", "orders", "part-%05d.parquet")},
		items:    &parquetParts[OrderItemRow]{fam: fam("order_items"), pattern: j("platform", "order_items", "part-%05d.parquet")},
		events:   fam("events"),
		touches:  fam("touches"),
		vendor: &csvParts{fam: fam("vendor_acme"), pattern: j("vendor", "acme", "enrichment-%04d.csv"),
			header: VendorHeader, enc: csvGBK, crlf: true},
		reviews: &rotatingLines{fam: fam("reviews"), pattern: j("feedback", "reviews", "reviews-%05d.jsonl"),
			r: newRand(seed, streamFileMess, 1<<40|1), mess: lineMess{trunc: reviewTruncRate, badUTF8: 0.001, replay: 0.005}},
		tickets: &csvParts{fam: fam("tickets"), pattern: j("feedback", "tickets", "tickets-%04d.csv"),
			header: TicketHeader, enc: csvUTF8BOM},
		posts: &rotatingLines{fam: fam("review_sites"), pattern: j("feedback", "review_sites", "posts-%04d.jsonl"),
			r: newRand(seed, streamFileMess, 1<<40|2), mess: lineMess{trunc: postTruncRate, replay: 0.005}},
		truth:   &csvParts{fam: fam("truth"), pattern: j("truth", "persons.csv.gz"), header: TruthHeader, enc: csvGzip},
		sources: fam("sources.yaml"),
	}
}

// write appends one group's rows to the families, in the group's order.
func (o *outputs) write(g *groupOut) error {
	o.events.Files = append(o.events.Files, g.eventFile)
	o.events.Rows += g.eventRows
	o.touches.Files = append(o.touches.Files, g.touchFile)
	o.touches.Rows += g.touchRows
	if err := firstErr(o.users.Write(g.users), firstErr(o.orders.Write(g.orders), o.items.Write(g.items))); err != nil {
		return err
	}
	for _, rec := range g.vendor {
		if err := o.vendor.Write(rec); err != nil {
			return err
		}
	}
	for _, line := range g.reviews {
		if err := o.reviews.Write(line); err != nil {
			return err
		}
	}
	for _, rec := range g.tickets {
		if err := o.tickets.Write(rec); err != nil {
			return err
		}
	}
	for _, line := range g.posts {
		if err := o.posts.Write(line); err != nil {
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
// or nothing), so that every source of sources.yaml matches a file.
func (o *outputs) close() error {
	var err error
	for _, c := range []*csvParts{o.vendor, o.tickets, o.truth} {
		if len(c.fam.Files) == 0 {
			err = firstErr(err, c.open())
		}
	}
	for _, rl := range []*rotatingLines{o.reviews, o.posts} {
		if len(rl.fam.Files) == 0 {
			err = firstErr(err, rl.open())
		}
	}
	for _, c := range []interface{ Close() error }{o.users, o.orders, o.items, o.vendor, o.reviews, o.tickets, o.posts, o.truth} {
		err = firstErr(err, c.Close())
	}
	return err
}

// families lists the families in the order the summary shows them.
func (o *outputs) families() []*Family {
	return []*Family{o.products.fam, o.users.fam, o.orders.fam, o.items.fam, o.events, o.touches,
		o.vendor.fam, o.reviews.fam, o.tickets.fam, o.posts.fam, o.truth.fam, o.sources}
}
