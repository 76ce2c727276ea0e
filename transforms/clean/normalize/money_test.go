package normalize

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestMoney(t *testing.T) {
	ok := []struct {
		in, unit string
		want     int64
	}{
		{"¥1,234.50", Yuan, 123450},
		{"￥12", Yuan, 1200},
		{"1234.5", Yuan, 123450},
		{"RMB 99.9", Yuan, 9990},
		{"rmb99.9", Yuan, 9990},
		{"99.90元", Yuan, 9990},
		{"99.90 CNY", Yuan, 9990},
		{"１２３４．５０", Yuan, 123450},
		{"￥１，２３４", Yuan, 123400},
		{"-5.00", Yuan, -500},
		{"-¥5", Yuan, -500},
		{"¥-5", Yuan, -500},
		{"+5", Yuan, 500},
		{"1e3", Yuan, 100000},
		{"1.5E+2", Yuan, 15000},
		{"1.2345e2", Yuan, 12345},
		{"1e-2", Yuan, 1},
		{"0.005", Yuan, 1},
		{"0.0049", Yuan, 0},
		{"-0.005", Yuan, -1},
		{"1.234", Yuan, 123},
		{"1.235", Yuan, 124},
		{"-1.235", Yuan, -124},
		{"0.5e-2", Yuan, 1},
		{"1e-99999", Yuan, 0},
		{"0e99999", Yuan, 0},
		{".5", Yuan, 50},
		{"5.", Yuan, 500},
		{"0", Yuan, 0},
		{"92233720368547758.07", Yuan, math.MaxInt64},
		{"-92233720368547758.08", Yuan, math.MinInt64},
		{"12345", Fen, 12345},
		{"¥12,345", Fen, 12345},
		{"-7", Fen, -7},
		{"1e3", Fen, 1000},
		{"15000e-2", Fen, 150},
		{"9223372036854775807", Fen, math.MaxInt64},
	}
	for _, c := range ok {
		got, err := Money(c.in, c.unit)
		if err != nil || got != c.want {
			t.Errorf("Money(%q, %s) = %d, %v; want %d", c.in, c.unit, got, err, c.want)
		}
	}
	bad := []struct{ in, unit, why string }{
		{"", Yuan, "empty"},
		{" ", Yuan, "empty"},
		{"abc", Yuan, "not a number"},
		{"¥", Yuan, "not a number"},
		{"-", Yuan, "not a number"},
		{".", Yuan, "not a number"},
		{"NaN", Yuan, "not a number"},
		{"Inf", Yuan, "not a number"},
		{"-Inf", Yuan, "not a number"},
		{"1.2.3", Yuan, "not a number"},
		{"1,23", Yuan, "not a number"},
		{"12,34.5", Yuan, "not a number"},
		{",123", Yuan, "not a number"},
		{"1 2", Yuan, ""}, // whitespace is removed: 12 yuan
		{"--5", Yuan, "not a number"},
		{"1e", Yuan, "bad exponent"},
		{"1e+", Yuan, "bad exponent"},
		{"1ee3", Yuan, "bad exponent"},
		{"92233720368547758.08", Yuan, "out of range"},
		{"-92233720368547758.09", Yuan, "out of range"},
		{"1e17", Yuan, "out of range"},
		{"1e99999", Yuan, "out of range"},
		{"99999999999999999999999", Fen, "out of range"},
		{"12.50", Fen, "whole number"},
		{"15e-1", Fen, "not a whole number of fen"},
		{"1", "jiao", "unknown unit"},
	}
	for _, c := range bad {
		got, err := Money(c.in, c.unit)
		if c.why == "" {
			if err != nil {
				t.Errorf("Money(%q) = %v", c.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf(
				"Money(%q, %s) = %d, %v; want error containing %q",
				c.in,
				c.unit,
				got,
				err,
				c.why,
			)
		}
	}
}

func TestFormatYuanRoundTrips(t *testing.T) {
	for fen, want := range map[int64]string{
		0: "0.00", 5: "0.05", -5: "-0.05", 123450: "1234.50", -100: "-1.00",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08",
	} {
		if got := formatYuan(fen); got != want {
			t.Errorf("formatYuan(%d) = %q, want %q", fen, got, want)
		}
		if back, err := Money(want, Yuan); err != nil || back != fen {
			t.Errorf("Money(formatYuan(%d)) = %d, %v", fen, back, err)
		}
	}
}

func TestInt(t *testing.T) {
	for in, want := range map[string]int64{
		"42": 42, "-42": -42, "+7": 7, " 42 ": 42, "４２": 42, "42.0": 42, "42.00": 42, "0": 0,
		"9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64,
	} {
		got, err := Int(in)
		if err != nil || got != want {
			t.Errorf("Int(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"": "empty", "42.5": "fraction", "42.": "fraction", "4 2": "not an integer",
		"abc": "not an integer",
		"1e3": "not an integer", "9223372036854775808": "out of range", "0x10": "not an integer",
		"1_000": "not an integer",
	} {
		if got, err := Int(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("Int(%q) = %d, %v; want error containing %q", in, got, err, why)
		}
	}
}

// TestMinorUnits reads amounts of other currencies: major units with the currency's own number
// of decimals, minor units as whole numbers, and the currency's code and common marks.
func TestMinorUnits(t *testing.T) {
	cases := []struct {
		raw, code string
		digits    int
		major     bool
		want      int64
	}{
		{"129.90", "BRL", 2, true, 12990},
		{"R$ 1,234.5", "BRL", 2, true, 123450},
		{"12990", "BRL", 2, false, 12990},
		{"BRL 7.35", "BRL", 2, true, 735},
		{"7.35 brl", "BRL", 2, true, 735},
		{"1200", "JPY", 0, true, 1200},
		{"¥1,200", "JPY", 0, true, 1200},
		{"12.5", "JPY", 0, true, 13},
		{"1.234", "BHD", 3, true, 1234},
		{"$19.99", "USD", 2, true, 1999},
		{"-€3.10", "EUR", 2, true, -310},
	}
	for _, c := range cases {
		got, err := MinorUnits(c.raw, c.code, c.digits, c.major)
		if err != nil || got != c.want {
			t.Errorf(
				"MinorUnits(%q, %s, %d, %v) = %d, %v; want %d",
				c.raw,
				c.code,
				c.digits,
				c.major,
				got,
				err,
				c.want,
			)
		}
	}
	for _, raw := range []string{"12.5", "USD", "abc", "1.2.3"} {
		if got, err := MinorUnits(raw, "USD", 2, false); err == nil {
			t.Errorf("MinorUnits(%q) in minor units = %d, want an error", raw, got)
		}
	}
}

// formatYuan formats an amount in fen as yuan with two decimals ("-1234.50"), the oracle of the
// tests: Money(formatYuan(x), Yuan) == x for every x.
func formatYuan(fen int64) string {
	sign, mag := "", uint64(fen)
	if fen < 0 {
		sign, mag = "-", uint64(-(fen+1))+1
	}
	return fmt.Sprintf("%s%d.%02d", sign, mag/100, mag%100)
}
