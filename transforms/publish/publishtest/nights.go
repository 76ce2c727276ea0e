package publishtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Salt is the hashing salt of the runs World writes.
const Salt = "publishtest-salt"

// IDHash is an identifier's salted hash under Salt, as the identity map and the events' device
// and cookie columns hold it.
func IDHash(typ, value string) string { return normalize.Hash(Salt, identity.Key(typ, value)) }

// World plays a shop over consecutive nights and writes the runs the nightly job would: clickstream
// events that arrive late, are replayed or rejected, orders refunded a few nights after they were
// paid, tickets that close, persons who merge or ask to be forgotten. Every night's run holds the
// derived tables whole; its facts are the whole history known that night (a full night) or what it
// read (an incremental night: the events that arrived that night and those of the two days before,
// read again; the orders created or changed that night).
type World struct {
	Persons int
	Start   string // the first night, YYYY-MM-DD
	Nights  int
	// Incremental makes every night after the first incremental.
	Incremental bool
	// Merges maps a night to the persons [old, into] merged that night.
	Merges map[int][2]int
	// Erasures maps a night to the person who asks to be forgotten that night.
	Erasures map[int]int
}

// Night is one night's run.
type Night struct {
	Date, Mode string
	Tables     map[string][]any
}

// Truth is what the nights hold in all: the natural key of every valid fact that arrived by the
// last night, of persons not forgotten, with its latest version.
type Truth struct {
	// Facts maps a fact table to its natural keys and the latest row of each.
	Facts map[string]map[string]any
	// Rejected counts the distinct raw events rejected.
	Rejected int
	// RawEvents counts the distinct event ids of the raw clickstream that arrived.
	RawEvents int
}

// shanghai is the business time zone of the world.
var shanghai = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return z
}()

// rawEvent is a clickstream event as the source holds it.
type rawEvent struct {
	event    schemas.Event
	day      int // the event's own day
	arrives  int // the night it is first read
	person   int
	rejected bool
}

type order struct {
	order    schemas.Order
	items    []schemas.OrderItem
	person   int
	created  int
	refunded int // night of the refund, -1 for none
}

