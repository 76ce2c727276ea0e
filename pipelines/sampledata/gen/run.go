// Package gen generates the synthetic sample data of the portraits pipeline: platform exports
// (Parquet), clickstream and marketing touches (gzip JSON lines), a vendor feed (GBK CSV),
// feedback (JSON lines and a multi-line CSV) and the ground truth that links every identifier to
// the true person who used it. The files and columns are those of sources.yaml.tmpl.
//
// Output depends only on the seed, the number of persons, the days and the date: each person
// draws from their own random streams, persons are cut into groups that workers generate in
// parallel, and one goroutine writes the groups' rows in group order.
package gen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Config says what to generate.
type Config struct {
	Persons     int       // true persons
	Days        int       // days of data, ending with Date
	Seed        uint64    // random seed
	Date        time.Time // business day: the last day of data
	Output      string    // output folder
	SourcesYAML []byte    // copied to Output/sources.yaml
	Workers     int       // generating goroutines; 0 for GOMAXPROCS
}

// Summary is what a run wrote.
type Summary struct {
	Families []*Family     // every family, in a fixed order
	Elapsed  time.Duration // wall time of the run
}

// Subfolders of the output that the generator owns and replaces on every run.
var ownedPaths = []string{"platform", "clickstream", "marketing", "vendor", "feedback", "truth", "sources.yaml"}

// generator holds what every person's generation reads: set up once, never written after.
type generator struct {
	seed    uint64
	persons int
	w       Window
	cat     *Catalog
	camps   []campaign

	uidBits, emailBits, orderBits, reviewBits, ticketBits, postBits uint
}

// groupOut is what a worker made for one group of persons, besides the files it wrote itself.
type groupOut struct {
	users   []UserRow
	orders  []OrderRow
	items   []OrderItemRow
	vendor  [][]string
	reviews [][]byte
	tickets [][]string
	posts   [][]byte
	truth   [][]string

	eventFile, touchFile string
	eventRows, touchRows int64
	err                  error
}

// groupSize is the number of persons per group and per events/touches file.
func groupSize(persons int) int { return min(max((persons+3)/4, 100), 5000) }

// Run generates the sample into cfg.Output.
func Run(cfg Config) (*Summary, error) {
	start := time.Now()
	if cfg.Persons < 1 || cfg.Days < 1 || cfg.Days > 3660 {
		return nil, errors.New("gen: persons and days must be positive (days at most 3660)")
	}
	if cfg.Persons > 1<<28 {
		return nil, errors.New("gen: at most 2^28 persons")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	for _, p := range ownedPaths {
		if err := os.RemoveAll(filepath.Join(cfg.Output, p)); err != nil {
			return nil, err
		}
	}
	g := &generator{
		seed:       cfg.Seed,
		persons:    cfg.Persons,
		w:          NewWindow(cfg.Date, cfg.Days),
		uidBits:    idBits(2 * cfg.Persons),
		emailBits:  idBits(2 * cfg.Persons),
		orderBits:  idBits(16 * cfg.Persons),
		reviewBits: idBits(64 * cfg.Persons),
		ticketBits: idBits(4 * cfg.Persons),
		postBits:   idBits(8 * cfg.Persons),
	}
	g.cat = NewCatalog(cfg.Seed, cfg.Persons, g.w)
	g.camps = newCampaigns(cfg.Seed, g.w)

	out := newOutputs(cfg.Output, cfg.Seed)
	if err := out.products.Write(g.cat.rows); err != nil {
		return nil, err
	}
	if err := out.products.Close(); err != nil {
		return nil, err
	}

	size := groupSize(cfg.Persons)
	groups := (cfg.Persons + size - 1) / size
	slots := make([]chan *groupOut, groups)
	for k := range slots {
		slots[k] = make(chan *groupOut, 1)
	}
	// At most Workers+1 groups are generated ahead of the writer, which bounds memory.
	tokens := make(chan struct{}, cfg.Workers+1)
	jobs := make(chan int)
	stop := make(chan struct{})
	go func() {
		defer close(jobs)
		for k := 0; k < groups; k++ {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- k:
			case <-stop:
				return
			}
		}
	}()
	for w := 0; w < cfg.Workers; w++ {
		go func() {
			for k := range jobs {
				lo := k * size
				slots[k] <- g.group(cfg.Output, k, lo, min(lo+size, cfg.Persons), size)
			}
		}()
	}
	var runErr error
	for k := 0; k < groups; k++ {
		res := <-slots[k]
		<-tokens
		if runErr == nil {
			runErr = firstErr(res.err, out.write(res))
		}
		if runErr != nil {
			close(stop)
			// Let the workers still running finish their group before returning.
			for j := k + 1; j < groups; j++ {
				select {
				case <-slots[j]:
				case <-time.After(time.Minute):
				}
			}
			return nil, runErr
		}
	}
	if err := out.close(); err != nil {
		return nil, err
	}
	src := filepath.Join(cfg.Output, "sources.yaml")
	if err := os.WriteFile(src, cfg.SourcesYAML, 0o644); err != nil {
		return nil, err
	}
	out.sources.Files, out.sources.Rows = []string{src}, 1
	fams := out.families()
	for _, f := range fams {
		for _, name := range f.Files {
			st, err := os.Stat(name)
			if err != nil {
				return nil, err
			}
			f.Bytes += st.Size()
		}
	}
	return &Summary{Families: fams, Elapsed: time.Since(start)}, nil
}

