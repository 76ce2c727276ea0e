package sentiment

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	trainX, trainY, testX, _ := split()
	for _, opt := range []Options{{}, {MaxOrder: 1, HashBits: minHashBits},
		{MaxOrder: 5, HashBits: 18}} {
		m, err := Train(trainX, trainY, opt)
		if err != nil {
			t.Fatal(err)
		}
		data := marshal(t, m)
		var back Model
		if err := back.UnmarshalBinary(data); err != nil {
			t.Fatalf("%+v: UnmarshalBinary: %v", opt, err)
		}
		for _, x := range append(testX, "", "别的文字 other text 123") {
			if a, b := m.Positive(x), back.Positive(x); a != b {
				t.Errorf("%+v: Positive(%q) = %v before and %v after the round trip", opt, x, a, b)
			}
		}
		if again := marshal(t, &back); !bytes.Equal(data, again) {
			t.Errorf("%+v: marshalling the decoded model gave other bytes", opt)
		}
		nonZero := 0
		for _, w := range m.weights {
			if w != 0 {
				nonZero++
			}
		}
		if max := headerLen + binary.MaxVarintLen64 + nonZero*(binary.MaxVarintLen32+4); len(
			data,
		) > max {
			t.Errorf(
				"%+v: %d bytes for %d non-zero weights, want at most %d",
				opt,
				len(data),
				nonZero,
				max,
			)
		}
	}
}

func TestMarshalUntrained(t *testing.T) {
	if _, err := new(Model).MarshalBinary(); err == nil {
		t.Error("MarshalBinary of a zero Model should fail")
	}
	if p := new(Model).Positive("很好"); p != 0.5 {
		t.Errorf("zero Model: Positive = %v, want 0.5", p)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	x, y, _, _ := split()
	good := marshal(t, train(t, x, y))
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	// The first weight follows the header, the count and its gap.
	_, countLen := binary.Uvarint(good[headerLen:])
	_, gapLen := binary.Uvarint(good[headerLen+countLen:])
	firstWeight := headerLen + countLen + gapLen
	setFirstWeight := func(v float32) []byte {
		return edit(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[firstWeight:], math.Float32bits(v))
			return b
		})
	}
	header := func(tail ...byte) []byte { return append(bytes.Clone(good[:headerLen]), tail...) }
	type badCase struct {
		data []byte
		want string // in the error
	}
	cases := map[string]badCase{
		"nil":     {nil, "not a model file"},
		"magic":   {edit(func(b []byte) []byte { b[0] = 'X'; return b }), "not a model file"},
		"version": {edit(func(b []byte) []byte { b[4] = 2; return b }), "format version"},
		"order 0": {edit(func(b []byte) []byte { b[5] = 0; return b }), "order 0"},
		"order 6": {edit(func(b []byte) []byte { b[5] = 6; return b }), "order 6"},
		"bits 7":  {edit(func(b []byte) []byte { b[6] = 7; return b }), "7 hash bits"},
		"bits 25": {edit(func(b []byte) []byte { b[6] = 25; return b }), "25 hash bits"},
		"bias NaN": {
			edit(
				func(b []byte) []byte {
					binary.LittleEndian.PutUint64(b[7:], math.Float64bits(math.NaN()))
					return b
				},
			),
			"bias NaN",
		},
		"weight zero":   {setFirstWeight(0), "weight 1 is 0"},
		"weight -Inf":   {setFirstWeight(float32(math.Inf(-1))), "weight 1 is -Inf"},
		"weight NaN":    {setFirstWeight(float32(math.NaN())), "weight 1 is NaN"},
		"trailing":      {append(bytes.Clone(good), 0), "1 bytes after"},
		"count too big": {header(0xff, 0xff, 0xff, 0xff, 0x0f), "cannot fit"},
		"long varint":   {header(0x80, 0x00), "bad weight count"},
		"gap zero":      {header(1, 0, 0, 0, 0x80, 0x3f), "weight 1: bucket gap 0"},
		"gap past end": {
			header(1, 0x80, 0x80, 0x04, 0, 0, 0x80, 0x3f),
			"gap 65536",
		}, // bucket 2^16 of a 2^16-bucket model
		"second gap 0": {
			header(2, 1, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x80, 0x3f),
			"weight 2: bucket gap 0",
		},
	}
	for n := range len(good) {
		cases[fmt.Sprintf("truncated to %d bytes", n)] = badCase{good[:n], "sentiment model"}
	}
	m := train(t, x, y)
	for name, c := range cases {
		if err := m.UnmarshalBinary(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: UnmarshalBinary = %v, want an error with %q", name, err, c.want)
		}
		if after := marshal(t, m); !bytes.Equal(good, after) {
			t.Errorf("%s: a failed UnmarshalBinary changed the model", name)
		}
	}
}

func TestUnmarshalHandBuilt(t *testing.T) {
	// A model of 2^8 buckets, n-grams up to 1, bias 0, bucket 3 weighing 2.
	data := []byte(magic + "\x01\x01\x08")
	data = binary.LittleEndian.AppendUint64(data, 0)
	data = append(data, 1, 4)
	data = binary.LittleEndian.AppendUint32(data, math.Float32bits(2))
	var m Model
	if err := m.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if m.maxOrder != 1 || m.bits != 8 || len(m.weights) != 256 || m.weights[3] != 2 {
		t.Errorf(
			"decoded order %d, bits %d, %d weights, weight 3 = %v",
			m.maxOrder,
			m.bits,
			len(m.weights),
			m.weights[3],
		)
	}
	if again := marshal(t, &m); !bytes.Equal(again, data) {
		t.Errorf("re-marshalled % x, want % x", again, data)
	}
}
