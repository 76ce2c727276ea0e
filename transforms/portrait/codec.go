package portrait

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
)

// The accumulator's wire format: a version byte, a byte whose bit i says section i follows, then
// the sections that are not all zero (spine and fact count, who, value, interests, contact,
// activity, feedback). Fields
// are varints (zig-zag for signed values), strings and lists are prefixed by their length, the
// weekday, hour and channel counts are written sparsely. A partial with one fact takes a few dozen
// bytes; Beam's default coders would reflect over the struct for every element. Only the shortest
// form decodes (one encoding per accumulator), and lists are checked to be sorted, since Merge
// relies on it.

const codecVersion = 3

// section is one part of the wire format.
type section struct {
	enc func(*Acc, *writer)
	dec func(*Acc, *reader)
}

var sections = [...]section{
	{encSpine, decSpine},
	{encWho, decWho},
	{encValue, decValue},
	{encInterests, decInterests},
	{encContact, decContact},
	{encActivity, decActivity},
	{encFeedback, decFeedback},
}

// zeroSections are the encodings of the sections of an empty accumulator: not written.
var zeroSections = func() (z [len(sections)][]byte) {
	for i, s := range sections {
		w := writer{}
		s.enc(&Acc{}, &w)
		z[i] = w.b
	}
	return z
}()

// MarshalBinary encodes the accumulator.
func (a *Acc) MarshalBinary() ([]byte, error) { return a.appendBinary(make([]byte, 0, 64)), nil }

func (a *Acc) appendBinary(b []byte) []byte {
	w := writer{b: append(b, codecVersion, 0)}
	mask := len(w.b) - 1
	for i, s := range sections {
		start := len(w.b)
		s.enc(a, &w)
		if bytes.Equal(w.b[start:], zeroSections[i]) {
			w.b = w.b[:start]
		} else {
			w.b[mask] |= 1 << i
		}
	}
	return w.b
}

// UnmarshalBinary decodes an accumulator written by MarshalBinary; truncated, trailing,
// non-canonical or inconsistent data is an error.
func (a *Acc) UnmarshalBinary(data []byte) error {
	if len(data) < 2 || data[0] != codecVersion {
		return errors.New("portrait accumulator: unknown encoding version")
	}
	mask := data[1]
	if mask >= 1<<len(sections) {
		return fmt.Errorf("portrait accumulator: unknown sections %#x", mask)
	}
	*a = Acc{}
	r := reader{b: data[2:]}
	for i, s := range sections {
		if mask&(1<<i) == 0 {
			continue
		}
		start := r.b
		s.dec(a, &r)
		if r.err == nil && bytes.Equal(start[:len(start)-len(r.b)], zeroSections[i]) {
			r.err = fmt.Errorf("section %d is empty but present", i)
		}
	}
	if r.err != nil {
		return fmt.Errorf("portrait accumulator: %w", r.err)
	}
	if len(r.b) != 0 {
		return fmt.Errorf("portrait accumulator: %d trailing bytes", len(r.b))
	}
	return a.checkSorted()
}

func (a *Acc) latests() []*latest {
	return []*latest{
		&a.phone,
		&a.gender,
		&a.birthYear,
		&a.city,
		&a.province,
		&a.ageBand,
		&a.cityTier,
		&a.incomeBand,
	}
}

func encSpine(a *Acc, w *writer) { w.ints(int64(a.spine), int64(a.spineAccounts), int64(a.facts)) }

func decSpine(a *Acc, r *reader) { a.spine, a.spineAccounts, a.facts = r.i32(), r.i32(), r.i32() }

func encWho(a *Acc, w *writer) {
	w.ints(int64(a.accounts), int64(a.consentRefused), a.registeredAt, int64(a.vendorRows))
	for _, l := range a.latests() {
		w.str(l.Value)
		w.int(l.At)
		w.str(l.Tie)
		w.str(l.Source)
	}
	w.uint(uint64(len(a.interests)))
	for _, s := range a.interests {
		w.str(s)
	}
}

func decWho(a *Acc, r *reader) {
	a.accounts, a.consentRefused, a.registeredAt, a.vendorRows = r.i32(), r.i32(), r.int(), r.i32()
	for _, l := range a.latests() {
		l.Value, l.At, l.Tie, l.Source = r.str(), r.int(), r.str(), r.str()
	}
	a.interests = make([]string, r.count(1))
	for i := range a.interests {
		a.interests[i] = r.str()
	}
}

