package normalize

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Email normalises an e-mail address: width folded (ａｌｉｃｅ＠ｑｑ．ｃｏｍ →
// alice@qq.com), the ideographic full stop 。 read as a dot, all whitespace
// removed and lower-cased. It must then be a bare address (no display name, no
// angle brackets) that net/mail accepts, with a dot inside the domain.
func Email(raw string) (string, error) {
	s := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r == '。':
			return '.'
		}
		return unicode.ToLower(r)
	}, Fold(raw))
	if s == "" {
		return "", bad("email", raw, "empty")
	}
	if strings.ContainsRune(s, utf8.RuneError) {
		return "", bad("email", raw, "invalid UTF-8")
	}
	if len(s) > 254 {
		return "", bad("email", raw, "too long")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", bad("email", raw, "not a bare address local@domain")
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(
			domain,
			".",
		) || strings.Contains(domain, "..") || strings.HasPrefix(domain, "[") {
		return "", bad("email", raw, fmt.Sprintf("domain %q is not a host name with a dot", domain))
	}
	return s, nil
}
