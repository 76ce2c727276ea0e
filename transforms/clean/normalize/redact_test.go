package normalize

import (
	"strings"
	"testing"
)

// TestRedact: the text of a reject keeps no digit of a phone, nothing of an e-mail's local part
// and nothing of an ID but its region.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"t2,13812345678,张三":         "t2,***,张三",
		"t2,138.1234.5678,x":        "t2,***,x",
		"mail alice@example.com ok": "mail ***@example.com ok",
		"身份证110101199003071234":     "身份证110101************",
		"110105491231002":           "110105*********",
		"no pii":                    "no pii",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact("138****5678"); strings.Contains(got, "5678") {
		t.Errorf("Redact of a masked phone keeps %q", got)
	}
}
