package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/buger/jsonparser"
	"github.com/valyala/fastjson"

	"github.com/shopportraits/portraits/transforms/sources"
)

// MaxLineBytes bounds one JSON line; a longer line is rejected without being held in memory.
const MaxLineBytes = 16 << 20

// readJSONL reads a JSON Lines task: one object per line. A line that is not valid UTF-8, not a
// JSON object, or longer than MaxLineBytes is rejected with its line number.
func readJSONL(ctx context.Context, o *output) error {
	rc, err := openText(ctx, o.task.File, o.src.Gzip, o.task.Start, o.task.End)
	if err != nil {
		return err
	}
	defer rc.Close()
	return readJSONLines(o, rc)
}

func readJSONLines(o *output, r io.Reader) error {
	br := bufio.NewReaderSize(r, 256<<10)
	if o.task.Start == 0 {
		if err := stripBOM(br); err != nil {
			return fmt.Errorf("read %s: %w", o.task.File, err)
		}
	}
	byColumn := map[string][]string{}
	for field, col := range mappedColumns(o.src) {
		byColumn[col] = append(byColumn[col], field)
	}
	personal := personalKeys(o.src)
	var line int64
	for {
		text, tooLong, err := readLine(br)
		if len(text) > 0 || tooLong {
			line++
			parseJSONLine(o, line, text, tooLong, byColumn, personal)
		} else if err == nil {
			line++ // an empty line is not a record, but it counts for line numbers
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s line %d: %w", o.task.File, line+1, err)
		}
	}
}

// readLine returns the next line without its end of line. A line that fits the reader's buffer is
// returned in place, valid until the next read; a longer one is gathered into a new slice. A line
// over MaxLineBytes is consumed and reported as too long, with its first bytes.
func readLine(br *bufio.Reader) ([]byte, bool, error) {
	chunk, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return bytes.TrimRight(chunk, "\r\n"), false, err
	}
	buf := append([]byte(nil), chunk...)
	tooLong := false
	for err == bufio.ErrBufferFull {
		chunk, err = br.ReadSlice('\n')
		if tooLong {
			continue
		}
		if len(buf)+len(chunk) > MaxLineBytes {
			tooLong = true
			buf = append(buf, chunk[:min(len(chunk), MaxRawBytes)]...)
		} else {
			buf = append(buf, chunk...)
		}
	}
	return bytes.TrimRight(buf, "\r\n"), tooLong, err
}

func parseJSONLine(o *output, line int64, text []byte, tooLong bool, byColumn map[string][]string,
	personal *regexp.Regexp) {
	if len(bytes.TrimSpace(text)) == 0 {
		return
	}
	o.read()
	raw := string(text)
	fail := func(reason, detail string) {
		o.fail(line, 0, reason, detail, raw, personalIn(personal, raw))
	}
	if tooLong {
		fail("line_too_long", fmt.Sprintf("line longer than %d bytes", MaxLineBytes))
		return
	}
	if !utf8.Valid(text) {
		fail("invalid_utf8", "line is not valid UTF-8")
		return
	}
	fields, ok := objectFields(text, raw, byColumn)
	if !ok {
		fail("bad_json", jsonError(text))
		return
	}
	if f := o.lacks(func(field string) bool { _, ok := fields[field]; return ok }); f != "" {
		o.missing(line, 0, f, "key", "", raw, personalIn(personal, raw))
		return
	}
	o.emit(line, 0, fields, raw)
}

