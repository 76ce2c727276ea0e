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
	"math/rand/v2"
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
	Days     []DayChanges  // per day of the window, what its partitions hold besides new records
	Elapsed  time.Duration // wall time of the run
}

// Subfolders of the output that the generator owns and replaces on every run.
var ownedPaths = []string{
	"platform",
	"clickstream",
	"marketing",
	"vendor",
	"feedback",
	"truth",
	"sources.yaml",
}

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
	users   []dated[UserRow]
	orders  []dated[OrderRow]
	items   []dated[OrderItemRow]
	vendor  [][]string
	reviews []dated[[]byte]
	tickets []dated[[]string]
	posts   []dated[[]byte]
	truth   [][]string
	days    []DayChanges // what the group's rows change, per day of the window

	eventFiles, touchFiles []string
	eventRows, touchRows   int64
	err                    error
}

// groupSize is the number of persons per group, and so per events/touches file of a day.
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

	out := newOutputs(cfg.Output, cfg.Seed, g.w)
	if err := out.writeProducts(g.cat.rows); err != nil {
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
	for d := range out.days {
		out.days[d].Date = g.w.Day(d).Format(time.DateOnly)
	}
	return &Summary{Families: fams, Days: out.days, Elapsed: time.Since(start)}, nil
}

// group generates persons [lo, hi): it writes the group's events and touches files itself, a day
// after the other, and returns the rows of the other families.
func (g *generator) group(dir string, k, lo, hi, size int) *groupOut {
	out := &groupOut{days: make([]DayChanges, g.w.Days)}
	persons := make([]*Person, 0, hi-lo)
	orders := make([][]Order, 0, hi-lo)
	type ids struct {
		tickets, posts []string
		md5Key         string
	}
	extra := make([]ids, 0, hi-lo)
	for i := lo; i < hi; i++ {
		p := g.newPerson(i)
		ords := g.orders(p)
		persons, orders = append(persons, p), append(orders, ords)
		out.users = append(out.users, g.userRows(p, out.days)...)
		heads, items := g.orderRows(p, ords, out.days)
		out.orders = append(out.orders, heads...)
		out.items = append(out.items, items...)

		vrows, md5Key := g.vendorRows(p)
		out.vendor = append(out.vendor, vrows...)
		fr := newRand(g.seed, streamFeedback, uint64(i))
		out.reviews = append(out.reviews, g.reviews(fr, p, ords)...)
		trows, tids := g.tickets(fr, p, ords)
		out.tickets = append(out.tickets, trows...)
		plines, pids := g.posts(fr, p, ords)
		out.posts = append(out.posts, plines...)
		extra = append(extra, ids{tids, pids, md5Key})
	}

	ev, steps := g.writeEvents(dir, k, lo, size, persons, orders)
	tr := g.writeTouches(dir, k, persons)
	for i, p := range persons {
		_, devices, cookies := steps[i].done()
		e := extra[i]
		out.truth = appendTruth(out.truth, p, devices, cookies, e.tickets, e.posts, e.md5Key)
	}
	for d := range out.days {
		out.days[d].LateEvents, out.days[d].EventReplays = ev.late[d], ev.replays[d]
		out.days[d].LateTouches, out.days[d].TouchReplays = tr.late[d], tr.replays[d]
	}
	out.err = firstErr(ev.firstErr, tr.firstErr)
	out.eventFiles, out.touchFiles = ev.files, tr.files
	out.eventRows, out.touchRows = ev.rows, tr.rows
	return out
}

// fileMess is the random stream n of group k's files (their mess, late lines, replays and bots).
func (g *generator) fileMess(k int, n uint64) *rand.Rand {
	return newRand(g.seed, streamFileMess, uint64(k)<<4|n)
}

// appendTruth adds the person's identifiers to the truth rows: person_id, kind, value. Raw values
// are fine here because the persons are synthetic. Persons with no identifier in the data (an
// anonymous visitor who did not come in the window) have no row.
func appendTruth(
	rows [][]string,
	p *Person,
	devices, cookies, tickets, posts []string,
	md5Key string,
) [][]string {
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
		for _, ph := range []string{a.Phone, a.NewPhone} {
			if ph != "" && !containsString(phones, ph) {
				phones = append(phones, ph)
			}
		}
	}
	for _, ph := range phones {
		add("phone_e164", "+86"+ph)
	}
	emails := []string{}
	for _, a := range p.Accounts {
		for _, e := range []string{a.Email, a.NewEmail} {
			if e != "" && !containsString(emails, e) {
				emails = append(emails, e)
			}
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
