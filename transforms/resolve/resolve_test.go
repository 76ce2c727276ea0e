package resolve

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
	"github.com/shopportraits/portraits/transforms/salt"
)

const testDate = "2026-11-21"

// The tests hash with the sample's built-in salt.
var (
	testOptions = Options{Date: testDate, Salt: clean.Options{SaltSource: salt.Sample}}
	testSalt, _ = salt.Sample.Read(context.Background())
)

// night runs Resolve over rows and last night's tables and returns its outputs.
func night(
	s beam.Scope,
	rows []any,
	prevLinks []schemas.IdentityLink,
	prevPersons []schemas.Person,
) Outputs {
	var users []schemas.User
	var tickets []schemas.Ticket
	var posts []schemas.SitePost
	var orders []schemas.Order
	var cols []beam.PCollection
	for _, r := range rows {
		switch v := r.(type) {
		case schemas.User:
			users = append(users, v)
		case schemas.Ticket:
			tickets = append(tickets, v)
		case schemas.SitePost:
			posts = append(posts, v)
		case schemas.Order:
			orders = append(orders, v)
		}
		cols = append(cols, beam.Create(s, r))
	}
	in := Inputs{Rows: cols, Users: beam.CreateList(s, users), Tickets: beam.CreateList(s, tickets),
		Posts: beam.CreateList(
			s,
			posts,
		), Orders: beam.CreateList(s, orders), PreviousIdentity: beam.CreateList(s, prevLinks),
		PreviousPersons: beam.CreateList(s, prevPersons)}
	return Resolve(s, in, DefaultConfig(), testOptions)
}

func pairString(key, person string) string { return key + " > " + person }

func historyString(h schemas.MergeHistory) string {
	return h.OldPersonID + " " + h.Reason + " " + h.NewPersonID
}

func init() {
	register.Function2x1(pairString)
	register.Function1x1(historyString)
}

func newID(key string) string { return NewPersonID(testSalt, testDate, key) }

// TestResolveGuards resolves a first night: shared e-mails and phones join accounts, a logged-in
// device and a vendor row join their account, a ticket naming a known phone joins it, a device
// shared by four accounts links nobody, and a placeholder phone gets no person.
func TestResolveGuards(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	phone1, phone2 := "+8613811112222", "+8613933334444"
	sha1 := normalize.SHA256Hex("13811112222")
	rows := []any{
		schemas.User{UserID: "1", Phone: phone1, Email: "li@qq.com"},
		schemas.User{UserID: "2", Phone: phone2, Email: "li@qq.com"},
		schemas.User{UserID: "3", Phone: "+8613800000000"},
		schemas.Event{UserID: "1", DeviceID: "d1"},
		schemas.Event{DeviceID: "d1"},
		schemas.Event{DeviceID: "d9"},
		schemas.VendorProfile{PhoneSHA256: sha1},
		schemas.Ticket{TicketID: "T1", Phone: phone2},
	}
	for _, uid := range []string{"4", "5", "6", "7"} {
		rows = append(rows, schemas.Event{UserID: uid, DeviceID: "shared"})
	}
	out := night(s, rows, nil, nil)
	one := newID("account:1")
	var want []string
	for _, k := range []string{"account:1", "account:2", "email:li@qq.com", "phone:" + phone1,
		"phone:" + phone2, "device:d1",
		identity.Key(identity.VendorSHA256, sha1), identity.Key(identity.VendorMD5,
			normalize.MD5Hex("13811112222")),
		identity.Key(identity.VendorSHA256, normalize.SHA256Hex("13933334444")),
		identity.Key(identity.VendorMD5, normalize.MD5Hex("13933334444")),
		"ticket:T1"} {
		want = append(want, pairString(k, one))
	}
	for _, k := range []string{"account:3", "account:4", "account:5", "account:6", "account:7",
		"device:d9", "device:shared"} {
		want = append(want, pairString(k, newID(k)))
	}
	passert.EqualsList(s, beam.ParDo(s, pairString, out.Identity), want)
	passert.Count(s, out.Persons, "persons", 8)
	passert.Empty(s, out.MergeHistory)
	ptest.RunAndValidate(t, p)
}

