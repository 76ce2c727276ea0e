package gen

import (
	"math/rand/v2"
	"path/filepath"
	"time"
)

// Daily partitions. Every source that grows (sources.yaml: grows append or changes) is written
// under SOURCE/dt=YYYY-MM-DD/, one folder per business day of the window, so that a night for day
// D can read the partitions up to D only, and an incremental night the new ones:
//
//   - append sources (events, touches, reviews, tickets, review-site posts): a record lies in the
//     partition of its business day, with the late arrivals and replays of dayRouter;
//   - changes sources (users, orders, order_items, products): a day's partition is the export of
//     the rows created or changed that day, each with the time of its change in update_time; the
//     first day's export also holds every row that existed before the window (the initial load).
//
// Every day of every partitioned source has at least one file, empty when nothing happened, as a
// daily export job writes one: a night for any day of the window finds every source.

// PartitionDir is the folder of a day's partition under a source's folder: dir/dt=YYYY-MM-DD.
func (w Window) PartitionDir(dir string, day int) string {
	return filepath.Join(dir, "dt="+w.Day(day).Format(time.DateOnly))
}

// dayIndex is the window day (0-based, Asia/Shanghai) of t, clamped to the window: the partition a
// record of time t belongs to.
func (w Window) dayIndex(t time.Time) int {
	d := int(dayOf(t).Sub(w.Start) / (24 * time.Hour))
	return min(max(d, 0), w.Days-1)
}

// dated is a row with the window day of the partition it is exported in.
type dated[T any] struct {
	day int
	row T
}

// byDay sorts dated rows into one slice per window day, keeping their order.
func byDay[T any](rows []dated[T], days int) [][]T {
	out := make([][]T, days)
	for _, r := range rows {
		out[r.day] = append(out[r.day], r.row)
	}
	return out
}

// daily is a writer per window day, made when the day is first written.
type daily[T any] struct {
	days   []*T
	create func(day int) *T
}

func newDaily[T any](days int, create func(day int) *T) *daily[T] {
	return &daily[T]{days: make([]*T, days), create: create}
}

// at returns the day's writer.
func (d *daily[T]) at(day int) *T {
	if d.days[day] == nil {
		d.days[day] = d.create(day)
	}
	return d.days[day]
}

// DayChanges counts what lands in one day's partitions besides the day's own new records: what
// a night reading it must recognise or replace. Nights built incrementally and in full must agree
// on all of it.
type DayChanges struct {
	Date string // the partition's day, YYYY-MM-DD
	// LateEvents and LateTouches are lines of an earlier day written in this day's late files.
	LateEvents, LateTouches int64
	// EventReplays and TouchReplays are copies of lines first written in an earlier partition.
	EventReplays, TouchReplays int64
	// OrderChanges are order rows exported again with a new state (paid, shipped, completed,
	// refunded, cancelled) after the order's first export on an earlier day.
	OrderChanges int64
	// ContactChanges are account rows exported again with a new phone or e-mail.
	ContactChanges int64
	// PriceChanges are product rows exported again with a new list price.
	PriceChanges int64
}

// add adds o's counts to c.
func (c *DayChanges) add(o DayChanges) {
	c.LateEvents += o.LateEvents
	c.LateTouches += o.LateTouches
	c.EventReplays += o.EventReplays
	c.TouchReplays += o.TouchReplays
	c.OrderChanges += o.OrderChanges
	c.ContactChanges += o.ContactChanges
	c.PriceChanges += o.PriceChanges
}

// Total is the sum of the days' counts (Date empty).
func Total(days []DayChanges) DayChanges {
	var t DayChanges
	for _, d := range days {
		t.add(d)
	}
	return t
}

