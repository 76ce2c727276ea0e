package segment

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// phoneRec is an account's phone, hashed as ad platforms match audiences; the raw phone goes no
// further than the DoFn that reads the account.
type phoneRec struct {
	MD5, SHA256 string
	UpdatedAt   int64
	UserID      string
}

// hashPhone hashes an E.164 phone (+8613800138000) to lower-case MD5 and SHA-256 hex.
func hashPhone(e164 string) (md5hex, sha256hex string) {
	m := md5.Sum([]byte(e164))
	s := sha256.Sum256([]byte(e164))
	return hex.EncodeToString(m[:]), hex.EncodeToString(s[:])
}

// newerPhone keeps the phone of the most recently updated account (then the larger account id,
// so the choice does not depend on the order accounts arrive in).
func newerPhone(a, b phoneRec) phoneRec {
	if a.UpdatedAt != b.UpdatedAt {
		if a.UpdatedAt > b.UpdatedAt {
			return a
		}
		return b
	}
	if a.UserID >= b.UserID {
		return a
	}
	return b
}

// paidStatuses are the order statuses that count as a purchase, as the portrait counts orders.
var paidStatuses = map[string]bool{
	"paid":      true,
	"shipped":   true,
	"completed": true,
	"refunded":  true,
}

// accounts finds each account's person in the identity map, once for the users and the paid
// orders together: it returns each person's phone (KV<person, phoneRec>, from their most recently
// updated account that has one) and the person of each paid order (KV<order id, person>).
func accounts(s beam.Scope, in Inputs) (phones, orderPersons beam.PCollection) {
	s = s.Scope("accounts")
	links := beam.ParDo(s, accountLink, in.Identity)
	userPhones := beam.ParDo(s, userPhone, in.Users)
	paid := beam.ParDo(s, paidOrder, in.Orders)
	phones, orderPersons = beam.ParDo2(
		s,
		joinAccount,
		beam.CoGroupByKey(s, links, userPhones, paid),
	)
	return beam.CombinePerKey(s, newerPhone, phones), orderPersons
}

var accountPrefix = identity.Key(identity.Account, "")

// accountLink keeps the account entries of the identity map.
func accountLink(key, person string, emit func(string, string)) {
	if strings.HasPrefix(key, accountPrefix) {
		emit(key, person)
	}
}

// userPhone hashes the phone of an account that has one, keyed by the account's node key.
func userPhone(u schemas.User, emit func(string, phoneRec)) {
	if u.Phone == "" {
		return
	}
	m, s := hashPhone(u.Phone)
	emit(
		identity.Key(identity.Account, u.UserID),
		phoneRec{MD5: m, SHA256: s, UpdatedAt: u.UpdatedAt, UserID: u.UserID},
	)
}

// paidOrder keys a paid order by its account's node key.
func paidOrder(o schemas.Order, emit func(string, string)) {
	if paidStatuses[o.Status] {
		emit(identity.Key(identity.Account, o.UserID), o.OrderID)
	}
}

// joinAccount gives an account's phones and paid orders its person; an account the identity map
// does not know (a test account, say) is left out.
func joinAccount(
	_ string,
	persons func(*string) bool,
	phones func(*phoneRec) bool,
	orders func(*string) bool,
	emitPhone func(string, phoneRec),
	emitOrder func(string, string),
) {
	var person string
	if !persons(&person) {
		return
	}
	var p phoneRec
	for phones(&p) {
		emitPhone(person, p)
	}
	var id string
	for orders(&id) {
		emitOrder(id, person)
	}
}

func init() {
	beam.RegisterType(typeOf[phoneRec]())
	register.Function3x0(accountLink)
	register.Function2x0(userPhone)
	register.Function2x0(paidOrder)
	register.Function6x0(joinAccount)
	register.Function2x1(newerPhone)
	register.Emitter2[string, string]()
	register.Emitter2[string, phoneRec]()
	register.Iter1[phoneRec]()
}