// TestStableIDs continues last night's persons: two persons that now share an e-mail merge into
// the older id, a person whose accounts no longer share anything splits and its smaller part gets a
// new id, and a person that did not change keeps its id.
func TestStableIDs(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	h := func(key string) string { return nodeHash(testSalt, key) }
	prevLinks := []schemas.IdentityLink{
		{
			IDHash:   h("account:1"),
			PersonID: "Pold",
		}, {IDHash: h("phone:+8613811112222"), PersonID: "Pold"},
		{IDHash: h("account:2"), PersonID: "Pyoung"},
		{
			IDHash:   h("account:8"),
			PersonID: "Psplit",
		}, {IDHash: h("account:9"), PersonID: "Psplit"},
		{IDHash: h("email:x@qq.com"), PersonID: "Psplit"},
		{IDHash: h("account:5"), PersonID: "Psame"},
	}
	prevPersons := []schemas.Person{
		{PersonID: "Pold", FirstSeenDate: "2026-01-01"},
		{PersonID: "Pyoung", FirstSeenDate: "2026-03-01"},
		{
			PersonID:      "Psplit",
			FirstSeenDate: "2026-02-01",
		},
		{PersonID: "Psame", FirstSeenDate: "2026-02-02"},
	}
	rows := []any{
		schemas.User{UserID: "1", Phone: "+8613811112222", Email: "li@qq.com"},
		schemas.User{UserID: "2", Email: "li@qq.com"},
		schemas.User{UserID: "8", Email: "x@qq.com"},
		schemas.User{UserID: "9", Email: "y@qq.com"},
		schemas.User{UserID: "5"},
	}
	out := night(s, rows, prevLinks, prevPersons)
	passert.EqualsList(s, beam.ParDo(s, historyString, out.MergeHistory), []string{
		"Pyoung merge Pold",
		"Psplit split " + newID("account:9"),
	})
	persons := beam.ParDo(s, personString, out.Persons)
	passert.EqualsList(s, persons, []string{
		"Pold 2026-01-01 2", "Psplit 2026-02-01 1", newID("account:9") + " " + testDate + " 1",
		"Psame 2026-02-02 1",
	})
	ptest.RunAndValidate(t, p)
}

func personString(p schemas.Person) string {
	return p.PersonID + " " + p.FirstSeenDate + " " + string(rune('0'+p.Accounts))
}

func init() { register.Function1x1(personString) }

// TestTicketCitesOrder joins a ticket that names no account, and the phone it gives, to the account
// of the order its text cites; a ticket citing an order the orders do not hold stays apart, and one
// that names its account is not looked at. Both citations are counted.
func TestTicketCitesOrder(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	rows := []any{
		schemas.User{UserID: "1", Email: "li@qq.com"},
		schemas.User{UserID: "2", Email: "wang@qq.com"},
		schemas.Order{OrderID: "202611160006856039", UserID: "1"},
		schemas.Order{OrderID: "202611160006856040", UserID: "2"},
		schemas.Ticket{
			TicketID: "T1",
			Phone:    "+8613811112222",
			OrderIDs: []string{"202611160006856039"},
		},
		schemas.Ticket{
			TicketID: "T2",
			Phone:    "+8613933334444",
			OrderIDs: []string{"202611169999999999"},
		},
		schemas.Ticket{TicketID: "T3", UserID: "2", OrderIDs: []string{"202611160006856039"}},
	}
	out := night(s, rows, nil, nil)
	one, two, apart := newID("account:1"), newID("account:2"), newID("phone:+8613933334444")
	want := []string{
		pairString("ticket:T1", one), pairString("phone:+8613811112222", one),
		pairString(
			"ticket:T2",
			apart,
		), pairString("phone:+8613933334444", apart), pairString("ticket:T3", two),
	}
	passert.EqualsList(s, beam.ParDo(s, ticketOrPhone, out.Identity), want)
	passert.EqualsList(
		s,
		beam.ParDo(s, orderRefCount, out.Counts),
		[]string{"order_ref:ticket 1", "order_ref_unknown:ticket 1"},
	)
	ptest.RunAndValidate(t, p)
}

// ticketOrPhone names the person of a ticket or a phone.
func ticketOrPhone(key, person string, emit func(string)) {
	if typ, _ := identity.Split(key); typ == identity.Ticket || typ == identity.Phone {
		emit(pairString(key, person))
	}
}

// orderRefCount gives the order-reference counts as "reason n".
func orderRefCount(key string, n int64, emit func(string)) {
	if k := quality.ParseKey(key); k.Measure == quality.Linked &&
		strings.HasPrefix(k.Reason, "order_ref") {
		emit(fmt.Sprintf("%s %d", k.Reason, n))
	}
}

func init() {
	register.Function3x0(ticketOrPhone)
	register.Function3x0(orderRefCount)
}
