package portrait

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

// BenchmarkAddEvent measures events per second through AddEvent (business day, activity, session
// sketch, decayed interest) into accumulators of 1000 persons.
func BenchmarkAddEvent(b *testing.B) {
	e := testEnv(b)
	accs := make([]Acc, 1000)
	events := make([]schemas.Event, 4096)
	types := []string{"view", "view", "view", "cart", "favourite", "search"}
	skus := []string{"SKU1", "SKU2", "SKU3", ""}
	for i := range events {
		events[i] = schemas.Event{
			EventType: types[i%len(types)],
			SKU:       skus[i%len(skus)],
			Channel:   "app",
			SessionID: fmt.Sprintf("s%d", i/20),
			EventTime: at("2026-11-20 10:00") - int64(i)*600e6,
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		accs[i%len(accs)].AddEvent(events[i%len(events)], e)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCodec measures encoding and decoding accumulators, as the coder does between the
// partial accumulators and the combine: the rich person of the tests, and a partial holding one
// event (the common case when a person's facts are spread over many bundles).
func BenchmarkCodec(b *testing.B) {
	e := testEnv(b)
	facts, _ := richFacts()
	for name, a := range map[string]*Acc{
		"rich":      accOf(b, e, facts),
		"one_event": accOf(b, e, []fact{event(ev("view", "SKU1", "app", "s1", "2026-11-20 10:00"))}),
	} {
		b.Run(name, func(b *testing.B) {
			size := len(encodeAcc(a))
			for i := 0; i < b.N; i++ {
				if _, err := decodeAcc(encodeAcc(a)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "accs/s")
			b.ReportMetric(float64(size), "bytes/acc")
		})
	}
}

// BenchmarkFinishAgain measures what Output.Today pays per person: decoding a held accumulator
// (the rich person of the tests, two days as the nightly holds them) and finishing its first day.
func BenchmarkFinishAgain(b *testing.B) {
	e := testEnv(b)
	facts, _ := richFacts()
	d := days{acc: []*Acc{accOf(b, e, facts), accOf(b, e, facts)}}
	held := appendPartial(nil, "P", d)
	card := testCard()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := readPartials(held, func(id string, d days) {
			d.acc[0].Finish(id, card, e)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "persons/s")
	b.ReportMetric(float64(len(held)), "bytes/person")
}

// BenchmarkIdentityMapBytes measures the memory of the identity map per identifier: keys of 45
// bytes ("device:" and a uuid), person ids of 21 bytes as resolve makes them, 3 identifiers a
// person.
func BenchmarkIdentityMapBytes(b *testing.B) {
	const n = 1_000_000
	for i := 0; i < b.N; i++ {
		j := 0
		iter := func(k, v *string) bool {
			if j == n {
				return false
			}
			*k = fmt.Sprintf("device:%08x-0000-4000-8000-%012x", j, j*7919)
			*v = fmt.Sprintf("P%020x", j/3)
			j++
			return true
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m := buildIdentity(iter)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/entry")
		runtime.KeepAlive(m)
	}
}

// BenchmarkGatherEvents measures gatherFn's own work per event (the identifier's partials of two
// days, the counts, AddEvent into each day), without Beam: events of 1000 devices.
func BenchmarkGatherEvents(b *testing.B) {
	e := testEnv(b)
	f := &gatherFn{Kind: "events", envs: []*env{e, e}}
	f.b = newBundle(f.Kind, 2, maxGathered, gatherKey.String)
	events := make([]any, 4096)
	types := []string{"view", "view", "view", "cart", "favourite", "search"}
	for i := range events {
		events[i] = schemas.Event{
			EventType: types[i%len(types)],
			SKU:       "SKU1",
			Channel:   "app",
			DeviceID:  fmt.Sprintf("d%d", i%1000),
			SessionID: fmt.Sprintf(
				"s%d",
				i/20,
			),
			EventTime: at("2026-11-20 10:00") - int64(i)*600e6,
			Source:    "events",
		}
	}
	emit := func(string, days) {}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.ProcessElement(nil, events[i%len(events)], nil, emit, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
