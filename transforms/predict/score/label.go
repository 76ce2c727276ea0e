package score

import (
	"encoding/binary"
	"hash/fnv"

	"github.com/shopportraits/portraits/schemas"
)

// Row is one training row: a person present at the cutoff, their features as of the cutoff, and
// whether they bought in the horizon after it.
type Row struct {
	PersonID string
	// Key is the person's sample key: a hash of the seed and the person id (SampleKey).
	Key uint64
	// X are the features of the cutoff portrait (Features).
	X []float64
	// Buyer says the person had a paid order by the cutoff: a row of the churn model too.
	Buyer bool
	// Frequency, Recency and T are the cutoff portrait's lifetimes summary in days, for the
	// BG/NBD baseline.
	Frequency, Recency, T float64
	// Bought is the label: a paid order in the horizon after the cutoff.
	Bought bool
}

// half is what one person's two portraits bring to the label join: the cutoff portrait's row and
// paid orders, today's paid orders. Halves merge in any order (mergeHalves).
type half struct {
	// Cutoff and Today count the portraits of the person id on each day (1 and 1 when all is well).
	Cutoff, Today int32
	// Present says the cutoff portrait holds a fact (Present).
	Present bool
	// Row is the cutoff portrait's row, without key and label.
	Row Row
	// CutoffOrders and TodayOrders are the paid orders of the two portraits.
	CutoffOrders, TodayOrders int32
}

// cutoffHalf is a cutoff portrait's part of the join.
func cutoffHalf(p schemas.Portrait) (string, half) {
	return p.PersonID, half{Cutoff: 1, Present: Present(p), CutoffOrders: p.Orders, Row: Row{
		PersonID: p.PersonID, X: Features(p), Buyer: Buyer(p),
		Frequency: p.Frequency, Recency: p.RecencyDays, T: p.TDays,
	}}
}

// todayHalf is today's portrait's part of the join.
func todayHalf(p schemas.Portrait) (string, half) {
	return p.PersonID, half{Today: 1, TodayOrders: p.Orders}
}

// mergeHalves joins two halves of one person.
func mergeHalves(a, b half) half {
	if a.Cutoff == 0 {
		a.Present, a.Row, a.CutoffOrders = b.Present, b.Row, b.CutoffOrders
	}
	if a.Today == 0 {
		a.TodayOrders = b.TodayOrders
	}
	a.Cutoff += b.Cutoff
	a.Today += b.Today
	return a
}

// Reasons a cutoff portrait gives no training row.
const (
	// ReasonAbsent: the cutoff portrait holds no fact; the person did not exist yet.
	ReasonAbsent = "absent_at_cutoff"
	// ReasonNoToday: today's portraits lack the person, so the label is unknown.
	ReasonNoToday = "no_portrait_today"
	// ReasonDuplicate: the person id has more than one portrait on a day.
	ReasonDuplicate = "duplicate_person"
	// ReasonFewerOrders: today's portrait has fewer paid orders than the cutoff's, which the same
	// facts cannot give; the label would be a guess.
	ReasonFewerOrders = "fewer_orders_today"
)

// label turns a joined person into a training row, or says why there is none ("" reason with ok).
// The label is "today's portrait counts more paid orders than the cutoff's". Both portraits are
// built from the same facts by the same code, so the difference is exactly the paid orders the
// cutoff portrait did not see: those paid after the end of the cutoff day in the business zone, up
// to the end of the run day, H days later. It is decided by the portrait stage's own as-of rule
// rather than a second reading of last_order_at against a cutoff instant computed here, which
// would have to repeat the business zone and the rule that an order counts once both placed and
// paid by the as-of day.
func label(h half, seed uint64) (row Row, reason string, ok bool) {
	switch {
	case h.Cutoff == 0:
		return Row{}, "", false // a person of today only: scored, not a training row, not a cutoff portrait
	case h.Cutoff > 1 || h.Today > 1:
		return Row{}, ReasonDuplicate, false
	case !h.Present:
		return Row{}, ReasonAbsent, false
	case h.Today == 0:
		return Row{}, ReasonNoToday, false
	case h.TodayOrders < h.CutoffOrders:
		return Row{}, ReasonFewerOrders, false
	}
	row = h.Row
	row.Key = SampleKey(seed, row.PersonID)
	row.Bought = h.TodayOrders > h.CutoffOrders
	return row, "", true
}

// SampleKey is a person's place in the training sample: FNV-1a of the seed and the id, finished
// with SplitMix64's mixer so that ids differing in their last characters spread evenly. The
// sample keeps the persons with the smallest keys, the same ones on every run of one seed.
func SampleKey(seed uint64, personID string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(personID))
	z := h.Sum64()
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
