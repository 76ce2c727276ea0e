package normalize

import (
	"strings"
	"testing"
	"time"
)

func TestTimestamp(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// 2026-11-20 14:03:00 in Shanghai is 06:03:00 UTC.
	base := time.Date(2026, 11, 20, 6, 3, 0, 0, time.UTC).UnixMicro()
	ms := int64(123_000)
	midnight := time.Date(2026, 11, 19, 16, 0, 0, 0, time.UTC).UnixMicro()
	ok := []struct {
		in   string
		want int64
	}{
		{"2026-11-20T14:03:00+08:00", base},
		{"2026-11-20T06:03:00Z", base},
		{"2026-11-20T06:03:00.123Z", base + ms},
		{"2026-11-20T06:03:00.123456789Z", base + 123456},
		{"2026-11-20 14:03:00", base},
		{"2026-11-20 14:03:00.123", base + ms},
		{"2026-11-20T14:03:00", base},
		{"2026/11/20 14:03:00", base},
		{"2026/11/20 14:03", base},
		{"2026-11-20 14:03", base},
		{"20261120 140300", base},
		{"20261120140300", base},
		{"2026年11月20日 14:03:00", base},
		{"2026年11月20日 14:03", base},
		{"2026年11月20日14:03", base},
		{"2026-11-20", midnight},
		{"2026/11/20", midnight},
		{"20261120", midnight},
		{"2026-11-20 14:03:00 +0800", base},
		{"2026-11-20 14:03:00+08:00", base},
		{"2026-11-20 14:03:00+0800", base},
		{"2026-11-20 14:03:00.123+08:00", base + ms},
		{"2026-11-20T14:03:00.123+0800", base + ms},
		{"2026-11-20T01:03:00-05:00", base},
		{"2026-11-20 14:03 +0800", base},
		{"2026-11-20 06:03:00 UTC", base},
		{"2026-11-20 06:03:00Z", base},
		{"1795154580", base},
		{"1795154580123", base + ms},
		{"1795154580.5", base + 500_000},
		{"1795154580.1234567", base + 123456},
		{"１７９５１５４５８０", base},
		{"２０２６－１１－２０　１４：０３：００", base},
		{"  2026-11-20 14:03:00\x00 ", base},
	}
	for _, c := range ok {
		got, err := Timestamp(c.in, sh)
		if err != nil || got != c.want {
			t.Errorf(
				"Timestamp(%q) = %v, %v; want %v",
				c.in,
				time.UnixMicro(got).UTC(),
				err,
				time.UnixMicro(c.want).UTC(),
			)
		}
	}
	// Values without a zone are read in loc; nil means UTC.
	if got, _ := Timestamp("2026-11-20 06:03:00", nil); got != base {
		t.Errorf("nil loc: %v", time.UnixMicro(got).UTC())
	}
	bad := []struct{ in, why string }{
		{"", "empty"},
		{" \u3000", "empty"},
		{"20/11/2026 14:03", "unrecognised"},
		{"11/20/2026 14:03", "unrecognised"},
		{"2026-13-01", "unrecognised"},
		{"2026-02-30", "unrecognised"},
		{"2026-11-20 25:00", "unrecognised"},
		{"yesterday", "unrecognised"},
		{"2026-11-20 14:03:00 CST", "unrecognised"},
		{"1899-12-31 23:59:59", "year 1899"},
		{"0001-01-01T00:00:00Z", "year 1"},
		{"9999-12-31 23:59:59", "year 9999"},
		{"2101-01-01", "year 2101"},
		{"9999999999", "year 2286"},
		{"12345", "unrecognised"},
		{"123456789.5", "10 (seconds) or 13"},
		{"1795154580.", "unrecognised"},
		{"-1795154580", "unrecognised"},
	}
	for _, c := range bad {
		got, err := Timestamp(c.in, sh)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Timestamp(%q) = %v, %v; want error containing %q", c.in, got, err, c.why)
		}
	}
}

func TestDate(t *testing.T) {
	for _, in := range []string{"1990-01-02", "1990/1/2", "19900102", "1990年1月2日", "1990.01.02",
		"１９９０－０１－０２", " 1990-1-2 "} {
		y, m, d, err := Date(in)
		if err != nil || y != 1990 || m != 1 || d != 2 {
			t.Errorf("Date(%q) = %d-%d-%d, %v", in, y, m, d, err)
		}
	}
	if y, m, d, err := Date("2000-02-29"); err != nil || y != 2000 || m != 2 || d != 29 {
		t.Errorf("leap day: %d-%d-%d, %v", y, m, d, err)
	}
	bad := []struct{ in, why string }{
		{"", "empty"},
		{"1990-02-30", "no such date"},
		{"1991-02-29", "no such date"},
		{"1990-13-01", "no such date"},
		{"02/01/1990", "not a date"},
		{"1990-01-02 00:00:00", "not a date"},
		{"1890-01-02", "year 1890"},
		{"abc", "not a date"},
		{"1990102", "not a date"},
	}
	for _, c := range bad {
		_, _, _, err := Date(c.in)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Date(%q) error = %v, want %q", c.in, err, c.why)
		}
	}
}
