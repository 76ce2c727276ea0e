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
	emailInText = regexp.MustCompile(`[A-Za-z0-9._%+\-]+(?:@[A-Za-z0-9._%+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	idInText    = regexp.MustCompile(digits + `{17}[0-9０-９XxＸｘ]`)
	phoneInText = regexp.MustCompile(`(?:[+＋]?[8８][6６][ \-]?)?[1１][3-9３-９]` + digits +
		`[ \-]?` + digits + `{4}[ \-]?` + digits + `{4}`)
)

// MaskPII masks personal data in free text and leaves the rest unchanged:
// e-mail addresses become their first character + "***@domain", Chinese
// resident ID numbers (18 characters, the last may be X, that residentID
// accepts) keep their first 6 characters (the region) and mask the rest, and
// CN mobile numbers (11 digits starting 1[3-9], with an optional +86/86
// prefix, spaces or dashes, ASCII or full-width digits) become 138****5678.
// Digit runs longer than a phone or an ID, and 18-digit numbers that cannot be
// an ID, such as order numbers (20261121 and ten digits), are not touched.
func MaskPII(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.IndexByte(text, '@') >= 0 {
		text = emailInText.ReplaceAllStringFunc(text, func(m string) string {
			at := strings.LastIndexByte(m, '@')
			return m[:1] + "***" + m[at:]
		})
	}
	if !mayHoldNumber(text) {
		return text
	}
	text = replaceBounded(text, idInText, func(m string) string {
		if !residentID(Fold(m)) {
			return m
		}
		r := []rune(m)
		return string(r[:6]) + strings.Repeat("*", len(r)-6)
	})
	return replaceBounded(text, phoneInText, func(m string) string {
		n := keepDigits(Fold(m)) // drops +86, spaces and dashes
		n = n[len(n)-11:]
		return n[:3] + "****" + n[7:]
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
// year it was placed, is not an ID.
func residentID(id string) bool {
	if len(id) != 18 || !provinces[id[:2]] {
		return false
	}
	born, err := time.Parse("20060102", id[6:14])
	return err == nil && born.Year() >= 1900
}

// mayHoldNumber reports whether text has a run of digits, spaces, dashes and plus signs with at
// least 11 digits: every phone or ID number the patterns match lies in such a run, so text without
// one needs no regular expression (rejected lines are masked one by one, and most hold none).
func mayHoldNumber(text string) bool {
	n := 0
	for _, r := range text {
		switch {
		case isDigit(r):
			if n++; n >= 11 {
				return true
			}
		case r == ' ' || r == '-' || r == '+' || r == '＋':
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
