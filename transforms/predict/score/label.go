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
	// Bought is the label: a paid order placed in the horizon after the cutoff day.
	Bought bool
}

// Reasons a cutoff portrait gives no training row.
const (
	// ReasonAbsent: the cutoff portrait holds no fact; the person did not exist yet.
	ReasonAbsent = "absent_at_cutoff"
	// ReasonFewerOrders: today's portrait has fewer paid orders than the cutoff's and its pending
	// ones, which the same facts cannot give; the label would be a guess.
	ReasonFewerOrders = "fewer_orders_today"
)

// label turns a person's portraits of today and of the cutoff into a training row, or says why
// there is none; pending is the paid orders placed by the cutoff day and paid after it
// (portrait.PersonDays). The label is "the person placed a paid order after the cutoff day":
// today's portrait counts more purchases than the cutoff's and its pending orders. Both portraits
// are built from the same facts by the same code, so the difference is exactly the paid orders
// placed after the end of the cutoff day in the business zone, up to the end of the run day, H days
// later. An order placed by the cutoff and paid after it is no label: the cutoff's portrait saw it
// placed (its activity and channel are features), and counting it would leak. It is decided by the
// portrait stage's own as-of rule rather than a second reading of last_order_at against a cutoff
// instant computed here, which would have to repeat the business zone and the rule.
func label(
	today, cutoff schemas.Portrait,
	pending int32,
	seed uint64,
) (row Row, reason string, ok bool) {
	seen := cutoff.Orders + pending
	switch {
	case !Present(cutoff):
		return Row{}, ReasonAbsent, false
	case today.Orders < seen:
		return Row{}, ReasonFewerOrders, false
	}
	return Row{
		PersonID: cutoff.PersonID, Key: SampleKey(seed, cutoff.PersonID),
		X: Features(cutoff), Buyer: Buyer(cutoff),
		Frequency: cutoff.Frequency, Recency: cutoff.RecencyDays, T: cutoff.TDays,
		Bought: today.Orders > seen,
	}, "", true
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
