package normalize

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region Phone assumes for numbers written without a
// country code when the caller passes an empty region.
const DefaultRegion = "CN"

// Phone parses a phone number written in any common way (+86 138-0013-8000,
// (+86)13800138000, 008613800138000, (138)0013-8000, full-width digits ...)
// and returns it in E.164 (+8613800138000). Numbers without a country code are
// read in defaultRegion ("CN" when empty). A 13-digit number 86XXXXXXXXXXX
// whose last 11 digits are a CN mobile is read as +86 even without the plus,
// which libphonenumber alone would not do. Letters, extensions and numbers
// that libphonenumber does not consider valid are rejected.
func Phone(raw, defaultRegion string) (string, error) {
	if defaultRegion == "" {
		defaultRegion = DefaultRegion
	}
	s := Fold(raw)
	if s == "" {
		return "", bad("phone", raw, "empty")
	}
	// The plus of a country code comes first, or first within a bracket: (+86)138...
	lead := len(s) - len(strings.TrimLeft(s, "( "))
	for i, r := range s {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" -().", r) || r == '+' && i == lead) {
			return "", bad("phone", raw, fmt.Sprintf("unexpected character %q", r))
		}
	}
	d := keepDigits(s)
	switch {
	case len(d) < 5:
		return "", bad("phone", raw, "too short")
	case len(d) > 17: // 15 digits of E.164 plus a 00 international prefix
		return "", bad("phone", raw, "too long")
	}
	if s[lead] != '+' && len(d) == 13 && strings.HasPrefix(d, "86") && IsMobileCN("+"+d) {
		s = "+" + d
	}
	num, err := phonenumbers.Parse(s, defaultRegion)
	if err != nil {
		return "", bad("phone", raw, err.Error())
	}
	if !phonenumbers.IsValidNumber(num) {
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.TOO_SHORT:
			return "", bad("phone", raw, "too short")
		case phonenumbers.TOO_LONG:
			return "", bad("phone", raw, "too long")
		}
		return "", bad("phone", raw, "not a valid number")
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// IsMobileCN reports whether e164 is exactly "+86" followed by the 11 digits
// of a number that libphonenumber classes as a Chinese mobile.
func IsMobileCN(e164 string) bool {
	if len(e164) != 14 || !strings.HasPrefix(e164, "+86") || keepDigits(e164) != e164[1:] {
		return false
	}
	mobiles.Lock()
	mobile, ok := mobiles.answers[e164]
	mobiles.Unlock()
	if ok {
		return mobile
	}
	num, err := phonenumbers.Parse(e164, "ZZ")
	mobile = err == nil && phonenumbers.GetNumberType(num) == phonenumbers.MOBILE
	mobiles.Lock()
	if mobiles.answers == nil || len(mobiles.answers) >= mobilesMax {
		mobiles.answers = make(map[string]bool)
	}
	mobiles.answers[strings.Clone(e164)] = mobile // a clone: e164 may point into a whole input line
	mobiles.Unlock()
	return mobile
}

// mobiles remembers IsMobileCN's answers. One phone is asked about in both
// reading passes, for its vendor hashes, its mask and in the resolve stage, and
// libphonenumber's type detection tries the patterns of every number type each
// time (5% of all allocation at 200,000 persons). Cleared when full.
var mobiles struct {
	sync.Mutex
	answers map[string]bool
}

// mobilesMax bounds the answers mobiles keeps: about 20 MB.
const mobilesMax = 1 << 18

// MaskPhone masks an E.164 number for display: CN mobiles as 138****5678 (the
// first 3 and last 4 national digits), other numbers as "+44 79******00" (the
// country code, then the first 2 and last 2 national digits). Empty in, empty
// out; anything that is not a parseable E.164 number becomes "****".
func MaskPhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	if IsMobileCN(e164) {
		n := e164[3:]
		return n[:3] + "****" + n[7:]
	}
	num, err := phonenumbers.Parse(Fold(e164), "ZZ")
	if err != nil {
		return "****"
	}
	n := phonenumbers.GetNationalSignificantNumber(num)
	if len(n) <= 4 {
		return fmt.Sprintf("+%d %s", num.GetCountryCode(), strings.Repeat("*", len(n)))
	}
	return fmt.Sprintf(
		"+%d %s%s%s",
		num.GetCountryCode(),
		n[:2],
		strings.Repeat("*", len(n)-4),
		n[len(n)-2:],
	)
}

// hintMasks are the characters review sites put in place of hidden digits
// (＊ is folded to * before the check).
const hintMasks = "*xX×•●∗·"

// PhoneHint normalises a partial phone as review platforms show it
// (138****5678, 138xxxx5678, 138＊＊＊＊5678, 尾号5678, ****5678, 5678, or a full
// 11-digit mobile) to 138****5678, or ****5678 when the first digits are
// unknown. Exactly 4 trailing digits must be recoverable.
func PhoneHint(raw string) (string, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, Fold(raw))
	for _, p := range []string{"手机尾号", "尾号", "+86"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimLeft(s, ":")
	lead := len(s) - len(strings.TrimLeft(s, "0123456789"))
	tail := strings.TrimLeft(s[lead:], hintMasks)
	masked := len(tail) < len(s[lead:])
	switch {
	case keepDigits(tail) != tail:
		return "", bad("phone hint", raw, "unexpected characters")
	case !masked && len(s) == 11: // a full number
		return s[:3] + "****" + s[7:], nil
	case !masked && len(s) == 4:
		return "****" + s, nil
	case masked && len(tail) == 4 && lead >= 3:
		return s[:3] + "****" + tail, nil
	case masked && len(tail) == 4:
		return "****" + tail, nil
	}
	return "", bad("phone hint", raw, "need exactly 4 trailing digits")
}

// bad builds the error for a rejected value: `kind "raw": why`, with long raw
// values cut short.
func bad(kind, raw, why string) error {
	if len(raw) > 64 {
		raw = strings.ToValidUTF8(raw[:64], "") + "..."
	}
	return fmt.Errorf("%s %q: %s", kind, raw, why)
}
