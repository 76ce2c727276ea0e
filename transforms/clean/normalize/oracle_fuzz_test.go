package normalize

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// plainNumber is a number as exports write it: sign, digits grouped by three or not, a fraction
// and an exponent, nothing else.
var plainNumber = regexp.MustCompile(
	`^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:(\.)([0-9]*))?(?:[eE]([+-]?[0-9]+))?$`,
)

// FuzzMoneyExact checks Money against exact big-integer arithmetic on every plain number: the
// same amounts are accepted, with the same value in fen (yuan rounded half away from zero, fen
// exact), and whatever is accepted formats back with formatYuan to the same value.
func FuzzMoneyExact(f *testing.F) {
	for _, s := range []string{"0", "1,234.50", "-0.005", "0.005", "0.0049", "1.5e+2", "1.5E-3",
		"92233720368547758.07",
		"-92233720368547758.08", "92233720368547758.08", "9223372036854775807", ".5", "5.",
		"000000000000000000000001",
		"1e-9999", "0e9999", "1,23", "12.3e1", "-0", "+7", "1e0002",
		"123456789012345678901234567890e-20"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, fen bool) {
		unit := Yuan
		if fen {
			unit = Fen
		}
		got, err := Money(raw, unit)
		if err == nil {
			if back, err := Money(formatYuan(got), Yuan); err != nil || back != got {
				t.Fatalf(
					"Money(%q, %s) = %d, but Money(formatYuan = %q) = %d, %v",
					raw,
					unit,
					got,
					formatYuan(got),
					back,
					err,
				)
			}
		}
		want, ok, known := exactFen(raw, unit)
		if !known {
			return
		}
		if ok != (err == nil) || ok && got != want {
			t.Fatalf(
				"Money(%q, %s) = %d, %v; exact arithmetic gives %d (valid: %v)",
				raw,
				unit,
				got,
				err,
				want,
				ok,
			)
		}
	})
}

// exactFen computes what Money should return for a plain number: the amount in fen and whether it
// is valid. known is false when raw is not a plain number or is too long to check.
func exactFen(raw, unit string) (fen int64, ok, known bool) {
	m := plainNumber.FindStringSubmatch(raw)
	if m == nil || len(raw) > 200 {
		return 0, false, false
	}
	sign, whole, dot, frac, exp := m[1], strings.ReplaceAll(m[2], ",", ""), m[3], m[4], m[5]
	digits := whole + frac
	if digits == "" || unit == Fen && dot != "" {
		return 0, false, true
	}
	e := 0
	if exp != "" {
		mag := strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
		if len(mag) > 6 {
			return 0, false, false // a million-digit power of ten is not worth computing
		}
		e, _ = strconv.Atoi(mag)
		if strings.HasPrefix(exp, "-") {
			e = -e
		}
	}
	shift := -len(frac) + e
	if unit == Yuan {
		shift += 2
	}
	n, _ := new(big.Int).SetString(digits, 10)
	ten := big.NewInt(10)
	if shift >= 0 {
		n.Mul(n, new(big.Int).Exp(ten, big.NewInt(int64(shift)), nil))
	} else {
		div := new(big.Int).Exp(ten, big.NewInt(int64(-shift)), nil)
		var rem big.Int
		n.QuoRem(n, div, &rem)
		if unit == Fen && rem.Sign() != 0 {
			return 0, false, true // not a whole number of fen
		}
		if rem.Lsh(&rem, 1).Cmp(div) >= 0 {
			n.Add(n, big.NewInt(1)) // half away from zero
		}
	}
	if sign == "-" {
		n.Neg(n)
	}
	if !n.IsInt64() {
		return 0, false, true
	}
	return n.Int64(), true, true
}

// integer is what Int accepts once width-folded: digits with a sign and a zero fraction.
var integer = regexp.MustCompile(`^[+-]?[0-9]+(\.0+)?$`)

// FuzzInt checks Int against strconv: it accepts exactly the folded integers that fit in int64,
// with their value, and its result formats back to itself.
func FuzzInt(f *testing.F) {
	for _, s := range []string{"0", "-12", "+7", "１２３", " 42 ", "3.0", "3.00", "3.", "3.5", ".0",
		"9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "1e3", "0x10", "1_000", "", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := Int(raw)
		s := Fold(raw)
		want, perr := strconv.ParseInt(strings.SplitN(s, ".", 2)[0], 10, 64)
		valid := integer.MatchString(s) && perr == nil
		if valid != (err == nil) || valid && got != want {
			t.Fatalf("Int(%q) = %d, %v; want %d (valid: %v)", raw, got, err, want, valid)
		}
		if err == nil {
			if back, err := Int(strconv.FormatInt(got, 10)); err != nil || back != got {
				t.Fatalf("Int(%q) = %d, but Int(%d) = %d, %v", raw, got, got, back, err)
			}
		}
	})
}

// FuzzBool checks that Bool accepts only its documented words and that its result formats back.
func FuzzBool(f *testing.F) {
	for _, s := range []string{"true", "FALSE", " Yes ", "ｙ", "是", "否", "0", "1", "2", "", "tru",
		"\xff", "t\x00"} {
		f.Add(s)
	}
	words := map[string]bool{"true": true, "1": true, "yes": true, "y": true, "t": true, "是": true,
		"false": false, "0": false, "no": false, "n": false, "f": false, "否": false}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := Bool(raw)
		want, known := words[strings.ToLower(Fold(raw))]
		if known != (err == nil) || known && got != want {
			t.Fatalf("Bool(%q) = %v, %v; want %v (known word: %v)", raw, got, err, want, known)
		}
		if err == nil {
			if back, err := Bool(strconv.FormatBool(got)); err != nil || back != got {
				t.Fatalf("Bool(%q) = %v does not format back: %v, %v", raw, got, back, err)
			}
		}
	})
}