func encValue(a *Acc, w *writer) {
	w.ints(
		int64(a.orders),
		int64(a.items),
		int64(a.discountOrders),
		int64(a.couponOrders),
		int64(a.weekendOrders),
		a.gmv,
		a.refund,
		a.lineAmount,
		a.firstOrder,
		a.lastOrder,
		int64(a.pending),
		int64(a.cancelled),
		int64(a.refundedOrders),
	)
	w.uint(uint64(len(a.purchaseDays)))
	for _, d := range a.purchaseDays {
		w.ints(int64(d.Day), d.Fen)
	}
}

func decValue(a *Acc, r *reader) {
	a.orders, a.items, a.discountOrders, a.couponOrders, a.weekendOrders = r.i32(), r.i32(), r.i32(),
		r.i32(), r.i32()
	a.gmv, a.refund, a.lineAmount, a.firstOrder, a.lastOrder = r.int(), r.int(), r.int(),
		r.int(), r.int()
	a.pending, a.cancelled, a.refundedOrders = r.i32(), r.i32(), r.i32()
	a.purchaseDays = make([]daySpend, r.count(2))
	for i := range a.purchaseDays {
		a.purchaseDays[i] = daySpend{Day: r.i32(), Fen: r.int()}
	}
}

func encInterests(a *Acc, w *writer) {
	for _, ws := range [][]weight{a.categories, a.brands} {
		w.uint(uint64(len(ws)))
		for _, x := range ws {
			w.str(x.Name)
			w.int(x.W)
		}
	}
}

func decInterests(a *Acc, r *reader) {
	for _, ws := range []*[]weight{&a.categories, &a.brands} {
		*ws = make([]weight, r.count(2))
		for i := range *ws {
			(*ws)[i] = weight{Name: r.str(), W: r.int()}
		}
	}
}

func encContact(a *Acc, w *writer) {
	for _, counts := range [][]int32{a.channels[:], a.weekdays[:], a.hours[:]} {
		w.sparse(counts)
	}
	w.uint(uint64(len(a.messages)))
	for _, m := range a.messages {
		w.b = binary.LittleEndian.AppendUint64(w.b, m.Key)
		bounced := int64(0)
		if m.Bounced {
			bounced = 1
		}
		w.ints(int64(m.Sent), int64(m.Delivered), int64(m.Opened), bounced)
	}
	for i := range a.unsubAt {
		w.ints(a.unsubAt[i], a.touchedAt[i])
	}
}

func decContact(a *Acc, r *reader) {
	for _, counts := range [][]int32{a.channels[:], a.weekdays[:], a.hours[:]} {
		r.sparse(counts)
	}
	a.messages = make([]message, r.count(12))
	for i := range a.messages {
		a.messages[i] = message{
			Key:       r.u64(),
			Sent:      r.i8(),
			Delivered: r.i8(),
			Opened:    r.i8(),
			Bounced:   r.bool(),
		}
	}
	for i := range a.unsubAt {
		a.unsubAt[i], a.touchedAt[i] = r.int(), r.int()
	}
}

func encActivity(a *Acc, w *writer) {
	w.uint(a.active[0])
	w.uint(a.active[1])
	w.uint(uint64(len(a.sessions)))
	prev := uint64(0)
	for _, h := range a.sessions { // ascending: deltas are smaller than the hashes
		w.uint(h - prev)
		prev = h
	}
	w.ints(int64(a.events), a.lastSeen, a.lastInterest, a.lastCart, a.firstSeen)
}

func decActivity(a *Acc, r *reader) {
	a.active[0], a.active[1] = r.uint(), r.uint()
	if a.active[1] >= 1<<(activeDays-64) && r.err == nil {
		r.err = errors.New("activity beyond 90 days")
	}
	a.sessions = make(sessionSketch, r.count(1))
	prev := uint64(0)
	for i := range a.sessions {
		prev += r.uint()
		a.sessions[i] = prev
	}
	a.events, a.lastSeen, a.lastInterest, a.lastCart, a.firstSeen = r.i32(), r.int(), r.int(),
		r.int(), r.int()
}

func encFeedback(a *Acc, w *writer) {
	w.ints(
		int64(a.reviews),
		int64(a.rated),
		a.ratingSum,
		int64(a.scored),
		a.positiveSum,
		int64(a.negative),
		int64(
			a.tickets,
		),
		int64(a.complaints),
		int64(a.openComplaints),
		int64(a.posts),
		int64(a.disputes),
	)
}

