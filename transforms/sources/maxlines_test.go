package sources

import (
	"strings"
	"testing"
)

func TestMaxRecordLines(t *testing.T) {
	const source = "\n  - {kind: tickets, format: csv, path: x, "
	cfg, err := Parse([]byte("sources:"+
		source+"name: a, multiline: true}"+
		source+"name: b, multiline: true, max_record_lines: 7}"+
		source+"name: c}\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{DefaultMaxRecordLines, 7, 0} {
		if got := cfg.Sources[i].MaxRecordLines; got != want {
			t.Errorf("source %s: max_record_lines %d, want %d", cfg.Sources[i].Name, got, want)
		}
	}
	for text, want := range map[string]string{
		"sources:" + source + "name: a, multiline: true, max_record_lines: -1}": "negative",
		"sources:" + source + "name: a, max_record_lines: 5}":                   "applies to multiline",
	} {
		if _, err := Parse([]byte(text), "s.yaml"); err == nil ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", text, err, want)
		}
	}
}
