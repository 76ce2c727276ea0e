package normalize

import "testing"

// TestMaskPIISeparatorsAndOldIDs: phones written with dots or dashes in any grouping, and the
// 15-digit resident IDs issued before 1999, are masked too.
func TestMaskPIISeparatorsAndOldIDs(t *testing.T) {
	for in, want := range map[string]string{
		"call 138.1234.5678 now":        "call 138****5678 now",
		"1381-234-5678":                 "138****5678",
		"电话：138 1234-5678。":             "电话：138****5678。",
		"+86.138.1234.5678":             "138****5678",
		"１３８．１２３４．５６７８":                 "138****5678",
		"旧身份证110105491231002":           "旧身份证110105*********",
		"ID 110105491231002.":           "ID 110105*********.",
		"1101054912310021":              "1101054912310021", // 16 digits: no ID
		"990105491231002":               "990105491231002",  // no such province
		"110105491332002":               "110105491332002",  // no 32nd of December
		"version 1.3.8.1.2.3.4.5.6.7.8": "version 1.3.8.1.2.3.4.5.6.7.8",
		"price 138.12":                  "price 138.12",
		"2026.11.21 13:45":              "2026.11.21 13:45",
	} {
		if got := MaskPII(in); got != want {
			t.Errorf("MaskPII(%q) = %q, want %q", in, got, want)
		}
	}
}
