package normalize

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Units of a money column, as Money's unit argument.
const (
	Yuan = "yuan"
	Fen  = "fen"
)

// Money parses an amount into integer fen, with exact decimal arithmetic
// (never through float64). With unit Yuan the number is in yuan: up to 2
// decimals are exact, more are rounded half away from zero to the fen. With
// unit Fen it must be a whole number of fen (a decimal point is an error).
// It accepts currency marks (¥1,234.50, ￥12, RMB 99.9, 99.90元, CNY),
// thousands separators, full-width digits, a sign (negatives are returned
// negative; whether they are allowed is the caller's business) and scientific
// notation as strconv.FormatFloat prints it (1e3, 1.5E+2). Empty values,
// non-numbers, NaN, Inf and amounts beyond int64 are rejected.
func Money(raw, unit string) (int64, error) {
	switch unit {
	case Yuan:
		return MinorUnits(raw, "CNY", 2, true)
	case Fen:
		return MinorUnits(raw, "CNY", 2, false)
	}
	return 0, fmt.Errorf("money %q: unknown unit %q (want %q or %q)", raw, unit, Yuan, Fen)
}

// MinorUnits parses an amount of a currency (its ISO 4217 code, whose minor unit has digits
// decimal digits) into an integer number of minor units, as Money does for CNY: with major set
// the number is in the major unit (reais, yuan) and up to digits decimals are exact, more are
// rounded half away from zero; without it the number must be a whole number of minor units
// (centavos, fen). Besides Money's marks it accepts the currency's code and the marks $, R$, €
// and £ before or after the number.
func MinorUnits(raw, code string, digits int, major bool) (int64, error) {
	scale := 0 // decimal digits from the unit to the minor unit
	if major {
		scale = digits
	}
	s := strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, Fold(raw)))
	if s == "" {
		return 0, bad("money", raw, "empty")
	}
	code = strings.ToLower(code)
	s = trimCurrency(s, code)
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = trimCurrency(s[1:], code)
	}
	mant, exp, hasExp := strings.Cut(s, "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	if hasDot && !major {
		return 0, bad("money", raw, "amount in minor units must be a whole number")
	}
	whole, ok := ungroup(whole)
	if !ok || whole+frac == "" || keepDigits(whole+frac) != whole+frac {
		return 0, bad("money", raw, "not a number")
	}
	shift := scale - len(frac) // minor units = digits × 10^shift
	if hasExp {
		e, err := exponent(exp)
		if err != nil {
			return 0, bad("money", raw, err.Error())
		}
		shift += e
	}
	mag, err := scaleDigits(strings.TrimLeft(whole+frac, "0"), shift, !major)
	if err != nil {
		return 0, bad("money", raw, err.Error())
	}
	switch {
	case neg && mag <= math.MaxInt64+1:
		return int64(-mag), nil // wraps to MinInt64 for 2^63, as intended
	case !neg && mag <= math.MaxInt64:
		return int64(mag), nil
	}
	return 0, bad("money", raw, "out of range")
}

// trimCurrency drops a leading ¥/￥/rmb/cny/$/r$/€/£ or the currency's code and a trailing
// 元/rmb/cny/$/€/£ or the code from a lower-cased amount.
func trimCurrency(s, code string) string {
	for _, p := range []string{"¥", "￥", "rmb", "cny", "r$", "$", "€", "£", code} {
		if p != "" {
			s = strings.TrimPrefix(s, p)
		}
	}
	for _, p := range []string{"元", "rmb", "cny", "$", "€", "£", code} {
		if p != "" {
			s = strings.TrimSuffix(s, p)
		}
	}
	return s
}

// ungroup removes thousands separators from the integer part of a number,
// checking that they group by three (1,234,567).
func ungroup(s string) (string, bool) {
	parts := strings.Split(s, ",")
	if len(parts) == 1 {
		return s, true
	}
	for i, p := range parts {
		if i == 0 && (len(p) == 0 || len(p) > 3) || i > 0 && len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// exponent parses the part after e in 1.5e+2. Huge exponents are clamped:
// the result then overflows or rounds to zero.
func exponent(s string) (int, error) {
	sign := 1
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		s, sign = rest, -1
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	if s == "" || keepDigits(s) != s {
		return 0, errors.New("bad exponent")
	}
	if s = strings.TrimLeft(s, "0"); s == "" {
		return 0, nil
	}
	if len(s) > 4 {
		return sign * 10000, nil
	}
	e, _ := strconv.Atoi(s)
	return sign * e, nil
}

// scaleDigits returns the decimal digits d (no leading zeros) times
// 10^shift. When shift is negative the dropped digits must be zeros if exact,
// and are otherwise rounded half away from zero.
func scaleDigits(d string, shift int, exact bool) (uint64, error) {
	if d == "" {
		return 0, nil
	}
	up := false
	if shift >= 0 {
		if len(d)+shift > 19 {
			return 0, errors.New("out of range")
		}
		d += strings.Repeat("0", shift)
	} else {
		cut := max(len(d)+shift, 0)
		dropped := d[cut:]
		if exact && strings.Trim(dropped, "0") != "" {
			return 0, errors.New("not a whole number of fen")
		}
		up = len(dropped) == -shift && dropped[0] >= '5' // else the first dropped digit is a leading 0
		d = d[:cut]
	}
	if len(d) > 19 {
		return 0, errors.New("out of range")
	}
	n, _ := strconv.ParseUint("0"+d, 10, 64) // at most 20 digits with a leading 0: cannot fail
	if up {
		n++
	}
	return n, nil
}

// Int parses an integer, width folded, allowing a trailing ".0" (or ".00")
// as float exports write whole numbers; any other fraction is an error.
func Int(raw string) (int64, error) {
	s := Fold(raw)
	if s == "" {
		return 0, bad("integer", raw, "empty")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (frac == "" || strings.Trim(frac, "0") != "") {
		return 0, bad("integer", raw, "has a fraction")
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, bad("integer", raw, "out of range")
	}
	if err != nil {
		return 0, bad("integer", raw, "not an integer")
	}
	return n, nil
}
