package normalize

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"
)

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "１３８　ＡＢＣ", " a  b ", "a\x00\r\nb", "\xff\xfe", "ｶﾞ",
		"\u3000\u00a0x", "\t \n \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Fold(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, out)
		}
		if again := Fold(out); again != out {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, out, again)
		}
		if strings.Contains(out, "  ") || strings.ContainsRune(out, 0) {
			t.Fatalf("Fold(%q) = %q: double space or NUL left", s, out)
		}
		if plain(s) && fold(s) != s {
			t.Fatalf("%q is plain, but folding it gives %q", s, fold(s))
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+86 138-0013-8000", "8613800138000", "008613800138000",
		"(138)0013-8000",
		"１３８００１３８０００", "12345", "", "+", "++86", "\xff", "+44 20 7946 0018", "0086", "86138"} {
		f.Add(s, "CN")
	}
	f.Add("(415) 555-2671", "US")
	f.Add("13800138000", "")
	f.Add("13800138000", "XX")
	f.Fuzz(func(t *testing.T, raw, region string) {
		out, err := Phone(raw, region)
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("invalid UTF-8 in error %q", err)
			}
			return
		}
		if !strings.HasPrefix(out, "+") || !utf8.ValidString(out) {
			t.Fatalf("Phone(%q) = %q", raw, out)
		}
		if again, err := Phone(out, region); err != nil || again != out {
			t.Fatalf("Phone(%q) = %q, but Phone(%q) = %q, %v", raw, out, out, again, err)
		}
		_ = MaskPhone(out)
		_ = VendorPhoneKey(out)
	})
}

func FuzzPhoneHint(f *testing.F) {
	for _, s := range []string{"138****5678", "138xxxx5678", "138＊＊＊＊5678", "尾号5678",
		"****5678", "5678",
		"", "****", "138****567", "\xff5678", "1×5678", "13812345678"} {
		f.Add(s)
	}
	hint := regexp.MustCompile(`^(\d{3}\*{4}|\*{4})\d{4}$`)
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := PhoneHint(raw)
		if err != nil {
			return
		}
		if !hint.MatchString(out) {
			t.Fatalf("PhoneHint(%q) = %q", raw, out)
		}
		if again, err := PhoneHint(out); err != nil || again != out {
			t.Fatalf("PhoneHint(%q) = %q, %v", out, again, err)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{" Alice.Wang@Example.COM ", "ａｌｉｃｅ＠ｑｑ．ｃｏｍ", "a@b", "@",
		"<a@b.c>", `"a b"@c.d`,
		"a@[1.2.3.4]", "\xff@qq.com", "中文@例子.中国", "a@b.c\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := Email(raw)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) || strings.ContainsAny(out, " \t\n") ||
			strings.ToLower(out) != out ||
			strings.Count(out, "@") != 1 {
			t.Fatalf("Email(%q) = %q", raw, out)
		}
		if again, err := Email(out); err != nil || again != out {
			t.Fatalf("Email(%q) = %q, %v", out, again, err)
		}
	})
}

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{"2026-11-20T14:03:00+08:00", "2026-11-20 14:03:00.123",
		"2026年1月2日 15:04",
		"20261120", "20261120140300", "1732000000", "1732000000123", "1732000000.5", "02/01/2006 15:04",
		"", "9999-12-31", "2026-11-20 14:03:00 UTC", "１７３２０００００", "2026-11-20T14:03:00+99:99", "\xff"} {
		f.Add(s)
	}
	lo := time.Date(MinYear-1, 12, 30, 0, 0, 0, 0, time.UTC).UnixMicro()
	hi := time.Date(MaxYear+1, 1, 2, 0, 0, 0, 0, time.UTC).UnixMicro()
	sh := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, raw string) {
		us, err := Timestamp(raw, sh)
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("invalid UTF-8 in error %q", err)
			}
			return
		}
		if us < lo || us > hi {
			t.Fatalf("Timestamp(%q) = %v: outside the year range", raw, time.UnixMicro(us).UTC())
		}
		// The RFC 3339 form of the result reads back to the same instant.
		back := time.UnixMicro(us).UTC().Format(time.RFC3339Nano)
		if again, err := Timestamp(back, sh); err != nil || again != us {
			t.Fatalf("Timestamp(%q) = %d, but Timestamp(%q) = %d, %v", raw, us, back, again, err)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{"1990-01-02", "1990/1/2", "19900102", "1990年1月2日", "1990.01.02",
		"1990-02-30", "", "0000-00-00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		y, m, d, err := Date(raw)
		if err != nil {
			return
		}
		tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if tm.Year() != y || int(tm.Month()) != m || tm.Day() != d || y < MinYear || y > MaxYear {
			t.Fatalf("Date(%q) = %d-%d-%d", raw, y, m, d)
		}
	})
}

