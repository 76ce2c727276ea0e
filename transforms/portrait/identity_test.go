package portrait

import (
	"sync"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func kvIter(pairs ...[2]string) func(*string, *string) bool {
	i := 0
	return func(k, v *string) bool {
		if i == len(pairs) {
			return false
		}
		*k, *v = pairs[i][0], pairs[i][1]
		i++
		return true
	}
}

func TestIdentityKeys(t *testing.T) {
	m := buildIdentity(
		kvIter(
			[2]string{"account:u1", "P1"},
			[2]string{"device:d1", "P1"},
			[2]string{"anonymous:c1", "P2"},
			[2]string{
				"vendor_md5:m1",
				"P2",
			},
			[2]string{"ticket:k1", "P3"},
			[2]string{"post:x:1", "P3"},
			[2]string{"anonymous:c1", "P9"},
			[2]string{"device:d2", "P9"},
			[2]string{"device:d2", "P4"},
		),
	)
	if len(m.persons) != 5 {
		t.Errorf("%d interned person ids, want 5", len(m.persons))
	}
	cases := []struct {
		key, want string
	}{
		{
			eventKey(schemas.Event{UserID: "u1", DeviceID: "d9"}),
			"P1",
		}, // logged in: the account
		{
			eventKey(schemas.Event{DeviceID: "d1", AnonymousID: "c1"}),
			"P1",
		}, // else the device
		{
			eventKey(schemas.Event{AnonymousID: "c1"}),
			"P2",
		}, // else the cookie; of two persons the smaller id
		{
			eventKey(schemas.Event{DeviceID: "d2"}),
			"P4",
		}, // whatever the order
		{
			vendorKey(schemas.VendorProfile{PhoneSHA256: "s9", PhoneMD5: "m1"}),
			"",
		}, // the SHA-256 key first, strictly
		{vendorKey(schemas.VendorProfile{PhoneMD5: "m1"}), "P2"},
		{ticketKey(schemas.Ticket{TicketID: "k1", UserID: "u1"}), "P3"},
		{postKey(schemas.SitePost{PostID: "x:1"}), "P3"},
		{accountKey(""), ""},
		{eventKey(schemas.Event{}), ""},
	}
	for _, c := range cases {
		if got, _ := m.person(c.key); got != c.want {
			t.Errorf("%q: person %q, want %q", c.key, got, c.want)
		}
	}
}

func TestSharedValuesAreBuiltOnce(t *testing.T) {
	const key = "test-token/identity"
	var builds int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := acquireShared(key)
			v, _ := e.get(func() (any, error) {
				mu.Lock()
				builds++
				mu.Unlock()
				return 42, nil
			})
			if v != 42 {
				t.Errorf("got %v", v)
			}
		}()
	}
	wg.Wait()
	if builds != 1 {
		t.Errorf("built %d times", builds)
	}
	for range 8 {
		releaseShared(key)
	}
	sharedValues.Lock()
	_, left := sharedValues.m[key]
	sharedValues.Unlock()
	if left {
		t.Error("the last release did not free the value")
	}
}

// TestBundleLimits: a bundle sends its partials on once it holds its limit of keys, and the
// persons' bundles hold far fewer than the gathered identifiers' (see maxPersons).
func TestBundleLimits(t *testing.T) {
	b := newBundle("users", 2, 3, func(k string) string { return k })
	var sent []string
	emit := func(k string, d days) {
		if len(d.acc) != 2 {
			t.Errorf("%s: %d days, want 2", k, len(d.acc))
		}
		sent = append(sent, k)
	}
	for _, k := range []string{"P1", "P2", "P1", "P3", "P4"} {
		b.of(k)
		b.flushIfFull(emit)
	}
	if len(sent) != 3 || len(b.partial) != 1 {
		t.Errorf(
			"sent %v, %d held; want three sent at the third key, one held",
			sent,
			len(b.partial),
		)
	}
	if p := byPerson("users", 1); p.limit != maxPersons || maxPersons*10 > maxGathered {
		t.Errorf("persons' bound %d, gathered %d", p.limit, maxGathered)
	}
}