// Build plays the world and returns every night's run and the truth after the last night.
func (w World) Build() ([]Night, Truth) {
	start, err := time.ParseInLocation(time.DateOnly, w.Start, shanghai)
	if err != nil {
		panic(err)
	}
	at := func(day, hour int) int64 {
		return start.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour).UnixMicro()
	}
	var events []rawEvent
	var orders []order
	for k := 0; k < w.Nights; k++ {
		for i := 0; i < w.Persons; i++ {
			for j := 0; j < 3+(i+k)%3; j++ {
				e := schemas.Event{
					EventID:   fmt.Sprintf("e%02d-%03d-%d", k, i, j),
					EventType: "view",
					Channel:   "app",
					DeviceKey: IDHash(
						identity.Device,
						fmt.Sprintf("d%03d", i),
					),
					SKU:       fmt.Sprintf("sku%d", j%3),
					EventTime: at(k, (8+j*5+i)%24),
					Source:    "events",
				}
				if i%4 != 3 || j%2 == 0 {
					e.UserID = fmt.Sprintf("u%03d", i)
				} else {
					e.CookieKey = IDHash(identity.Anonymous, fmt.Sprintf("a%03d", i))
				}
				arrives := k
				if (i+j+k)%7 == 0 {
					arrives = k + 1
				}
				events = append(
					events,
					rawEvent{
						event:    e,
						day:      k,
						arrives:  arrives,
						person:   i,
						rejected: (i*j+k)%11 == 3,
					},
				)
			}
			if (i+k)%3 == 0 {
				o := order{
					person:   i,
					created:  k,
					refunded: -1,
					order: schemas.Order{OrderID: fmt.Sprintf("o%02d-%03d", k, i),
						UserID: fmt.Sprintf(
							"u%03d",
							i,
						), Status: "paid", Channel: "app", CreatedAt: at(k, 12), PaidAt: at(k, 12),
						TotalFen: int64(1000 + 10*i), UpdatedAt: at(k, 12), Source: "orders"},
				}
				if (i+k)%2 == 0 {
					o.refunded = k + 2
				}
				for l := 1; l <= 1+i%2; l++ {
					o.items = append(
						o.items,
						schemas.OrderItem{
							OrderID:      o.order.OrderID,
							LineNo:       int32(l),
							SKU:          fmt.Sprintf("sku%d", l),
							Quantity:     1,
							UnitPriceFen: 500,
							AmountFen:    500,
							Source:       "order_items",
						},
					)
				}
				orders = append(orders, o)
			}
		}
	}
	forgotten := map[int]int{} // person -> night forgotten
	for night, p := range w.Erasures {
		forgotten[p] = night
	}
	gone := func(person, night int) bool { f, ok := forgotten[person]; return ok && f <= night }
	merged := map[int]int{} // old person -> into, from its night on
	mergedAt := map[int]int{}
	for night, m := range w.Merges {
		merged[m[0]], mergedAt[m[0]] = m[1], night
	}
	var nights []Night
	for k := 0; k < w.Nights; k++ {
		date := start.AddDate(0, 0, k).Format(time.DateOnly)
		incremental := w.Incremental && k > 0
		n := Night{Date: date, Mode: "full", Tables: map[string][]any{}}
		if incremental {
			n.Mode = "incremental"
		}
		seen := map[string]bool{}
		for _, e := range events {
			read := e.arrives <= k && e.day <= k
			if incremental {
				read = read && (e.arrives == k || e.day >= k-2)
			}
			if !read || gone(e.person, k) {
				continue
			}
			if e.rejected {
				n.Tables["rejects"] = append(
					n.Tables["rejects"],
					schemas.Reject{Source: "events", Stage: "clean",
						Reason: "bot_traffic", File: fmt.Sprintf("clickstream/dt=%s/events.jsonl", date),
						Line: int64(len(seen) + 1)},
				)
				continue
			}
			if !seen[e.event.EventID] {
				seen[e.event.EventID] = true
				n.Tables["events"] = append(n.Tables["events"], e.event)
			}
		}
		for _, o := range orders {
			if o.created > k || gone(o.person, k) {
				continue
			}
			row := o.order
			changed := o.created == k
			if o.refunded >= 0 && o.refunded <= k {
				row.Status, row.RefundFen, row.UpdatedAt = "refunded", row.TotalFen, at(
					o.refunded,
					9,
				)
				changed = changed || o.refunded == k
			}
			if incremental && !changed {
				continue
			}
			n.Tables["orders"] = append(n.Tables["orders"], row)
			for _, it := range o.items {
				n.Tables["order_items"] = append(n.Tables["order_items"], it)
			}
		}
		w.derived(&n, k, at, gone, merged, mergedAt)
		nights = append(nights, n)
	}
	return nights, w.truth(events, orders, gone)
}