func decFeedback(a *Acc, r *reader) {
	a.reviews, a.rated, a.ratingSum, a.scored, a.positiveSum, a.negative = r.i32(), r.i32(), r.int(),
		r.i32(), r.int(), r.i32()
	a.tickets, a.complaints, a.openComplaints, a.posts, a.disputes = r.i32(), r.i32(), r.i32(),
		r.i32(), r.i32()
}

// checkSorted verifies the order and bounds Merge relies on.
func (a *Acc) checkSorted() error {
	byName := func(x, y weight) int { return cmp.Compare(x.Name, y.Name) }
	ok := strictly(a.interests, cmp.Compare[string]) && len(a.interests) <= maxSet &&
		strictly(a.purchaseDays, func(x, y daySpend) int { return cmp.Compare(x.Day, y.Day) }) &&
		strictly(a.categories, byName) && len(a.categories) <= maxWeights &&
		strictly(a.brands, byName) && len(a.brands) <= maxWeights &&
		strictly(
			a.messages,
			func(x, y message) int { return cmp.Compare(x.Key, y.Key) },
		) && len(a.messages) <= maxMessages &&
		strictly(a.sessions, cmp.Compare[uint64]) && len(a.sessions) <= sketchK
	if !ok {
		return errors.New("portrait accumulator: a list is out of order or too long")
	}
	return nil
}

// strictly reports whether s is sorted without duplicates.
func strictly[T any](s []T, c func(a, b T) int) bool {
	for i := 1; i < len(s); i++ {
		if c(s[i-1], s[i]) >= 0 {
			return false
		}
	}
	return true
}

type writer struct{ b []byte }

func (w *writer) uint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *writer) int(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *writer) str(s string)  { w.uint(uint64(len(s))); w.b = append(w.b, s...) }

// sparse writes the non-zero counts as (index, count) pairs.
func (w *writer) sparse(counts []int32) {
	n := 0
	for _, c := range counts {
		if c != 0 {
			n++
		}
	}
	w.uint(uint64(n))
	for i, c := range counts {
		if c != 0 {
			w.uint(uint64(i))
			w.int(int64(c))
		}
	}
}

func (w *writer) ints(vs ...int64) {
	for _, v := range vs {
		w.int(v)
	}
}

// reader decodes what writer wrote; after the first error every read gives zero.
type reader struct {
	b   []byte
	err error
}

var (
	errTruncated = errors.New("truncated")
	// errBadVarint is a truncated, overflowing or overlong varint: only the shortest form is
	// accepted, so every accumulator has one encoding.
	errBadVarint = errors.New("truncated or non-minimal varint")
)

func (r *reader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || n > 1 && r.b[n-1] == 0 {
		r.err = errBadVarint
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 || n > 1 && r.b[n-1] == 0 {
		r.err = errBadVarint
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) i32() int32 {
	v := r.int()
	if int64(int32(v)) != v && r.err == nil {
		r.err = fmt.Errorf("value %d out of range", v)
	}
	return int32(v)
}

func (r *reader) i8() int8 {
	v := r.int()
	if (v < -1 || v >= touchWindow) && r.err == nil {
		r.err = fmt.Errorf("message age %d out of range", v)
	}
	return int8(v)
}

func (r *reader) bool() bool {
	v := r.int()
	if v != 0 && v != 1 && r.err == nil {
		r.err = fmt.Errorf("flag %d is not 0 or 1", v)
	}
	return v == 1
}

func (r *reader) u64() uint64 {
	if r.err != nil || len(r.b) < 8 {
		r.err = cmp.Or(r.err, errTruncated)
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) str() string {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = cmp.Or(r.err, errTruncated)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// sparse reads counts written by writer.sparse: indexes increasing and in range, counts non-zero.
func (r *reader) sparse(counts []int32) {
	n := r.count(2)
	last := -1
	for range n {
		i, c := r.uint(), r.i32()
		if r.err == nil && (i >= uint64(len(counts)) || int(i) <= last || c == 0) {
			r.err = errors.New("bad sparse counts")
		}
		if r.err != nil {
			return
		}
		counts[i], last = c, int(i)
	}
}

// count reads a list length; each element takes at least minBytes, which bounds the allocation by
// the data left.
func (r *reader) count(minBytes int) int {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.b)/minBytes) {
		r.err = cmp.Or(r.err, errTruncated)
		return 0
	}
	return int(n)
}
