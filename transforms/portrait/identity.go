package portrait

import (
	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// identityMap finds the person of an identifier node key. Person ids are interned (a person has
// several identifiers) and stored once; the map holds a 4-byte index per key. Measured by
// BenchmarkIdentityMapBytes (keys of 45 bytes such as a device uuid, 3 keys a person) it takes
// about 120 bytes per identifier: 10 million identifiers need about 1.2 GB on every worker, once
// per process (shared.go: all DoFn instances share it), plus as much again while it is built.
// With the 3.75 GB of an n1-standard-1 worker that stops holding at some 15 million identifiers;
// past that, use workers with more memory or join the facts to the map by a CoGroupByKey per
// identifier (one element per identifier, see DESIGN.md) instead of this side input.
type identityMap struct {
	index   map[string]uint32
	persons []string
}

// buildIdentity drains the identity side input (node key → person id). A key listed with two
// persons (which resolve never emits) keeps the smaller id, whatever the order of the entries.
func buildIdentity(iter func(*string, *string) bool) *identityMap {
	m := &identityMap{index: map[string]uint32{}}
	ids := map[string]uint32{}
	var key, person string
	for iter(&key, &person) {
		i, ok := ids[person]
		if !ok {
			i = uint32(len(m.persons))
			ids[person] = i
			m.persons = append(m.persons, person)
		}
		if old, dup := m.index[key]; dup && m.persons[old] < person {
			continue
		}
		m.index[key] = i
	}
	return m
}

// person returns the person of a node key.
func (m *identityMap) person(key string) (string, bool) {
	i, ok := m.index[key]
	if !ok {
		return "", false
	}
	return m.persons[i], true
}

// The node key a record is attributed by, "" when it carries none.

func accountKey(userID string) string {
	if userID == "" {
		return ""
	}
	return identity.Key(identity.Account, userID)
}

// eventKey is the account when logged in, else the device, else the anonymous id.
func eventKey(e schemas.Event) string {
	typ, value := eventIdentifier(e)
	if typ == "" {
		return ""
	}
	return identity.Key(typ, value)
}

// eventIdentifier is the identifier eventKey names, as its type and value ("" for none).
func eventIdentifier(e schemas.Event) (typ, value string) {
	switch {
	case e.UserID != "":
		return identity.Account, e.UserID
	case e.DeviceID != "":
		return identity.Device, e.DeviceID
	case e.AnonymousID != "":
		return identity.Anonymous, e.AnonymousID
	}
	return "", ""
}

// vendorKey is the SHA-256 phone hash, else the MD5 one.
func vendorKey(v schemas.VendorProfile) string {
	switch {
	case v.PhoneSHA256 != "":
		return identity.Key(identity.VendorSHA256, v.PhoneSHA256)
	case v.PhoneMD5 != "":
		return identity.Key(identity.VendorMD5, v.PhoneMD5)
	}
	return ""
}

func ticketKey(t schemas.Ticket) string {
	if t.TicketID == "" {
		return ""
	}
	return identity.Key(identity.Ticket, t.TicketID)
}

func postKey(p schemas.SitePost) string {
	if p.PostID == "" {
		return ""
	}
	return identity.Key(identity.Post, p.PostID)
}
