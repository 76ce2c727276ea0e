package sentiment

import (
	"bytes"
	"testing"
)

func FuzzUnmarshalBinary(f *testing.F) {
	x, y, _, _ := split()
	for _, opt := range []Options{{MaxOrder: 1, HashBits: minHashBits}, {MaxOrder: 3, HashBits: 10}} {
		m, err := Train(x, y, opt)
		if err != nil {
			f.Fatal(err)
		}
		data, err := m.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte(nil))
	f.Add([]byte(magic + "\x01\x01\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Model
		if err := m.UnmarshalBinary(data); err != nil {
			return
		}
		// A file that decodes has one encoding and gives a working model.
		again, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded model does not marshal: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("re-marshalled % x, decoded from % x", again, data)
		}
		for _, text := range []string{"", "很好", "质量太差了!!", "138****5678 ok 👍"} {
			if p := m.Positive(text); !(p >= 0 && p <= 1) {
				t.Fatalf("Positive(%q) = %v", text, p)
			}
		}
	})
}

func FuzzPositive(f *testing.F) {
	x, y, _, _ := split()
	m, err := Train(x, y, Options{HashBits: 12})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "手机很好!", "ＧＯＯＤ", "\xff\xfe", "\x00\u3000", "138****5678", "😀😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p := m.Positive(text)
		if !(p >= 0 && p <= 1) {
			t.Fatalf("Positive(%q) = %v", text, p)
		}
		if p != m.Positive(text) {
			t.Fatalf("Positive(%q) changed between two calls", text)
		}
	})
}