// objectFields renders the mapped keys of a JSON object line (text, and raw, the same bytes as a
// string) as fields; ok is false when the line is not one valid JSON object. A duplicated key keeps
// its last value, as encoding/json does.
//
// Most lines hold no escape sequence: they are checked by fastjson's validator and walked by
// jsonparser, both without allocating, and each string, number or boolean value is a substring of
// raw (no copy per field). Lines with escapes take encoding/json, which unescapes exactly as the
// readers of these files expect (invalid surrogates become U+FFFD). Both are fast, well-kept
// libraries; encoding/json alone was a sixth of the nightly's CPU time.
func objectFields(text []byte, raw string, byColumn map[string][]string) (map[string]string, bool) {
	if bytes.IndexByte(text, '\\') >= 0 {
		return decodedFields(text, byColumn)
	}
	if fastjson.ValidateBytes(text) != nil {
		return nil, false
	}
	fields := make(map[string]string, len(byColumn))
	err := jsonparser.ObjectEach(
		text,
		func(key, value []byte, typ jsonparser.ValueType, end int) error {
			names := byColumn[string(key)]
			if len(names) == 0 {
				return nil
			}
			var v string
			switch typ {
			case jsonparser.String: // end is past the closing quote
				v = raw[end-1-len(value) : end-1]
			case jsonparser.Number, jsonparser.Boolean:
				v = raw[end-len(value) : end]
			case jsonparser.Null:
			default:
				v = rawString(value) // arrays and objects
			}
			for _, name := range names {
				fields[name] = v
			}
			return nil
		},
	)
	return fields, err == nil
}

// decodedFields is objectFields through encoding/json.
func decodedFields(text []byte, byColumn map[string][]string) (map[string]string, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		return nil, false
	}
	fields := make(map[string]string, len(byColumn))
	for col, names := range byColumn {
		if v, ok := obj[col]; ok {
			for _, name := range names {
				fields[name] = rawString(v)
			}
		}
	}
	return fields, true
}

// personalKeys matches a key of the source's personal fields and its value (a string, quotes
// and escapes kept, or a scalar) anywhere in a line, whether or not the line is valid JSON; nil
// when the source maps none.
func personalKeys(src sources.Source) *regexp.Regexp {
	var keys []string
	for _, f := range personalFields {
		if c := src.Column(f); c != "" {
			keys = append(keys, regexp.QuoteMeta(c))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	value := `("(?:[^"\\]|\\.)*"?|[^,}\s]+)`
	return regexp.MustCompile(`"(?:` + strings.Join(keys, "|") + `)"\s*:\s*` + value)
}

// personalIn returns the values of a line's personal keys, as written (see personalKeys).
func personalIn(keys *regexp.Regexp, raw string) []string {
	if keys == nil {
		return nil
	}
	var out []string
	for _, m := range keys.FindAllStringSubmatch(raw, -1) {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(m[1], `"`), `"`))
	}
	return out
}

// mappedColumns returns field -> column for the fields the source maps.
func mappedColumns(src sources.Source) map[string]string {
	out := map[string]string{}
	for _, f := range src.Fields() {
		if col := src.Column(f.Name); col != "" {
			out[f.Name] = col
		}
	}
	return out
}

// jsonError says what is wrong with a line that is not one JSON object.
func jsonError(text []byte) string {
	dec := json.NewDecoder(bytes.NewReader(text))
	var obj map[string]any
	switch err := dec.Decode(&obj); {
	case err != nil:
		return err.Error()
	case obj == nil:
		return "line is not a JSON object"
	}
	return "text after the JSON object"
}

// rawString renders a raw JSON value, from a line already checked as valid UTF-8 and valid JSON, as
// jsonString renders the decoded value.
func rawString(v json.RawMessage) string {
	switch v[0] {
	case '"':
		if bytes.IndexByte(v, '\\') < 0 {
			return string(v[1 : len(v)-1]) // nothing to unescape
		}
	case 'n':
		return ""
	case 't', 'f':
		return string(v)
	case '[', '{':
	default:
		return string(v) // a number, as json.Number keeps it
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return string(v) // cannot happen: the line was decoded as JSON
	}
	return jsonString(x)
}

// jsonString renders a JSON value as the string the clean stage parses: arrays of scalars joined by
// |, objects as compact JSON, null as empty.
func jsonString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = jsonString(e)
		}
		return strings.Join(parts, "|")
	default:
		b, _ := json.Marshal(t) // values decoded from JSON marshal again
		return string(b)
	}
}
