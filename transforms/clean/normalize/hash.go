package normalize

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Hash returns the lower-case hex HMAC-SHA256 of value keyed by salt: the
// pseudonymous key that stands for a phone, e-mail or other identifier in
// every analytical output. The salt comes from the environment, never the repo.
func Hash(salt, value string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// MD5Hex returns the plain lower-case hex MD5 of s, as data vendors key their
// feeds (apply it to VendorPhoneKey to match them). Not for our own keys.
func MD5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// SHA256Hex returns the plain lower-case hex SHA-256 of s, as data vendors key
// their feeds (apply it to VendorPhoneKey to match them). Not for our own keys.
func SHA256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// VendorPhoneKey returns the form of a phone that Chinese data vendors hash:
// the 11-digit national number for CN mobiles (+8613800138000 →
// 13800138000), and the E.164 digits without the plus for any other number.
// Input that is not E.164 gives "".
func VendorPhoneKey(e164 string) string {
	if IsMobileCN(e164) {
		return e164[3:]
	}
	d := strings.TrimPrefix(e164, "+")
	if len(d) == len(e164) || d == "" || keepDigits(d) != d {
		return ""
	}
	return d
}