// derived adds the night's derived tables: persons, identity map, portraits, segments, users,
// products, quality, merge history and erasures.
func (w World) derived(
	n *Night,
	k int,
	at func(int, int) int64,
	gone func(int, int) bool,
	merged, mergedAt map[int]int,
) {
	owner := func(i int) int {
		if into, ok := merged[i]; ok && mergedAt[i] <= k {
			return into
		}
		return i
	}
	pid := func(i int) string { return fmt.Sprintf("p%03d", i) }
	counts := map[int]int{}
	for i := 0; i < w.Persons; i++ {
		if gone(i, k) {
			continue
		}
		p := pid(owner(i))
		for _, id := range [][2]string{{identity.Account, fmt.Sprintf("u%03d", i)},
			{identity.Device, fmt.Sprintf("d%03d", i)},
			{identity.Anonymous, fmt.Sprintf("a%03d", i)}} {
			n.Tables["identity_map"] = append(
				n.Tables["identity_map"],
				schemas.IdentityLink{IDType: id[0],
					IDHash: normalize.Hash(
						Salt,
						identity.Key(id[0], id[1]),
					), PersonID: p, LinkedBy: "deterministic", Score: 1},
			)
		}
		n.Tables["users"] = append(
			n.Tables["users"],
			schemas.User{UserID: fmt.Sprintf("u%03d", i), PhoneHash: "ph" + p,
				PhoneMasked: fmt.Sprintf(
					"138****%04d",
					i,
				), City: "Hangzhou", RegisteredAt: at(0, 1), UpdatedAt: at(0, 1), Source: "users"},
		)
		counts[owner(i)]++
	}
	var persons []int
	for p := range counts {
		persons = append(persons, p)
	}
	sort.Ints(persons)
	members := map[string]int64{}
	for _, p := range persons {
		n.Tables["persons"] = append(
			n.Tables["persons"],
			schemas.Person{PersonID: pid(p), FirstSeenDate: w.Start,
				Accounts: int32(
					counts[p],
				), Identifiers: int32(3 * counts[p]), IdentifierTypes: "account|anonymous|device"},
		)
		n.Tables["portraits"] = append(
			n.Tables["portraits"],
			schemas.Portrait{PersonID: pid(p), Accounts: int32(counts[p]),
				Lifecycle: Lifecycles[(p+k)%len(Lifecycles)], PhoneMasked: fmt.Sprintf("138****%04d", p),
				GMVFen: int64(
					100 * (p + 1),
				), Orders: 1, RScore: int32(1 + p%5), FScore: int32(1 + k%5)},
		)
		seg := "seg_even"
		if p%2 == 1 {
			seg = "seg_odd"
		}
		members[seg]++
		n.Tables["segment_membership"] = append(n.Tables["segment_membership"],
			schemas.SegmentMembership{PersonID: pid(p), Segment: seg, Kind: "rule"})
	}
	for _, seg := range []string{"seg_even", "seg_odd"} {
		n.Tables["segment_summary"] = append(
			n.Tables["segment_summary"],
			schemas.SegmentSummary{Segment: seg, Kind: "rule",
				Size: members[seg], Share: float64(members[seg]) / float64(len(persons))},
		)
	}
	for s := 0; s < 3; s++ {
		n.Tables["products"] = append(
			n.Tables["products"],
			schemas.Product{SKU: fmt.Sprintf("sku%d", s), Title: "tea",
				Category: "food", CategoryPath: "food/tea", PriceFen: 500, UpdatedAt: at(0, 1),
				Source: "products"},
		)
	}
	n.Tables["quality"] = []any{
		schemas.QualityCount{Source: "events", Stage: "clean", Measure: "out",
			Count: int64(len(n.Tables["events"]))},
	}
	for night, m := range w.Merges {
		if night == k {
			n.Tables["merge_history"] = append(
				n.Tables["merge_history"],
				schemas.MergeHistory{Date: n.Date,
					OldPersonID: pid(
						m[0],
					), NewPersonID: pid(m[1]), Reason: "merge", Identifiers: 3},
			)
		}
	}
	for night, p := range w.Erasures {
		if night <= k {
			requested := n.Date
			if d, err := time.Parse(time.DateOnly, w.Start); err == nil {
				requested = d.AddDate(0, 0, night).Format(time.DateOnly)
			}
			n.Tables["erasures"] = append(n.Tables["erasures"], schemas.Erasure{
				IDHash: normalize.Hash(
					Salt,
					identity.Key(identity.Account, fmt.Sprintf("u%03d", p)),
				), RequestedDate: requested})
		}
	}
	for _, t := range []string{"events", "orders", "order_items", "rejects",
		"merge_history", "erasures"} {
		if _, ok := n.Tables[t]; !ok {
			n.Tables[t] = []any{}
		}
	}
}

// truth is every valid fact that arrived by the last night, of persons not forgotten, latest
// version.
func (w World) truth(events []rawEvent, orders []order, gone func(int, int) bool) Truth {
	last := w.Nights - 1
	t := Truth{Facts: map[string]map[string]any{"events": {}, "orders": {}, "order_items": {}}}
	raw, rejected := map[string]bool{}, map[string]bool{}
	for _, e := range events {
		if e.arrives > last {
			continue
		}
		raw[e.event.EventID] = true
		if e.rejected {
			rejected[e.event.EventID] = true
			continue
		}
		if !gone(e.person, last) {
			t.Facts["events"][e.event.EventID] = e.event
		}
	}
	for _, o := range orders {
		if gone(o.person, last) {
			continue
		}
		row := o.order
		if o.refunded >= 0 && o.refunded <= last {
			row.Status = "refunded"
		}
		t.Facts["orders"][row.OrderID] = row
		for _, it := range o.items {
			t.Facts["order_items"][fmt.Sprintf("%s#%d", it.OrderID, it.LineNo)] = it
		}
	}
	t.RawEvents, t.Rejected = len(raw), len(rejected)
	return t
}

// WriteNight writes a night's run under out, its manifest saying its mode, and returns its folder.
func WriteNight(t testing.TB, out string, n Night) string {
	t.Helper()
	dir := WriteRun(t, out, n.Date, n.Tables)
	path := filepath.Join(dir, sink.ManifestName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["mode"] = n.Mode
	if n.Mode == "incremental" {
		m["reason"] = "the previous night's state carries over"
	}
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