// group generates persons [lo, hi): it writes the group's events and touches files itself and
// returns the rows of the other families.
func (g *generator) group(dir string, k, lo, hi, size int) *groupOut {
	out := &groupOut{
		eventFile: filepath.Join(dir, "clickstream", "events", fmt.Sprintf("events-%05d.jsonl.gz", k)),
		touchFile: filepath.Join(dir, "marketing", "touches", fmt.Sprintf("touches-%05d.jsonl.gz", k)),
	}
	ev, err := createLineFile(out.eventFile, true, newRand(g.seed, streamFileMess, uint64(k)<<4|0),
		lineMess{trunc: eventTruncRate, badUTF8: eventBadUTF8Rate, replay: eventReplayRate})
	if err != nil {
		out.err = err
		return out
	}
	tf, err := createLineFile(out.touchFile, true, newRand(g.seed, streamFileMess, uint64(k)<<4|1),
		lineMess{trunc: touchTruncRate, replay: touchReplayRate})
	if err != nil {
		ev.Close()
		out.err = err
		return out
	}
	botRand := newRand(g.seed, streamFileMess, uint64(k)<<4|2)

	// Replays of events already delivered in the previous file: the same lines, byte for byte,
	// since a person's events depend on nothing but the person.
	if k > 0 {
		rr := newRand(g.seed, streamFileMess, uint64(k)<<4|3)
		for i := lo - size; i < lo-size+crossFileReplays && i < lo; i++ {
			p := g.newPerson(i)
			g.events(p, g.orders(p), func(line []byte) {
				if chance(rr, crossFileReplayPc) {
					ev.raw(line)
				}
			})
		}
	}

	var human, bots int
	for i := lo; i < hi; i++ {
		p := g.newPerson(i)
		orders := g.orders(p)
		out.users = append(out.users, g.userRows(p)...)
		heads, items := g.orderRows(p, orders)
		out.orders = append(out.orders, heads...)
		out.items = append(out.items, items...)

		n, devices, cookies := g.events(p, orders, ev.Write)
		human += n
		for float64(bots) < botEventShare/(1-botEventShare)*float64(human) {
			bots += g.botSession(botRand, ev.Write)
		}
		g.touches(p, tf.Write)

		vrows, md5Key := g.vendorRows(p)
		out.vendor = append(out.vendor, vrows...)
		fr := newRand(g.seed, streamFeedback, uint64(i))
		out.reviews = append(out.reviews, g.reviews(fr, p, orders)...)
		trows, tids := g.tickets(fr, p, orders)
		out.tickets = append(out.tickets, trows...)
		plines, pids := g.posts(fr, p, orders)
		out.posts = append(out.posts, plines...)
		out.truth = appendTruth(out.truth, p, devices, cookies, tids, pids, md5Key)
	}
	out.err = firstErr(ev.Close(), tf.Close())
	out.eventRows, out.touchRows = ev.rows, tf.rows
	return out
}

// appendTruth adds the person's identifiers to the truth rows: person_id, kind, value. Raw values
// are fine here because the persons are synthetic. Persons with no identifier in the data (an
// anonymous visitor who did not come in the window) have no row.
func appendTruth(rows [][]string, p *Person, devices, cookies, tickets, posts []string, md5Key string) [][]string {
	add := func(kind, v string) {
		if v != "" {
			rows = append(rows, []string{p.ID, kind, v})
		}
	}
	for _, a := range p.Accounts {
		add("uid", a.UID)
	}
	phones := []string{}
	for _, a := range p.Accounts {
		if a.Phone != "" && !containsString(phones, a.Phone) {
			phones = append(phones, a.Phone)
		}
	}
	for _, ph := range phones {
		add("phone_e164", "+86"+ph)
	}
	emails := []string{}
	for _, a := range p.Accounts {
		if a.Email != "" && !containsString(emails, a.Email) {
			emails = append(emails, a.Email)
		}
	}
	for _, e := range emails {
		add("email", e)
	}
	for _, d := range devices {
		add("device_id", d)
	}
	for _, c := range cookies {
		add("anon_id", c)
	}
	for _, t := range tickets {
		add("ticket_id", t)
	}
	for _, id := range posts {
		add("post_id", id)
	}
	add("vendor_md5", md5Key)
	return rows
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
