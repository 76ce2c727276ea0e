package normalize

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"１３８":               "138",
		"ＡＢＣ＠ｑｑ．ｃｏｍ":        "ABC@qq.com",
		"中文\u3000测试":        "中文 测试",
		"  a   b  ":         "a b",
		"a\x00b\rc\x7f":     "abc",
		"a\nb\tc":           "a\nb\tc",
		"\ufeffhello\u200b": "hello",
		"a\xffb":            "a\uFFFDb",
		"a\u00a0\u00a0b":    "a b",
		"ｶﾀｶﾅ":              "カタカナ",
		"好评！质量很好，推荐购买。":         "好评!质量很好,推荐购买。",
		"\x00 \x00 x \x00 \x00": "x",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskPII(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"no pii here 你好":                 "no pii here 你好",
		"电话13812345678请联系":               "电话138****5678请联系",
		"call +86 138-1234-5678 now":     "call 138****5678 now",
		"8613812345678":                  "138****5678",
		"138 1234 5678, 13912345678":     "138****5678, 139****5678",
		"tel13812345678":                 "tel138****5678",
		"１３８１２３４５６７８":                    "138****5678",
		"订单号2013812345678901不是手机":        "订单号2013812345678901不是手机",
		"12812345678":                    "12812345678",
		"mail alice.wang@example.com ok": "mail a***@example.com ok",
		"13812345678@163.com":            "1***@163.com",
		"0@0.0@0.0":                      "0***@0.0", // found by FuzzMaskPII
		"a@b.cn,c@d.cn":                  "a***@b.cn,c***@d.cn",
		"身份证110101199003071234":          "身份证110101************",
		"ID 11010119900307123X.":         "ID 110101************.",
		"1101011990030712345":            "1101011990030712345",
		"１１０１０１１９９００３０７１２３Ｘ":         "１１０１０１************",
		"ID 110101199003071235 typo": "ID 110101************ typo", // a wrong check digit is still an ID
		"订单号：202611211234567890，已签收": "订单号：202611211234567890，已签收", // an order number is no ID
		"110101199002301234":         "110101199002301234",         // 30 February
		"990101199003071234":         "990101199003071234",         // no such province
		"\xff13812345678\xff":        "\uFFFD138****5678\uFFFD",
	} {
		if got := MaskPII(in); got != want {
			t.Errorf("MaskPII(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskPII("x"); !utf8.ValidString(got) {
		t.Error("invalid UTF-8")
	}
}

// TestPlainNeedsNoFolding checks the shortcut against the full fold on every string of up to three
// characters drawn from printable ASCII's edges, spaces, a tab, a control and a full-width digit.
func TestPlainNeedsNoFolding(t *testing.T) {
	alphabet := []string{"", " ", "a", "~", "!", "\t", "\x7f", "\x1f", "１", "  "}
	plains := 0
	for _, a := range alphabet {
		for _, b := range alphabet {
			for _, c := range alphabet {
				s := a + b + c
				if !plain(s) {
					continue
				}
				plains++
				if got := fold(s); got != s {
					t.Fatalf("%q is plain, but folding it gives %q", s, got)
				}
			}
		}
	}
	for _, s := range []string{" a", "a ", "a  b", "a\tb", "１"} {
		if plain(s) {
			t.Errorf("%q counted plain", s)
		}
	}
	if plains < 50 {
		t.Fatalf("only %d plain strings checked", plains)
	}
}

// TestOrderRefs finds the order numbers customer-service notes cite, in the forms tickets write
// them, and nothing in text without one.
func TestOrderRefs(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"订单号：202611160006856039，下单好几天了还没发货", []string{"202611160006856039"}},
		{"要求给个说法！订单202609280001158031", []string{"202609280001158031"}},
		{"订单202609280001158031里的商品有质量问题", []string{"202609280001158031"}},
		{"颜色不对, 要求换货或者退款。\n订单号: 202610090004515657", []string{"202610090004515657"}},
		{"订单编号：SO-2026-00042，订单 202611160006856039 和订单号202611160006856039",
			[]string{"202611160006856039", "SO-2026-00042"}},
		{"Order #A123456 arrived damaged; order no. 7788990011", []string{"7788990011", "A123456"}},
		{"订单号：２０２６１１１６０００６８５６０３９", []string{"202611160006856039"}},
		{"what is my order status?", nil},
		{"订单号是多少？电话 13812345678", nil},
		{"", nil},
	} {
		if got := OrderRefs(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("OrderRefs(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
