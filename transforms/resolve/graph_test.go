package resolve

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/salt"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

type edge struct{ A, B string }

func edgesOf(s beam.Scope, es []edge) beam.PCollection {
	return beam.ParDo(s, edgeKV, beam.CreateList(s, es))
}

func edgeKV(e edge) (string, string) { return e.A, e.B }

func labelString(n, r string) string { return n + ">" + r }

func init() {
	register.Function1x2(edgeKV)
	register.Function2x1(labelString)
}

// TestComponentsPath labels a long path, a star and a lone pair with their smallest nodes.
func TestComponentsPath(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	var es []edge
	want := map[string]string{}
	// A path n09-n08-...-n00, given in an order that makes the largest node link first.
	for i := 9; i > 0; i-- {
		es = append(es, edge{fmt.Sprintf("n%02d", i), fmt.Sprintf("n%02d", i-1)})
	}
	for i := 0; i < 10; i++ {
		want[fmt.Sprintf("n%02d", i)] = "n00"
	}
	es = append(es, edge{"x", "a"}, edge{"b", "x"}, edge{"c", "b"}, edge{"z", "y"})
	for _, n := range []string{"a", "b", "c", "x"} {
		want[n] = "a"
	}
	want["y"], want["z"] = "y", "y"
	labels := Components(s, edgesOf(s, es), 6)
	var pairs []string
	for n, r := range want {
		pairs = append(pairs, n+">"+r)
	}
	passert.EqualsList(s, beam.ParDo(s, labelString, labels), pairs)
	ptest.RunAndValidate(t, p)
}

// TestComponentsNotConverged fails the pipeline, rather than emit half-merged components, when the
// rounds do not suffice.
func TestComponentsNotConverged(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	var es []edge
	for i := 40; i > 0; i-- {
		es = append(es, edge{fmt.Sprintf("n%02d", i), fmt.Sprintf("n%02d", i-1)})
	}
	Components(s, edgesOf(s, es), 1)
	if err := ptest.Run(p); err == nil {
		t.Fatal("a 41-node path resolved in one round without an error")
	}
}

func TestCarriedBy(t *testing.T) {
	u := schemas.User{UserID: "7", Phone: "+8613812345678", Email: "a@b.cn"}
	c := carriedBy(u)
	if c.account != "account:7" || len(c.others) != 4 || c.others[0] != "phone:+8613812345678" ||
		c.others[1] != "email:a@b.cn" {
		t.Errorf("user carries %+v", c)
	}
	// The vendor hashes of the phone are those of its 11-digit national number.
	if want := identity.Key(identity.VendorMD5, normalize.MD5Hex("13812345678")); c.others[3] != want {
		t.Errorf("vendor md5 %q, want %q", c.others[3], want)
	}
	e := carriedBy(schemas.Event{DeviceID: "d1", AnonymousID: "c1"})
	if e.account != "" || !reflect.DeepEqual(e.others, []string{"device:d1", "anonymous:c1"}) {
		t.Errorf("anonymous event carries %+v", e)
	}
	// A ticket's phone brings its vendor hashes too, derived from the phone.
	tk := carriedBy(schemas.Ticket{TicketID: "T1", Phone: "+8613812345678"})
	if want := []string{"ticket:T1", "phone:+8613812345678", c.others[2],
		c.others[3]}; tk.account != "" ||
		!reflect.DeepEqual(tk.others, want) ||
		!reflect.DeepEqual(tk.from, []int{-1, -1, 1, 1}) {
		t.Errorf("ticket carries %+v, want others %v", tk, want)
	}
	if c := carriedBy(schemas.Product{SKU: "x"}); c.account != "" || len(c.others) != 0 {
		t.Errorf("a product carries %+v", c)
	}
}

