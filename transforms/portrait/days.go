package portrait

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// days are the accumulators of one key, one per as-of day of a Build (tonight's first, then the
// models' cutoff): every fact is read, attributed and sent on once, and added to each day's
// accumulator with that day's calendar. A fact after a day's as-of day leaves that day's
// accumulator unchanged, and an empty accumulator takes two bytes on the wire. It is a struct,
// not a named slice, so that Beam uses its coder (encodeDays) rather than one for []*Acc.
type days struct {
	acc []*Acc
}

// newDays makes n empty accumulators in one allocation.
func newDays(n int) days {
	accs := make([]Acc, n)
	d := days{acc: make([]*Acc, n)}
	for i := range d.acc {
		d.acc[i] = &accs[i]
	}
	return d
}

// add adds one fact to every day's accumulator with that day's environment and returns whether
// the first day used it: the quality counts are tonight's.
func (d days) add(envs []*env, fact func(*Acc, *env) bool) bool {
	used := false
	for i, a := range d.acc {
		if fact(a, envs[i]) && i == 0 {
			used = true
		}
	}
	return used
}

// merge adds o's facts to d, day by day.
func (d days) merge(o days) {
	for i, a := range d.acc {
		a.Merge(o.acc[i])
	}
}

// encodeDays writes the number of days, then each accumulator prefixed by its length.
func encodeDays(d days) []byte {
	b := binary.AppendUvarint(make([]byte, 0, 64*len(d.acc)), uint64(len(d.acc)))
	for _, a := range d.acc {
		at := len(b)
		b = append(b, 0) // most accumulators are shorter than 128 bytes: one length byte
		b = a.appendBinary(b)
		if n := len(b) - at - 1; n >= 0x80 {
			size := binary.AppendUvarint(nil, uint64(n))
			b = append(b, size[1:]...)
			copy(b[at+len(size):], b[at+1:at+1+n])
			copy(b[at:], size)
		} else {
			b[at] = byte(n)
		}
	}
	return b
}

// decodeDays reads what encodeDays wrote; truncated or trailing data is an error.
func decodeDays(data []byte) (days, error) {
	n, k := binary.Uvarint(data)
	if k <= 0 || n > uint64(len(data)) {
		return days{}, errors.New("portrait days: bad day count")
	}
	data = data[k:]
	d := newDays(int(n))
	for i, a := range d.acc {
		size, k := binary.Uvarint(data)
		if k <= 0 || size > uint64(len(data)-k) {
			return days{}, fmt.Errorf("portrait days: day %d: truncated", i)
		}
		if err := a.UnmarshalBinary(data[k : k+int(size)]); err != nil {
			return days{}, fmt.Errorf("portrait days: day %d: %w", i, err)
		}
		data = data[k+int(size):]
	}
	if len(data) != 0 {
		return days{}, fmt.Errorf("portrait days: %d trailing bytes", len(data))
	}
	return d, nil
}
