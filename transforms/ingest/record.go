// Package ingest reads each configured source (glob, format, encoding, column mapping) into
// Records: one per input row, holding the row's canonical fields as strings, or a Reject naming the
// source, file, line (or row group) and reason when the row cannot be parsed. A missing or
// unreadable source fails the run with a message naming it, unless the config marks it optional.
package ingest

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
)

// Record is one parsed input row: its canonical fields (as the source's column mapping names them)
// and where it came from.
type Record struct {
	Source string
	File   string
	// Line is the 1-based line of a text file, counted from Offset; the row within the row group
	// for Parquet.
	Line     int64
	RowGroup int32 // Parquet row group, 1-based; 0 for text files
	Offset   int64 // byte offset of the split the line is counted from; 0 for whole files
	Fields   map[string]string
	Raw      string // the raw line of a JSONL file; empty otherwise (RawText rebuilds it)
}

// Origin is where the record was read.
func (r Record) Origin() schemas.Origin {
	return schemas.Origin{File: r.File, RowGroup: r.RowGroup, Offset: r.Offset, Line: r.Line}
}

// RawText is the record as text for a reject: the raw line when there is one, else its fields as
// JSON.
func (r Record) RawText() string {
	if r.Raw != "" {
		return r.Raw
	}
	keys := make([]string, 0, len(r.Fields))
	for k := range r.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ordered := make([][2]string, len(keys))
	for i, k := range keys {
		ordered[i] = [2]string{k, r.Fields[k]}
	}
	b, _ := json.Marshal(ordered) // marshalling strings cannot fail
	return string(b)
}

// personalFields are the canonical fields that identify a person or reach one: their values are
// blanked out of a reject's text, on top of the pattern masking every reject's text goes through.
var personalFields = []string{"name", "nickname", "phone", "email", "phone_hint", "device_id",
	"anonymous_id", "phone_md5", "phone_sha256"}

// personalValues returns the values of fields's personal fields.
func personalValues(fields map[string]string) []string {
	var out []string
	for _, f := range personalFields {
		if v, ok := fields[f]; ok {
			out = append(out, v)
		}
	}
	return out
}

// Reject makes a reject for this record at the given stage, its raw text masked as every reject's
// is (see NewReject), the values of its personal fields included.
func (r Record) Reject(stage, reason, detail string) schemas.Reject {
	return newReject(r.Source, stage, reason, detail, r.File, r.Line, r.RowGroup, r.Offset,
		r.RawText(), personalValues(r.Fields))
}

// MaxRawBytes bounds the raw text kept with a reject.
const MaxRawBytes = 2048

// NewReject builds a reject, its raw text and detail masked as every reject's are (maskRaw), the
// raw text cut to MaxRawBytes on a character boundary.
func NewReject(
	source, stage, reason, detail, file string,
	line int64,
	rowGroup int32,
	offset int64,
	raw string,
) schemas.Reject {
	return newReject(source, stage, reason, detail, file, line, rowGroup, offset, raw, nil)
}

// newReject is NewReject for a record some of whose personal values are known.
func newReject(source, stage, reason, detail, file string, line int64, rowGroup int32, offset int64,
	raw string, personal []string) schemas.Reject {
	raw = maskRaw(raw, personal)
	if len(raw) > MaxRawBytes {
		cut := MaxRawBytes
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
	}
	return schemas.Reject{
		Source: source, Stage: stage, Reason: reason, Detail: maskRaw(detail, personal),
		File: file, Line: line, RowGroup: rowGroup, Offset: offset, Raw: raw,
	}
}

// maskRaw is the one masking of a reject's text, whatever the stage that rejects: the personal
// values known of the record (its name, phone, device id ... as written) become ***, then
// normalize.Redact takes out every phone, e-mail and ID number it finds. A record that could not
// be read into fields gives what its reader could attribute to the personal columns, so names
// go too, and phones keep no digit.
func maskRaw(text string, personal []string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	// Longer values first, so that a value that holds another is blanked whole.
	longestFirst := func(a, b string) int { return len(b) - len(a) }
	for _, v := range slices.SortedFunc(slices.Values(personal), longestFirst) {
		if v = strings.TrimSpace(v); len(v) > 1 {
			text = strings.ReplaceAll(text, v, "***")
		}
	}
	return normalize.Redact(text)
}
