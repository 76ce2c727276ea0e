package gen

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// Shanghai is the business zone. China has kept UTC+8 without daylight saving since 1991, so a
// fixed zone is exact here and spares the binary the tzdata dependency.
var Shanghai = time.FixedZone("CST", 8*3600)

// Window is the stretch of time the sample covers: Days whole business days ending with Date.
type Window struct {
	Start time.Time // midnight, Asia/Shanghai, of the first day
	End   time.Time // the last microsecond of Date, Asia/Shanghai
	Days  int       // number of days
}

// NewWindow returns the window of days business days ending on date (any time on it).
func NewWindow(date time.Time, days int) Window {
	d := date.In(Shanghai)
	next := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, Shanghai)
	return Window{Start: next.AddDate(0, 0, -days), End: next.Add(-time.Microsecond), Days: days}
}

// Day returns midnight of the i-th day of the window (0-based).
func (w Window) Day(i int) time.Time { return w.Start.AddDate(0, 0, i) }

// Span is the length of the window.
func (w Window) Span() time.Duration { return w.End.Sub(w.Start) }

// At returns the instant at fraction f (0..1) of the window.
func (w Window) At(f float64) time.Time { return w.Start.Add(time.Duration(f * float64(w.Span()))) }

// Clamp limits t to the window's end.
func (w Window) Clamp(t time.Time) time.Time {
	if t.After(w.End) {
		return w.End
	}
	return t
}

// uniformTime returns a uniform instant in [a, b), second-truncated; a when b <= a.
func uniformTime(r *rand.Rand, a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(r.Int64N(int64(b.Sub(a))))).Truncate(time.Second)
}

// hourWeights is the share of activity per hour of day in Asia/Shanghai: quiet nights, a lunch
// peak and the evening peak that e-commerce traffic shows.
var hourWeights = []float64{
	1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.8, 3.0, 3.6, 4.0, 4.4,
	5.6, 5.2, 4.2, 4.0, 4.0, 4.2, 4.8, 5.6, 7.0, 7.6, 6.6, 3.2,
}

// timeOnDay returns a time on the day starting at midnight, drawn from hourWeights.
func timeOnDay(r *rand.Rand, midnight time.Time) time.Time {
	h := weighted(r, hourWeights)
	return midnight.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
}

// Layouts of the text files.
const (
	layoutNaive   = "2006-01-02 15:04:05"
	layoutSlash   = "2006/01/02 15:04:05"
	layoutSlashHM = "2006/01/02 15:04"
	layoutCompact = "20060102 150405"
	layoutDate    = "2006-01-02"
)

// appendLocal appends t in Asia/Shanghai with the layout.
func appendLocal(b []byte, t time.Time, layout string) []byte {
	return t.In(Shanghai).AppendFormat(b, layout)
}

// appendRFC3339Local appends t as RFC 3339 with the +08:00 offset.
func appendRFC3339Local(b []byte, t time.Time) []byte {
	return t.In(Shanghai).AppendFormat(b, time.RFC3339)
}

// appendMillis appends t as epoch milliseconds.
func appendMillis(b []byte, t time.Time) []byte { return strconv.AppendInt(b, t.UnixMilli(), 10) }

// micros is t as Parquet TIMESTAMP micros.
func micros(t time.Time) int64 { return t.UnixMicro() }
