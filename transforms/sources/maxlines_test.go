package sources

import (
	"strings"
	"testing"
)

func TestMaxRecordLines(t *testing.T) {
	cfg, err := Parse([]byte("sources:\n"+
		"  - {name: a, kind: tickets, format: csv, path: x, multiline: true}\n"+
		"  - {name: b, kind: tickets, format: csv, path: x, multiline: true, max_record_lines: 7}\n"+
		"  - {name: c, kind: tickets, format: csv, path: x}\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{DefaultMaxRecordLines, 7, 0} {
		if got := cfg.Sources[i].MaxRecordLines; got != want {
			t.Errorf("source %s: max_record_lines %d, want %d", cfg.Sources[i].Name, got, want)
		}
	}
	for text, want := range map[string]string{
		"sources:\n  - {name: a, kind: tickets, format: csv, path: x, multiline: true, max_record_lines: -1}": "negative",
		"sources:\n  - {name: a, kind: tickets, format: csv, path: x, max_record_lines: 5}":                   "applies to multiline sources",
	} {
		if _, err := Parse([]byte(text), "s.yaml"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", text, err, want)
		}
	}
}
