package resolve

import (
	"maps"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// TestEvaluate scores a map against a truth file: a device only used logged out is left out of the
// linked figure, and so is a vendor row for a phone no record gave (its MD5 and SHA-256 linked to
// each other only); a post left alone is left out of it too but counts against the placeable one.
func TestEvaluate(t *testing.T) {
	truth := "person_id,kind,value\n" +
		"P1,uid,1\nP1,phone_e164,+8613812345678\nP1,device_id,d1\nP1,post_id,p1\n" +
		"P1,vendor_md5,m1\nP2,uid,2\nP2,email,b@qq.com\n"
	link := func(typ, value, person, how string) schemas.IdentityLink {
		return schemas.IdentityLink{
			IDType:   typ,
			IDHash:   nodeHash("s", identity.Key(typ, value)),
			PersonID: person,
			LinkedBy: how,
		}
	}
	links := []schemas.IdentityLink{
		link(
			identity.Account,
			"1",
			"A",
			"deterministic",
		), link(identity.Phone, "+8613812345678", "A", "deterministic"),
		link(identity.Device, "d1", "D", "alone"), link(identity.Post, "dianping:p1", "Q", "alone"),
		link(
			identity.Account,
			"2",
			"B",
			"deterministic",
		), link(identity.Email, "b@qq.com", "B", "deterministic"),
		link(
			identity.VendorMD5,
			"m1",
			"V",
			"deterministic",
		), link(identity.VendorSHA256, "s1", "V", "deterministic"),
	}
	ev, err := Evaluate(strings.NewReader(truth), links, "s")
	if err != nil {
		t.Fatal(err)
	}
	// True pairs: P1 has 5 identifiers (10 pairs), P2 two (1 pair); found: A-A and B-B.
	if ev.Identifiers != 7 || ev.Alone != 3 || ev.True != 11 || ev.Correct != 2 ||
		ev.Precision != 1 {
		t.Errorf("all: %+v", ev)
	}
	if ev.Linked.True != 2 || ev.Linked.Recall != 1 {
		t.Errorf("linked: %+v", ev.Linked)
	}
	// Placeable: account, phone and post of P1 (3 pairs) and P2's pair; 2 found.
	if ev.Placeable.True != 4 || ev.Placeable.Correct != 2 || ev.Placeable.Recall != 0.5 {
		t.Errorf("placeable: %+v", ev.Placeable)
	}
	// Per type: P1's account and phone are with their person (A holds most of P1), its device and
	// post were left alone; a phone of P1 put with P2 is elsewhere.
	want := map[string]TypeFigures{
		identity.Account: {Identifiers: 2, Placed: 2}, identity.Phone: {Identifiers: 1, Placed: 1},
		identity.Email: {
			Identifiers: 1,
			Placed:      1,
		}, identity.Device: {Identifiers: 1, Alone: 1}, identity.Post: {Identifiers: 1, Alone: 1},
		identity.VendorMD5: {Identifiers: 1, Alone: 1},
	}
	if !maps.Equal(ev.ByType, want) {
		t.Errorf("by type: %+v, want %+v", ev.ByType, want)
	}
	links[1].PersonID = "B"
	if ev, err = Evaluate(strings.NewReader(truth), links, "s"); err != nil {
		t.Fatal(err)
	}
	if got := ev.ByType[identity.Phone]; got != (TypeFigures{Identifiers: 1, Elsewhere: 1}) {
		t.Errorf("phone put with another person: %+v", got)
	}
}
