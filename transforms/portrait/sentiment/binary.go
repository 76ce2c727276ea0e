package sentiment

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The model file: magic, format version, MaxOrder, HashBits, the bias as a
// little-endian float64, the number of non-zero weights (uvarint), then per
// non-zero weight in bucket order the gap from the previous bucket (uvarint;
// the first counts from -1) and the weight as a little-endian float32.
// Buckets no training text reached have weight zero and take no space.
const (
	magic         = "PSNT"
	formatVersion = 1
	headerLen     = len(magic) + 3 + 8
	minEntryLen   = 1 + 4
)

// MarshalBinary encodes the model compactly: about 5 bytes per bucket that
// some training text reached. The same model always gives the same bytes.
func (m *Model) MarshalBinary() ([]byte, error) {
	if m == nil || len(m.weights) == 0 {
		return nil, errors.New("sentiment: marshal of an untrained model")
	}
	nonZero := 0
	for _, w := range m.weights {
		if w != 0 {
			nonZero++
		}
	}
	out := make([]byte, 0, headerLen+binary.MaxVarintLen64+nonZero*minEntryLen+nonZero/8)
	out = append(out, magic...)
	out = append(out, formatVersion, byte(m.maxOrder), byte(m.bits))
	out = binary.LittleEndian.AppendUint64(out, math.Float64bits(m.bias))
	out = binary.AppendUvarint(out, uint64(nonZero))
	prev := -1
	for j, w := range m.weights {
		if w == 0 {
			continue
		}
		out = binary.AppendUvarint(out, uint64(j-prev))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(w))
		prev = j
	}
	return out, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into m. Any
// other input (truncated, trailing bytes, another format version, options
// out of range, buckets out of order or range, weights not finite) is an
// error and leaves m unchanged.
func (m *Model) UnmarshalBinary(data []byte) error {
	if len(data) < headerLen || string(data[:len(magic)]) != magic {
		return errors.New("sentiment model: not a model file (bad magic or too short)")
	}
	version, order, bits := data[4], int(data[5]), int(data[6])
	if version != formatVersion {
		return fmt.Errorf("sentiment model: format version %d, want %d", version, formatVersion)
	}
	if order < 1 || order > maxMaxOrder {
		return fmt.Errorf(
			"sentiment model: n-gram order %d out of range 1 to %d",
			order,
			maxMaxOrder,
		)
	}
	if bits < minHashBits || bits > maxHashBits {
		return fmt.Errorf(
			"sentiment model: %d hash bits out of range %d to %d",
			bits,
			minHashBits,
			maxHashBits,
		)
	}
	bias := math.Float64frombits(binary.LittleEndian.Uint64(data[7:headerLen]))
	if math.IsNaN(bias) || math.IsInf(bias, 0) {
		return fmt.Errorf("sentiment model: bias %v is not finite", bias)
	}
	rest := data[headerLen:]
	n, k := uvarint(rest)
	if k <= 0 {
		return errors.New("sentiment model: bad weight count")
	}
	rest = rest[k:]
	if n > uint64(len(rest)/minEntryLen) || n > 1<<bits {
		return fmt.Errorf(
			"sentiment model: %d weights cannot fit in %d bytes and %d buckets",
			n,
			len(rest),
			1<<bits,
		)
	}
	buckets := make([]uint32, n)
	values := make([]float32, n)
	prev := int64(-1)
	for i := range buckets {
		gap, k := uvarint(rest)
		if k <= 0 || len(rest) < k+4 {
			return fmt.Errorf("sentiment model: weight %d of %d truncated", i+1, n)
		}
		if gap == 0 || gap >= 1<<bits || prev+int64(gap) >= 1<<bits {
			return fmt.Errorf("sentiment model: weight %d: bucket gap %d out of range", i+1, gap)
		}
		prev += int64(gap)
		w := math.Float32frombits(binary.LittleEndian.Uint32(rest[k:]))
		if w == 0 || math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return fmt.Errorf("sentiment model: weight %d is %v, want finite and non-zero", i+1, w)
		}
		buckets[i], values[i] = uint32(prev), w
		rest = rest[k+4:]
	}
	if len(rest) > 0 {
		return fmt.Errorf("sentiment model: %d bytes after the last weight", len(rest))
	}
	weights := make([]float32, 1<<bits)
	for i, b := range buckets {
		weights[b] = values[i]
	}
	*m = Model{maxOrder: order, bits: bits, bias: bias, weights: weights}
	return nil
}

// uvarint is binary.Uvarint that also refuses a number written with more
// bytes than needed (k <= 0), so a file that decodes has one encoding only.
func uvarint(b []byte) (uint64, int) {
	v, k := binary.Uvarint(b)
	if k > 1 && b[k-1] == 0 {
		return 0, -k
	}
	return v, k
}