// dayRouter writes one group's lines of an append source day after day. Day D's partition gets
// a regular file, NAME.jsonl.gz, with the lines of day D, and, when there are any, a late file,
// NAME-late.jsonl.gz, with the lines that arrived late: lines of day D-1 sent late (as a device
// that was offline uploads the next day) and copies of lines first written one or two
// partitions earlier (a sender that delivers twice). The caller starts each day, adds its lines
// in order and ends the day; the router keeps what belongs to a later day until that day starts.
//
// A line whose day has passed (an order's session that began before midnight) goes to the
// current day's regular file: it arrived then. Late lines of the window's last day have no next
// partition and are written on time.
type dayRouter struct {
	w          Window
	dir, name  string // files go to dir/dt=D/name.jsonl.gz and name-late.jsonl.gz
	mess       lineMess
	messR      *rand.Rand // line mess of every file
	replayR    *rand.Rand // which lines are copied to a later partition, and which one
	replayRate float64

	cur      int
	file     *lineFile
	regular  map[int][]waiting // lines for a later day's regular file
	delayed  map[int][]waiting // lines for a later day's late file
	files    []string
	rows     int64
	late     []int64 // per day: lines of an earlier day in its late file
	replays  []int64 // per day: copies in its late file
	firstErr error
}

// waiting is a line kept for a later day's file; copies are written as they are, without mess.
type waiting struct {
	line []byte
	copy bool
}

// newDayRouter readies a router given its window, files, mess and replays.
func newDayRouter(rt dayRouter) *dayRouter {
	rt.cur = -1
	rt.regular, rt.delayed = map[int][]waiting{}, map[int][]waiting{}
	rt.late, rt.replays = make([]int64, rt.w.Days), make([]int64, rt.w.Days)
	return &rt
}

// startDay writes the day's late file, if any line waits for it, and opens its regular file.
func (rt *dayRouter) startDay(day int) {
	rt.cur = day
	part := rt.w.PartitionDir(rt.dir, day)
	if lines := rt.delayed[day]; len(lines) > 0 {
		lf := rt.create(filepath.Join(part, rt.name+"-late.jsonl.gz"))
		writeWaiting(lf, lines)
		rt.close(lf)
		delete(rt.delayed, day)
	}
	rt.file = rt.create(filepath.Join(part, rt.name+".jsonl.gz"))
	writeWaiting(rt.file, rt.regular[day])
	delete(rt.regular, day)
}

func writeWaiting(lf *lineFile, lines []waiting) {
	for _, l := range lines {
		if l.copy {
			lf.raw(l.line)
		} else {
			lf.Write(l.line)
		}
	}
}

// endDay closes the day's regular file.
func (rt *dayRouter) endDay() {
	rt.close(rt.file)
	rt.file = nil
}

func (rt *dayRouter) create(path string) *lineFile {
	rt.files = append(rt.files, path)
	return createLineFile(path, true, rt.messR, rt.mess)
}

func (rt *dayRouter) close(lf *lineFile) {
	rt.firstErr = firstErr(rt.firstErr, lf.Close())
	rt.rows += lf.rows
}

// add writes a line of the given window day: in the regular file of its day (or of today, if its
// day has passed), or, when late, in the late file of the next day. Now and then a copy of it
// goes to the late file of one of the two partitions after the one it lands in, at most two days
// after the line's own day.
func (rt *dayRouter) add(line []byte, day int, late bool) {
	target := max(day, rt.cur)
	switch {
	case late && target+1 < rt.w.Days:
		target++
		rt.delayed[target] = append(rt.delayed[target], waiting{line: clone(line)})
		rt.late[target]++
	case target == rt.cur:
		rt.file.Write(line)
	default:
		rt.regular[target] = append(rt.regular[target], waiting{line: clone(line)})
	}
	if chance(rt.replayR, rt.replayRate) {
		// Every copy lies within late_days (2) partitions of the line's own day.
		again := min(target+1+rt.replayR.IntN(2), day+2)
		if again > target && again < rt.w.Days {
			rt.delayed[again] = append(rt.delayed[again], waiting{line: clone(line), copy: true})
			rt.replays[again]++
		}
	}
}

// copy writes a line as it is in the regular file of its day (or of today): a replay of a line
// another group's file holds.
func (rt *dayRouter) copy(line []byte, day int) {
	if target := max(day, rt.cur); target > rt.cur {
		rt.regular[target] = append(rt.regular[target], waiting{line: clone(line), copy: true})
		return
	}
	rt.file.raw(line)
}

// err is the first error of any file.
func (rt *dayRouter) err() error { return rt.firstErr }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
