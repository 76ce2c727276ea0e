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
		if v := normalize.VendorPhoneKey(r.Phone); v != "" {
			// The vendor hashes stand for the phone: a junk phone takes them with it.
			add(identity.VendorSHA256, normalize.SHA256Hex(v))
			c.from[len(c.from)-1] = phone
			add(identity.VendorMD5, normalize.MD5Hex(v))
			c.from[len(c.from)-1] = phone
		}
	case schemas.Order:
		c.account = accountKey(r.UserID)
	case schemas.Touch:
		c.account = accountKey(r.UserID)
	case schemas.Review:
		c.account = accountKey(r.UserID)
	case schemas.Event:
		c.account = accountKey(r.UserID)
		add(identity.Device, r.DeviceID)
		add(identity.Anonymous, r.AnonymousID)
	case schemas.Ticket:
		c.account = accountKey(r.UserID)
		add(identity.Ticket, r.TicketID)
		add(identity.Phone, r.Phone)
	case schemas.VendorProfile:
		add(identity.VendorSHA256, r.PhoneSHA256)
		add(identity.VendorMD5, r.PhoneMD5)
	case schemas.SitePost:
		add(identity.Post, r.PostID)
	}
	return c
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
