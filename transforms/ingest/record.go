// Package ingest reads each configured source (glob, format, encoding, column mapping) into Records:
// one per input row, holding the row's canonical fields as strings, or a Reject naming the source,
// file, line (or row group) and reason when the row cannot be parsed. A missing or unreadable source
// fails the run with a message naming it, unless the config marks it optional.
package ingest

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
)

// Record is one parsed input row: its canonical fields (as the source's column mapping names them)
// and where it came from.
type Record struct {
	Source   string
	File     string
	Line     int64 // 1-based line of a text file, counted from Offset; row within the row group for Parquet
	RowGroup int32 // Parquet row group, 1-based; 0 for text files
	Offset   int64 // byte offset of the split the line is counted from; 0 for whole files
	Fields   map[string]string
	Raw      string // the raw line of a JSONL file; empty otherwise (RawText rebuilds it)
}

// Origin is where the record was read.
func (r Record) Origin() schemas.Origin {
	return schemas.Origin{File: r.File, RowGroup: r.RowGroup, Offset: r.Offset, Line: r.Line}
}

// RawText is the record as text for a reject: the raw line when there is one, else its fields as JSON.
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

// personalFields are the canonical fields whose values are blanked out of a reject's raw text, on top
// of the pattern masking NewReject applies to any text.
var personalFields = []string{"name", "nickname", "phone", "email", "phone_hint"}

// Reject makes a reject for this record at the given stage, with its raw text masked: the values of
// its personal fields are replaced by *** and phones, e-mails and ID numbers masked.
func (r Record) Reject(stage, reason, detail string) schemas.Reject {
	raw := r.RawText()
	for _, f := range personalFields {
		if v := strings.TrimSpace(r.Fields[f]); len(v) > 1 {
			raw = strings.ReplaceAll(raw, v, "***")
		}
	}
	return NewReject(r.Source, stage, reason, detail, r.File, r.Line, r.RowGroup, r.Offset, raw)
}

// MaxRawBytes bounds the raw text kept with a reject.
const MaxRawBytes = 2048

// NewReject builds a reject with phones, e-mails and ID numbers masked out of the raw text, cut to
// MaxRawBytes on a character boundary.
func NewReject(source, stage, reason, detail, file string, line int64, rowGroup int32, offset int64, raw string) schemas.Reject {
	raw = normalize.MaskPII(strings.ToValidUTF8(raw, "\uFFFD"))
	if len(raw) > MaxRawBytes {
		cut := MaxRawBytes
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
	}
	return schemas.Reject{
		Source: source, Stage: stage, Reason: reason, Detail: normalize.MaskPII(detail),
		File: file, Line: line, RowGroup: rowGroup, Offset: offset, Raw: raw,
	}
}