func TestBlocklist(t *testing.T) {
	b, err := DefaultConfig().compileBlocklist()
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range [][2]string{{identity.Phone, "+8613800000000"},
		{identity.Phone, "+8613900000000"}, {identity.Phone, "+8613511111111"},
		{identity.Email, "test@qq.com"}, {identity.Email, "li@example.com"},
		{identity.Device, "00000000-0000-0000-0000-000000000000"},
		{identity.Device, "unknown"}, {identity.Anonymous, "null"}, {identity.Account, "0"}} {
		if !b.junk(junk[0], junk[1]) {
			t.Errorf("%s %q is not junk", junk[0], junk[1])
		}
	}
	for _, good := range [][2]string{{identity.Phone, "+8613812345678"},
		{identity.Email, "testa@qq.com"}, {identity.Device, "a0f3"}, {identity.Account, "10"}} {
		if b.junk(good[0], good[1]) {
			t.Errorf("%s %q is junk", good[0], good[1])
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"unknown type":   func(c *Config) { c.Blocklist["iban"] = []string{"x"} },
		"bad regexp":     func(c *Config) { c.Blocklist[identity.Phone] = []string{"("} },
		"cap of account": func(c *Config) { c.MaxAccounts[identity.Account] = 2 },
		"zero cap":       func(c *Config) { c.MaxAccounts[identity.Device] = 0 },
		"no rounds":      func(c *Config) { c.Rounds = 0 },
		"threshold":      func(c *Config) { c.Match.Threshold = 1 },
		"account block":  func(c *Config) { c.Match.MaxAccountBlock = 1 },
		"account block over max_block": func(c *Config) {
			c.Match.MaxAccountBlock = c.Match.MaxBlock + 1
		},
	} {
		c := DefaultConfig()
		mutate(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestSplitByPriority cuts a component of four accounts, chained by a phone, an e-mail and a
// device, under a cap of two: the phone joins first, then the e-mail, and the device is refused.
func TestSplitByPriority(t *testing.T) {
	ms := []member{
		{Key: "account:1"}, {Key: "account:2"}, {Key: "account:3"}, {Key: "account:4"},
		{Key: "device:d", Accounts: []string{"account:2", "account:3"}},
		{Key: "email:e", Accounts: []string{"account:3", "account:4"}},
		{Key: "phone:p", Accounts: []string{"account:1", "account:2"}},
	}
	groups := split(ms, 2)
	got := map[string]int{}
	for i, g := range groups {
		for _, m := range g {
			got[m.Key] = i
		}
	}
	if len(groups) != 2 || got["account:1"] != got["account:2"] ||
		got["account:3"] != got["account:4"] ||
		got["account:1"] == got["account:3"] {
		t.Fatalf("groups %v", groups)
	}
	if ms[4].Guard != "max_accounts_per_person" {
		t.Errorf("the device's refused link is not marked: %+v", ms[4])
	}
	if len(split(ms[:3], 3)) != 1 {
		t.Error("a component within the cap was cut")
	}
}

func TestUnionKeepsBound(t *testing.T) {
	var a, b []string
	for i := 0; i < keepMax; i++ {
		a = append(a, fmt.Sprintf("a%03d", i))
		b = append(b, fmt.Sprintf("b%03d", i))
	}
	u := union(a, b)
	if len(u) != keepMax+1 || u[0] != "a000" {
		t.Errorf("union of %d and %d kept %d", len(a), len(b), len(u))
	}
	if got := union([]string{"x", "z"}, []string{"y", "x"}); !reflect.DeepEqual(
		got,
		[]string{"x", "y", "z"},
	) {
		t.Errorf("union %v", got)
	}
}

// TestUnionOfKnownValues checks that a fact repeating known values leaves the set as it is, without
// allocating, and that an unsorted or new one still goes through the full merge.
func TestUnionOfKnownValues(t *testing.T) {
	a := []string{"account:u1", "account:u2"}
	if got := union(a, []string{"account:u2"}); !reflect.DeepEqual(got, a) {
		t.Errorf("union with a known value = %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { union(a, []string{"account:u1"}) }); n != 0 {
		t.Errorf("union with a known value allocates %v times", n)
	}
	if got := union([]string{"b", "a"}, []string{"a"}); !reflect.DeepEqual(
		got,
		[]string{"a", "b"},
	) {
		t.Errorf("an unsorted set was not sorted: %v", got)
	}
	if got := union(a, []string{"account:u0"}); !reflect.DeepEqual(
		got,
		[]string{"account:u0", "account:u1", "account:u2"},
	) {
		t.Errorf("union with a new value = %v", got)
	}
}

// extracted runs extractFn over rows in one bundle and returns its facts (merged per key, as the
// combine that follows does) and its counts. With noRepeat, the fast path for an event that repeats
// the previous one's identifiers is defeated before every row.
func extracted(t *testing.T, rows []any, noRepeat bool) (map[string]node, map[string]int64) {
	t.Helper()
	f := &extractFn{Config: DefaultConfig(), Salt: clean.Options{SaltSource: salt.Sample}}
	if err := f.Setup(); err != nil {
		t.Fatal(err)
	}
	facts, counts := map[string]node{}, map[string]int64{}
	emit := func(k string, n node) {
		if cur, ok := facts[k]; ok {
			n = mergeNodes{}.MergeAccumulators(cur, n)
		}
		facts[k] = n
	}
	count := func(k string, n int64) { counts[k] += n }
	ctx := context.Background()
	f.StartBundle(ctx, emit, count)
	for _, r := range rows {
		if noRepeat {
			f.hasLast = false
		}
		f.ProcessElement(ctx, r, emit, count)
	}
	f.FinishBundle(ctx, emit, count)
	return facts, counts
}

// TestExtractRepeatedEvents checks that events repeating the previous event's identifiers, which a
// clickstream is mostly made of, give the same facts and guard counts as when each is taken whole:
// junk identifiers are still counted once per event, and a change of any identifier is seen.
func TestExtractRepeatedEvents(t *testing.T) {
	ev := func(user, device, anon string) schemas.Event {
		return schemas.Event{UserID: user, DeviceID: device, AnonymousID: anon}
	}
	rows := []any{
		ev("u1", "d1", "a1"), ev("u1", "d1", "a1"), ev("u1", "d1", "a1"),
		ev("", "d1", "a1"), ev("", "d1", "a1"),
		ev("u2", "0000", "a2"), ev("u2", "0000", "a2"), ev("u2", "0000", "a2"), // a junk device
		schemas.User{UserID: "u2", Phone: "+8613912345678"},
		ev("u2", "0000", "a2"), ev("u2", "d2", "a2"), ev("u2", "d2", "a3"), ev("u3", "d2", "a3"),
		ev("0", "d4", ""), ev("0", "d4", ""), // a junk account
	}
	gotFacts, gotCounts := extracted(t, rows, false)
	wantFacts, wantCounts := extracted(t, rows, true)
	if !reflect.DeepEqual(gotFacts, wantFacts) {
		t.Errorf("facts with repeats skipped:\n%v\nwant\n%v", gotFacts, wantFacts)
	}
	if !reflect.DeepEqual(gotCounts, wantCounts) {
		t.Errorf("counts with repeats skipped: %v, want %v", gotCounts, wantCounts)
	}
	if len(wantFacts) != 12 {
		t.Errorf(
			"%d nodes, want 12 (accounts u1 u2 u3, devices d1 d2 d4, cookies a1 a2 a3, a phone and its "+
				"two vendor hashes)",
			len(wantFacts),
		)
	}
	for typ, want := range map[string]int64{identity.Device: 4, identity.Account: 2} {
		if got := wantCounts[guardKey("blocklist", typ).String()]; got != want {
			t.Errorf("blocklist:%s counted %d times, want %d", typ, got, want)
		}
	}
}
