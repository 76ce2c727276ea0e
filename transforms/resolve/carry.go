package resolve

import (
	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// carried is what one record says about identity: the identifiers it carries and the account it
// belongs to. Every identifier of a record with an account joins that account; the identifiers of a
// record without one are linked to each other (a vendor row's two hashes, a ticket and its phone).
type carried struct {
	account string   // account node key, "" when the record names none
	others  []string // node keys of its other identifiers
	from    []int    // for each of others, the index in others it was derived from, -1 if none
}

// carriedBy returns the identifiers of a cleaned row of any kind; rows of kinds that carry no
// identity (products, order lines) carry nothing.
func carriedBy(row any) carried {
	var c carried
	add := func(typ, value string) {
		if value != "" {
			c.others = append(c.others, identity.Key(typ, value))
			c.from = append(c.from, -1)
		}
	}
	switch r := row.(type) {
	case schemas.User:
		c.account = accountKey(r.UserID)
		add(identity.Phone, r.Phone)
		phone := len(c.others) - 1
		add(identity.Email, r.Email)
		c.addVendorHashes(r.Phone, phone)
	case schemas.Order:
		c.account = accountKey(r.UserID)
	case schemas.Touch:
		c.account = accountKey(r.UserID)
	case schemas.Review:
		c.account = accountKey(r.UserID)
	case schemas.Event:
		ids := eventIdentifiers(r)
		c.account = accountKey(ids.user)
		add(identity.Device, ids.device)
		add(identity.Anonymous, ids.anon)
	case schemas.Ticket:
		// The caller's phone is often the only one known for an account that gave none, and so
		// the only way to the vendor rows about its owner.
		c.account = accountKey(r.UserID)
		add(identity.Ticket, r.TicketID)
		add(identity.Phone, r.Phone)
		c.addVendorHashes(r.Phone, len(c.others)-1)
	case schemas.VendorProfile:
		add(identity.VendorSHA256, r.PhoneSHA256)
		add(identity.VendorMD5, r.PhoneMD5)
	case schemas.SitePost:
		add(identity.Post, r.PostID)
	}
	return c
}

// eventIDs are the identifiers an event carries: account, device and anonymous id. carriedBy
// reads an event's identity from these alone, so events with equal eventIDs carry the same.
type eventIDs struct{ user, device, anon string }

// eventIdentifiers returns the identifiers of an event.
func eventIdentifiers(e schemas.Event) eventIDs {
	return eventIDs{e.UserID, e.DeviceID, e.AnonymousID}
}

// addVendorHashes adds the vendor hashes that stand for a phone (others[at]): derived from it, so
// that a junk phone takes them with it.
func (c *carried) addVendorHashes(phone string, at int) {
	if v := normalize.VendorPhoneKey(phone); v != "" {
		c.others = append(
			c.others,
			identity.Key(identity.VendorSHA256, normalize.SHA256Hex(v)),
			identity.Key(identity.VendorMD5, normalize.MD5Hex(v)),
		)
		c.from = append(c.from, at, at)
	}
}

func accountKey(uid string) string {
	if uid == "" {
		return ""
	}
	return identity.Key(identity.Account, uid)
}

// priority is the rank of an identifier type in identity.Types: lower is stronger.
func priority(typ string) int {
	for i, t := range identity.Types {
		if t == typ {
			return i
		}
	}
	return len(identity.Types)
}

// Keys returns the node keys of every identifier a cleaned row carries (identity.Key form), its
// account first; rows of kinds that carry no identity give none.
func Keys(row any) []string {
	c := carriedBy(row)
	if c.account == "" {
		return c.others
	}
	return append([]string{c.account}, c.others...)
}
