package normalize

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Fold returns s with full-width ASCII folded to half-width (１３８ → 138,
// ＠ → @, U+3000 → space), invalid UTF-8 replaced by U+FFFD, control characters
// other than \n and \t removed, other Unicode spaces turned into plain spaces,
// runs of spaces collapsed to one and the ends trimmed. CJK characters are
// left as they are. Fold is idempotent.
func Fold(s string) string {
	if plain(s) {
		return s // most values (ids, codes, times) need nothing: no allocation
	}
	return fold(s)
}

// fold is Fold without the shortcut for plain values.
func fold(s string) string {
	s = width.Fold.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u200B':
			continue // NUL, \r, BOM, zero-width space ...
		case unicode.IsSpace(r):
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// plain reports whether Fold would return s unchanged because it is printable ASCII with single
// spaces inside only.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// digits is an ASCII or full-width decimal digit, as it may appear in free text.
const digits = `[0-9０-９]`

var (
	// A chain a@b.c@d.e is one match: masking only its first address would
	// leave b.c@d.e to be masked by the next call.
	emailInText = regexp.MustCompile(
		`[A-Za-z0-9._%+\-]+(?:@[A-Za-z0-9._%+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`,
	)
	idInText = regexp.MustCompile(digits + `{17}[0-9０-９XxＸｘ]`)
	// id15InText is a resident ID of the first generation (issued until 1999): 15 digits.
	id15InText = regexp.MustCompile(digits + `{15}`)
	// A mobile number may be grouped any way, by spaces, dashes or dots: 138 1234 5678,
	// 1381-234-5678, 138.1234.5678.
	phoneInText = regexp.MustCompile(`(?:[+＋]?[8８][6６]` + separator + `?)?` +
		`[1１][3-9３-９](?:` + separator + `?` + digits + `){9}`)
	// maskedPhoneInText is a phone masked for people to read (138****5678, ****5678).
	maskedPhoneInText = regexp.MustCompile(`[0-9０-９]{0,3}[*＊]{3,}[0-9０-９]{2,4}`)
)

// separator is what people write between the groups of a phone number's digits.
const separator = `[ .\-．－]`

// MaskPII masks personal data in free text and leaves the rest unchanged:
// e-mail addresses become their first character + "***@domain", Chinese
// resident ID numbers (18 characters, the last may be X, or the 15 digits of
// the first generation, that residentID accepts) keep their first 6
// characters (the region) and mask the rest, and CN mobile numbers (11 digits
// starting 1[3-9], with an optional +86/86 prefix, grouped by spaces, dashes
// or dots, ASCII or full-width digits) become 138****5678. Digit runs longer
// than a phone or an ID, and numbers of an ID's length that cannot be one,
// such as order numbers (20261121 and ten digits), are not touched.
func MaskPII(text string) string {
	return mask(text, func(m string) string {
		at := strings.LastIndexByte(m, '@')
		return m[:1] + "***" + m[at:]
	}, func(n string) string { return n[:3] + "****" + n[7:] })
}

// Redact masks what MaskPII finds and keeps nothing of it for people to read: e-mail addresses
// become ***@domain, phones ***, even as MaskPII left them (138****5678), and ID numbers keep
// their region alone. It is for text that no one needs to read a person from, such as the raw
// text of rejected records.
func Redact(text string) string {
	text = mask(text, func(m string) string {
		return "***" + m[strings.LastIndexByte(m, '@'):]
	}, func(string) string { return "***" })
	if strings.ContainsAny(text, "*＊") {
		text = maskedPhoneInText.ReplaceAllString(text, "***")
	}
	return text
}

// mask replaces the e-mail addresses of text by email(address), the ID numbers by their region
// and asterisks, and the mobile numbers by phone(its 11 digits).
func mask(text string, email, phone func(string) string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.IndexByte(text, '@') >= 0 {
		text = emailInText.ReplaceAllStringFunc(text, email)
	}
	if !mayHoldNumber(text) {
		return text
	}
	maskID := func(m string) string {
		if !residentID(Fold(m)) {
			return m
		}
		r := []rune(m)
		return string(r[:6]) + strings.Repeat("*", len(r)-6)
	}
	text = replaceBounded(text, idInText, maskID)
	text = replaceBounded(text, id15InText, maskID)
	return replaceBounded(text, phoneInText, func(m string) string {
		n := keepDigits(Fold(m)) // drops +86 and the separators
		return phone(n[len(n)-11:])
	})
}

// provinces are the first two digits of the region codes resident IDs begin with (GB/T 2260):
// the provinces, Taiwan, Hong Kong and Macau.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, "41": true,
	"42": true, "43": true, "44": true, "45": true, "46": true, "50": true, "51": true, "52": true,
	"53": true, "54": true, "61": true, "62": true, "63": true, "64": true, "65": true, "71": true,
	"81": true, "82": true,
}

// residentID reports whether 18 half-width characters could be a resident ID number (GB 11643):
// a province's region code, then a birth date from 1900 on that exists. The check character is
// not tested, so that a mistyped ID is still masked; an order number, which starts with the
// year it was placed, is not an ID. An ID of the first generation has 15 digits: the region, a
// birth date in the 1900s written YYMMDD, and three more.
func residentID(id string) bool {
	if (len(id) != 18 && len(id) != 15) || !provinces[id[:2]] {
		return false
	}
	birth := id[6:14]
	if len(id) == 15 {
		birth = "19" + id[6:12]
	}
	born, err := time.Parse("20060102", birth)
	return err == nil && born.Year() >= 1900
}

// mayHoldNumber reports whether text has a run of digits, spaces, dashes, dots and plus signs with
// at least 11 digits: every phone or ID number the patterns match lies in such a run, so text
// without one needs no regular expression (rejected lines are masked one by one, and most hold
// none).
func mayHoldNumber(text string) bool {
	n := 0
	for _, r := range text {
		switch {
		case isDigit(r):
			if n++; n >= 11 {
				return true
			}
		case strings.ContainsRune(" -+＋.．－", r):
		default:
			n = 0
		}
	}
	return false
}

// replaceBounded replaces the matches of re that are not part of a longer
// digit run (no digit right before or after them) with f(match).
func replaceBounded(text string, re *regexp.Regexp, f func(string) string) string {
	var b strings.Builder
	done, pos := 0, 0
	for pos < len(text) {
		loc := re.FindStringIndex(text[pos:])
		if loc == nil {
			break
		}
		start, end := pos+loc[0], pos+loc[1]
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if isDigit(before) || isDigit(after) {
			_, size := utf8.DecodeRuneInString(text[start:])
			pos = start + size
			continue
		}
		b.WriteString(text[done:start])
		b.WriteString(f(text[start:end]))
		done, pos = end, end
	}
	if done == 0 {
		return text
	}
	b.WriteString(text[done:])
	return b.String()
}

// isDigit reports whether r is an ASCII or full-width decimal digit.
func isDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= '０' && r <= '９')
}

// keepDigits returns the ASCII digits of s.
func keepDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
