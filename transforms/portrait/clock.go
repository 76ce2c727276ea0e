package portrait

import (
	"math"
	"time"
)

// clock places timestamps on the business calendar of a run: business days are numbered as days
// since 1970-01-01 in the business zone, and ages are counted back from the as-of day.
type clock struct {
	loc     *time.Location
	asOf    int32 // the as-of business day
	asOfEnd int64 // micros: the start of the business day after asOf; facts from then on are ignored
}

func newClock(asOf time.Time, loc *time.Location) clock {
	y, m, d := asOf.Date()
	return clock{
		loc:     loc,
		asOf:    civil(y, m, d),
		asOfEnd: time.Date(y, m, d+1, 0, 0, 0, 0, loc).UnixMicro(),
	}
}

// moment is a timestamp on the business calendar.
type moment struct {
	day     int32 // business day, days since 1970-01-01
	weekday int8  // ISO weekday, 1 (Monday) to 7
	hour    int8  // 0 to 23
}

// at places a UTC timestamp in micros.
func (c clock) at(micros int64) moment {
	t := time.UnixMicro(micros).In(c.loc)
	y, m, d := t.Date()
	day := civil(y, m, d)
	return moment{day: day, weekday: isoWeekday(day), hour: int8(t.Hour())}
}

// late reports whether a timestamp falls after the as-of day.
func (c clock) late(micros int64) bool { return micros >= c.asOfEnd }

// age is the number of business days from day to the as-of day.
func (c clock) age(day int32) int32 { return c.asOf - day }

// civil numbers a calendar date as days since 1970-01-01.
func civil(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// isoWeekday is the ISO weekday of a day number: 1970-01-01 was a Thursday.
func isoWeekday(day int32) int8 {
	return int8((int64(day)+3)%7+7)%7 + 1
}

// dayTime is midnight UTC of a day number: the calendar date clv.Summarize buckets by.
func dayTime(day int32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

// weightScale is the fixed point of interest weights: integer sums make merges exact and
// order-independent, where float sums would differ in their last bits with the bundling.
const weightScale = 1e6

// decay holds 2^(-age/halfLife) for the ages of a few years, and computes older ones.
type decay struct {
	halfLife float64
	table    []float64
}

func newDecay(halfLife float64) decay {
	d := decay{halfLife: halfLife, table: make([]float64, 4*366)}
	for i := range d.table {
		d.table[i] = math.Exp2(-float64(i) / halfLife)
	}
	return d
}

// weight is base times the decay at age, in weightScale units.
func (d decay) weight(base float64, age int32) int64 {
	f := 0.0
	switch {
	case age < 0:
		f = 1
	case int(age) < len(d.table):
		f = d.table[age]
	default:
		f = math.Exp2(-float64(age) / d.halfLife)
	}
	return int64(math.Round(base * f * weightScale))
}
