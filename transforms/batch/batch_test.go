package batch

import (
	"reflect"
	"strings"
	"testing"
)

// TestRoundTrip reads back every kind of value in the order written, and marks a batch cut short
// as bad at every cut.
func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendString(b, "device:1")
	b = AppendStrings(b, []string{"account:1", "", "account:2"})
	b = AppendStrings(b, nil)
	b = AppendFloat64(b, 0.75)
	b = AppendBytes(b, []byte{0, 1, 2})
	r := NewReader(b)
	s, ss, none, f, p := r.String(), r.Strings(), r.Strings(), r.Float64(), r.Bytes()
	if r.Bad() || r.More() || s != "device:1" ||
		!reflect.DeepEqual(ss, []string{"account:1", "", "account:2"}) ||
		none != nil || f != 0.75 ||
		!reflect.DeepEqual(p, []byte{0, 1, 2}) {
		t.Fatalf("read %q %q %q %v %v (bad %v)", s, ss, none, f, p, r.Bad())
	}
	for cut := range len(b) {
		r := NewReader(b[:cut])
		_, _, _, _, _ = r.String(), r.Strings(), r.Strings(), r.Float64(), r.Bytes()
		if !r.Bad() {
			t.Errorf("batch cut to %d bytes of %d read without error", cut, len(b))
		}
	}
	if r := NewReader([]byte{0xff}); r.Uvarint() != 0 || !r.Bad() || r.More() {
		t.Error("a varint without its end read")
	}
}

// TestBatches keeps records per bucket, sends every batch that holds one on a flush, and flushes by
// itself once MaxBytes are buffered.
func TestBatches(t *testing.T) {
	var bs Batches
	got := map[int][]string{}
	emit := func(b int, batch []byte) {
		for r := NewReader(batch); r.More(); {
			got[b] = append(got[b], r.String())
		}
	}
	for i, key := range []string{"a", "b", "c", "a2"} {
		bs.Add(i%2, func(b []byte) []byte { return AppendString(b, key) }, emit)
	}
	if len(got) != 0 {
		t.Fatalf("sent before a flush: %v", got)
	}
	bs.Flush(emit)
	if want := map[int][]string{0: {"a", "c"}, 1: {"b", "a2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	clear(got)
	big := strings.Repeat("x", MaxBytes/2)
	for range 2 {
		bs.Add(7, func(b []byte) []byte { return AppendString(b, big) }, emit)
	}
	if len(got[7]) != 2 {
		t.Errorf("%d records sent once MaxBytes were buffered, want 2", len(got[7]))
	}
	clear(got)
	bs.Flush(emit)
	if len(got) != 0 {
		t.Errorf("a flush after a full send sent %v", got)
	}
}

// TestBucket puts a key in the same bucket on every machine and every release: workers must agree.
func TestBucket(t *testing.T) {
	// XXH3-64 of the key modulo 256, as zeebo/xxh3 computes it (a changed hash would move keys
	// between buckets while batches of an older worker are in flight).
	for key, want := range map[string]int{"device:1": 29, "": 194, "account:42": 56} {
		if got := Bucket(key); got != want {
			t.Errorf("Bucket(%q) = %d, want %d", key, got, want)
		}
	}
	if Bucket("account:42") == Bucket("account:43") &&
		Bucket("account:43") == Bucket("account:44") {
		t.Error("three keys in one bucket: not a hash")
	}
}
