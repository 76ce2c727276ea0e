package portrait

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// encoded is an accumulator's bytes: equal bytes mean equal accumulators.
func encoded(t testing.TB, a *Acc) []byte {
	t.Helper()
	b, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMergeIsOrderIndependent splits the rich person's facts into partials in many random ways and
// merges them in random orders and groupings: every way gives the accumulator of adding them all
// to one, byte for byte, and merge(a, b) equals merge(b, a).
func TestMergeIsOrderIndependent(t *testing.T) {
	e := testEnv(t)
	facts, _ := richFacts()
	want := encoded(t, accOf(t, e, facts))
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		parts := make([]*Acc, 1+rng.IntN(6))
		for i := range parts {
			parts[i] = &Acc{}
		}
		for _, i := range rng.Perm(len(facts)) {
			facts[i](parts[rng.IntN(len(parts))], e)
		}
		for len(parts) > 1 { // merge two random partials until one is left
			i, j := rng.IntN(len(parts)), rng.IntN(len(parts)-1)
			if j >= i {
				j++
			}
			parts[i].Merge(parts[j])
			parts = append(parts[:j], parts[j+1:]...)
		}
		if got := encoded(t, parts[0]); !bytes.Equal(got, want) {
			t.Fatalf("trial %d: merged partials differ from the single accumulator", trial)
		}
	}
	a, b := accOf(t, e, facts[:12]), accOf(t, e, facts[12:])
	ab, ba := accOf(t, e, nil), accOf(t, e, nil)
	ab.Merge(a)
	ab.Merge(b)
	ba.Merge(b)
	ba.Merge(a)
	if !bytes.Equal(encoded(t, ab), encoded(t, ba)) || !bytes.Equal(encoded(t, ab), want) {
		t.Error("merge(a, b) differs from merge(b, a)")
	}
	before := encoded(t, b)
	a.Merge(b)
	a.categories[0].W = -1 // b shares no memory with a
	if !bytes.Equal(encoded(t, b), before) {
		t.Error("Merge changed its argument")
	}
}

// TestAccStaysBounded adds thousands of distinct sessions, brands, messages and purchase days of
// one person and checks the caps.
func TestAccStaysBounded(t *testing.T) {
	e := testEnv(t)
	products := map[string]product{}
	for i := range 300 {
		products["S"+strconv.Itoa(i)] = product{
			category: "c" + strconv.Itoa(i),
			brand:    "b" + strconv.Itoa(i),
		}
	}
	e.products = products
	a := &Acc{}
	for i := range 20000 {
		when := at("2026-11-20 10:00") - int64(i)*60e6
		a.AddEvent(
			schemas.Event{
				EventType: "view",
				SKU:       "S" + strconv.Itoa(i%300),
				Channel:   "app",
				SessionID: "s" + strconv.Itoa(i),
				EventTime: when,
			},
			e,
		)
		a.AddTouch(
			schemas.Touch{
				TouchID:   "t" + strconv.Itoa(i),
				UserID:    "u",
				Channel:   "push",
				Action:    "send",
				TouchTime: when,
			},
			e,
		)
	}
	for i := range 200 {
		a.AddVendor(
			schemas.VendorProfile{
				Vendor:    "v",
				Interests: []string{"i" + strconv.Itoa(i)},
				UpdatedAt: at("2026-01-01 10:00"),
			},
			e,
		)
	}
	if len(a.sessions) != sketchK || len(a.categories) != maxWeights ||
		len(a.brands) != maxWeights ||
		len(a.messages) != maxMessages ||
		len(a.interests) != maxSet {
		t.Errorf(
			"sizes: %d sessions, %d categories, %d brands, %d messages, %d interests",
			len(a.sessions),
			len(a.categories),
			len(a.brands),
			len(a.messages),
			len(a.interests),
		)
	}
	if n := len(encoded(t, a)); n > 32<<10 {
		t.Errorf("a capped accumulator takes %d bytes", n)
	}
	// 20,000 distinct sessions: the sketch estimates within 15% (about 3.4 standard errors).
	if got := a.sessions.count(); got < 17000 || got > 23000 {
		t.Errorf("sessions estimated at %d, want about 20000", got)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	e := testEnv(t)
	facts, _ := richFacts()
	a := accOf(t, e, facts)
	data := encoded(t, a)
	var b Acc
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encoded(t, &b), data) {
		t.Error("re-encoding a decoded accumulator differs")
	}
	if !reflect.DeepEqual(a.Finish("P", testCard(), e), b.Finish("P", testCard(), e)) {
		t.Error("a decoded accumulator finishes differently")
	}
	if got, err := decodeAcc(encodeAcc(a)); err != nil || !bytes.Equal(encoded(t, got), data) {
		t.Errorf("Beam coder round trip: %v", err)
	}
	// Every truncation and a trailing byte are errors, never panics.
	for n := range len(data) {
		if err := new(Acc).UnmarshalBinary(data[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(data))
		}
	}
	if err := new(Acc).UnmarshalBinary(append(bytes.Clone(data), 0)); err == nil {
		t.Error("trailing byte: no error")
	}
	// A list out of order is refused: Merge relies on sorted lists.
	swapped := accOf(t, e, facts)
	swapped.sessions[0], swapped.sessions[1] = swapped.sessions[1], swapped.sessions[0]
	if err := new(Acc).UnmarshalBinary(encoded(t, swapped)); err == nil {
		t.Error("unsorted sessions: no error")
	}
}

func FuzzUnmarshalAcc(f *testing.F) {
	e := testEnv(f)
	facts, _ := richFacts()
	f.Add(encoded(f, accOf(f, e, facts)))
	f.Add(encoded(f, &Acc{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Acc
		if err := a.UnmarshalBinary(data); err != nil {
			return
		}
		// Whatever decodes merges and finishes without panicking, and re-encodes to the same bytes.
		b := Acc{}
		b.Merge(&a)
		b.Finish("P", testCard(), e)
		if !bytes.Equal(encoded(t, &a), data) {
			t.Error("decoded data re-encodes differently")
		}
	})
}