func FuzzMoney(f *testing.F) {
	for _, s := range []string{"¥1,234.50", "￥12", "RMB 99.9", "99.90元", "-5.00", "1e3",
		"1.5E+2", "１２３", "NaN",
		"Inf", "", "abc", "92233720368547758.08", "1e-99999", "0.005", "-0.005", "1,23", "\xff"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(-9223372036854775808))
	f.Add("", int64(9223372036854775807))
	f.Fuzz(func(t *testing.T, raw string, fen int64) {
		for _, unit := range []string{Yuan, Fen} {
			if _, err := Money(raw, unit); err != nil && !utf8.ValidString(err.Error()) {
				t.Fatalf("invalid UTF-8 in error %q", err)
			}
		}
		if got, err := Money(formatYuan(fen), Yuan); err != nil || got != fen {
			t.Fatalf("Money(formatYuan(%d) = %q) = %d, %v", fen, formatYuan(fen), got, err)
		}
		if got, err := Money("¥"+formatYuan(fen)+"元", Yuan); err != nil || got != fen {
			t.Fatalf("Money with marks of %d = %d, %v", fen, got, err)
		}
	})
}

// bareMobile is an 11-digit CN mobile that is not part of a longer digit run.
var bareMobile = regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)

func FuzzMaskPII(f *testing.F) {
	for _, s := range []string{"电话13812345678请联系", "+86 138-1234-5678", "8613812345678", "１３８１２３４５６７８",
		"13812345678@163.com", "alice@example.com", "110101199003071234", "11010119900307123X", "",
		"\xff13812345678", "1381234567813912345678", "138123456781"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out := MaskPII(text)
		if !utf8.ValidString(out) {
			t.Fatalf("MaskPII(%q) = %q: invalid UTF-8", text, out)
		}
		if m := bareMobile.FindString(width.Fold.String(out)); m != "" {
			t.Fatalf("MaskPII(%q) = %q: mobile %q left", text, out, m)
		}
		if !mayHoldNumber(text) && (idInText.MatchString(text) || phoneInText.MatchString(text)) {
			t.Fatalf("%q holds a number the precheck misses", text)
		}
		if again := MaskPII(out); again != out {
			t.Fatalf("MaskPII not idempotent: %q -> %q -> %q", text, out, again)
		}
	})
}

// FuzzRFC3339Micros checks the RFC 3339 fast path against time.Parse: whatever it reads, time.Parse
// reads as the same instant.
func FuzzRFC3339Micros(f *testing.F) {
	for _, s := range []string{"2026-08-25T20:15:12+08:00", "2026-08-25T20:15:12Z",
		"2026-02-30T00:00:00Z",
		"1969-12-31T23:59:59.9999999-00:30", "2024-02-29T23:59:59.123456+23:59",
		"2026-08-25T20:15:12.+08:00",
		"2026-08-25T24:00:00Z", "2026-08-25T20:15:60Z", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, year, ok := rfc3339Micros(s)
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("%q: read as %d, time.Parse refuses it: %v", s, us, err)
		}
		if us != want.UnixMicro() || year != want.Year() {
			t.Fatalf(
				"%q: %d (year %d), time.Parse gives %d (year %d)",
				s,
				us,
				year,
				want.UnixMicro(),
				want.Year(),
			)
		}
	})
}
