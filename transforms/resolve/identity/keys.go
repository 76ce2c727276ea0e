// Package identity names the identifiers the resolve stage links into persons. A node of the
// identity graph is an identifier type and its normalised value, written as Key(type, value); the
// resolve stage maps every node it saw to a person id, and later stages find a record's person by
// the keys of the identifiers the record carries.
package identity

import "strings"

// Identifier types, strongest first: the order in which resolution trusts them.
const (
	Account      = "account"       // platform account id
	Phone        = "phone"         // E.164 phone
	Email        = "email"         // normalised e-mail
	VendorSHA256 = "vendor_sha256" // SHA-256 hex of the phone form vendors hash
	VendorMD5    = "vendor_md5"    // MD5 hex of the phone form vendors hash
	Ticket       = "ticket"        // customer-service ticket id
	Device       = "device"        // app or mini-program device id
	Anonymous    = "anonymous"     // web cookie id
	Post         = "post"          // third-party review-site post id
)

// Types lists every identifier type in priority order.
var Types = []string{
	Account,
	Phone,
	Email,
	VendorSHA256,
	VendorMD5,
	Ticket,
	Device,
	Anonymous,
	Post,
}

// Key is the graph node of an identifier: its type and value joined by a colon.
func Key(typ, value string) string { return typ + ":" + value }

// Split returns the type and value of a node key made by Key.
func Split(key string) (typ, value string) {
	typ, value, _ = strings.Cut(key, ":")
	return typ, value
}
