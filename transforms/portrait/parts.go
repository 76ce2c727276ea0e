package portrait

import (
	"cmp"
	"slices"
)

// The mergeable parts of an accumulator. Each merge is commutative, and associative while the
// bounded lists stay under their caps, so the partials of any bundling give the same portrait.

// latest is a value with the time it was stated: of several, the most recent wins, then the
// larger tie-break (an account id, a vendor row key), then the larger value.
type latest struct {
	Value  string
	At     int64
	Tie    string
	Source string // who stated it: platform, or the vendor
}

// offer keeps o when it wins over l; empty values never win.
func (l *latest) offer(o latest) {
	if o.Value == "" {
		return
	}
	if l.Value == "" || o.At > l.At ||
		o.At == l.At && (o.Tie > l.Tie || o.Tie == l.Tie && (o.Value > l.Value ||
			o.Value == l.Value && o.Source > l.Source)) {
		*l = o
	}
}

// weight is a name and its summed, decayed weight in weightScale units.
type weight struct {
	Name string
	W    int64
}

// maxWeights bounds the categories and the brands kept per person. Beyond it the lightest go
// (ties by name), so a person who touched more brands than this may rank slightly differently
// depending on the bundling; the top 3 shown are then still the heaviest of the kept ones.
const maxWeights = 64

// addWeight adds w to name in the name-sorted list.
func addWeight(ws []weight, name string, w int64) []weight {
	i, found := slices.BinarySearchFunc(
		ws,
		name,
		func(x weight, n string) int { return cmp.Compare(x.Name, n) },
	)
	if found {
		ws[i].W += w
		return ws
	}
	return capWeights(slices.Insert(ws, i, weight{Name: name, W: w}))
}

// mergeWeights adds every weight of b to a.
func mergeWeights(a, b []weight) []weight {
	for _, x := range b {
		i, found := slices.BinarySearchFunc(
			a,
			x.Name,
			func(y weight, n string) int { return cmp.Compare(y.Name, n) },
		)
		if found {
			a[i].W += x.W
		} else {
			a = slices.Insert(a, i, x)
		}
	}
	return capWeights(a)
}

// capWeights drops the lightest entries (then the largest names) beyond maxWeights.
func capWeights(ws []weight) []weight {
	if len(ws) <= maxWeights {
		return ws
	}
	drop := slices.Clone(ws)
	slices.SortFunc(drop, heavierFirst)
	cut := drop[maxWeights-1]
	kept := ws[:0]
	for _, x := range ws {
		if heavierFirst(x, cut) <= 0 {
			kept = append(kept, x)
		}
	}
	return kept
}

// heavierFirst orders weights by weight, heaviest first, then by name.
func heavierFirst(a, b weight) int {
	if c := cmp.Compare(b.W, a.W); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// top returns up to n names of positive weight, heaviest first, ties by name.
func top(ws []weight, n int) []string {
	sorted := slices.Clone(ws)
	slices.SortFunc(sorted, heavierFirst)
	var out []string
	for _, x := range sorted {
		if len(out) == n || x.W <= 0 {
			break
		}
		out = append(out, x.Name)
	}
	return out
}

// maxSet bounds the vendor interest tags kept per person.
const maxSet = 64

// addSet inserts v into the sorted set s, keeping the maxSet smallest.
func addSet(s []string, v string) []string {
	i, found := slices.BinarySearch(s, v)
	if found || i >= maxSet {
		return s
	}
	s = slices.Insert(s, i, v)
	if len(s) > maxSet {
		s = s[:maxSet]
	}
	return s
}

// daySpend is the amount paid on one business day.
type daySpend struct {
	Day int32
	Fen int64
}

// addDay adds fen to day in the day-sorted list; one entry per purchase day bounds it by the
// days of the history.
func addDay(ds []daySpend, day int32, fen int64) []daySpend {
	i, found := slices.BinarySearchFunc(
		ds,
		day,
		func(x daySpend, d int32) int { return cmp.Compare(x.Day, d) },
	)
	if found {
		ds[i].Fen += fen
		return ds
	}
	return slices.Insert(ds, i, daySpend{Day: day, Fen: fen})
}

// sessionSketch is a bottom-k sketch (KMV, Bar-Yossef et al. 2002) of the session ids' 64-bit
// hashes: the sketchK smallest distinct hashes. The union of two sketches is the sketch of the
// union, so merging is exact, commutative and associative. Below sketchK sessions the count is
// exact; above, the estimate (k-1)/h_k has a relative standard error of about 1/sqrt(k-2), 4.4%.
type sessionSketch []uint64

const sketchK = 512

// add inserts one hash.
func (s sessionSketch) add(h uint64) sessionSketch {
	if len(s) == sketchK && h >= s[len(s)-1] {
		return s
	}
	i, found := slices.BinarySearch(s, h)
	if found {
		return s
	}
	s = slices.Insert(s, i, h)
	if len(s) > sketchK {
		s = s[:sketchK]
	}
	return s
}

// count estimates the number of distinct sessions.
func (s sessionSketch) count() int64 {
	if len(s) < sketchK {
		return int64(len(s))
	}
	// h_k as a fraction of the hash space; (k-1)/fraction is the unbiased KMV estimator.
	frac := (float64(s[len(s)-1]) + 1) / (1 << 64)
	return int64(float64(sketchK-1)/frac + 0.5)
}

// message is one marketing message of the last 30 days: the youngest ages (business days before the
// as-of day, -1 for none) at which it was sent, delivered and opened (or clicked), and whether it
// bounced.
type message struct {
	Key       uint64 // hash of the channel and campaign (or of the touch id without a campaign)
	Sent      int8
	Delivered int8
	Opened    int8
	Bounced   bool
}

// received is the age at which the message reached the person: delivered, or sent and not
// bounced when no delivery is reported; -1 when it did not.
func (m message) received() int8 {
	if m.Delivered >= 0 || m.Bounced {
		return m.Delivered
	}
	return m.Sent
}

// touchWindow is the longest window of the touch counts, in days.
const touchWindow = 30

// maxMessages bounds the messages of the last 30 days kept per person (the smallest keys stay).
const maxMessages = 512

// youngest is the smaller of two ages where -1 means none.
func youngest(a, b int8) int8 {
	if a < 0 || (b >= 0 && b < a) {
		return b
	}
	return a
}

// addMessage records what happened to one message.
func addMessage(ms []message, m message) []message {
	i, found := slices.BinarySearchFunc(
		ms,
		m.Key,
		func(x message, k uint64) int { return cmp.Compare(x.Key, k) },
	)
	if found {
		ms[i].Sent = youngest(ms[i].Sent, m.Sent)
		ms[i].Delivered = youngest(ms[i].Delivered, m.Delivered)
		ms[i].Opened = youngest(ms[i].Opened, m.Opened)
		ms[i].Bounced = ms[i].Bounced || m.Bounced
		return ms
	}
	if i >= maxMessages {
		return ms
	}
	ms = slices.Insert(ms, i, m)
	if len(ms) > maxMessages {
		ms = ms[:maxMessages]
	}
	return ms
}

// hash64 is FNV-1a finished by MurmurHash3's fmix64: the same on every machine and run, and
// uniform enough for the session sketch.
func hash64(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 0x100000001b3
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
