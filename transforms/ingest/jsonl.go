package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopportraits/portraits/transforms/sources"
)

// MaxLineBytes bounds one JSON line; a longer line is rejected without being held in memory.
const MaxLineBytes = 16 << 20

// readJSONL reads a JSON Lines task: one object per line. A line that is not valid UTF-8, not a JSON
// object, or longer than MaxLineBytes is rejected with its line number.
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
	columns := mappedColumns(o.src)
	var line int64
	for {
		text, tooLong, err := readLine(br)
		if len(text) > 0 || tooLong {
			line++
			parseJSONLine(o, line, text, tooLong, columns)
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

// readLine returns the next line without its end of line. A line over MaxLineBytes is consumed and
// reported as too long, with its first bytes.
func readLine(br *bufio.Reader) ([]byte, bool, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxLineBytes {
				tooLong = true
				buf = append(buf, chunk[:min(len(chunk), MaxRawBytes)]...)
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, err
	}
}

func parseJSONLine(o *output, line int64, text []byte, tooLong bool, columns map[string]string) {
	if len(bytes.TrimSpace(text)) == 0 {
		return
	}
	o.read()
	raw := string(text)
	if tooLong {
		o.fail(line, 0, "line_too_long", fmt.Sprintf("line longer than %d bytes", MaxLineBytes), raw)
		return
	}
	if !utf8.Valid(text) {
		o.fail(line, 0, "invalid_utf8", "line is not valid UTF-8", raw)
		return
	}
	// Values stay raw until a mapped column asks for one: unmapped keys cost a scan, not a value.
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		o.fail(line, 0, "bad_json", jsonError(text), raw)
		return
	}
	fields := make(map[string]string, len(columns))
	for field, col := range columns {
		if v, ok := obj[col]; ok {
			fields[field] = rawString(v)
		}
	}
	for _, f := range sources.Kinds[o.src.Kind] {
		if _, ok := fields[f.Name]; f.Required && !ok && columns[f.Name] != "" {
			o.fail(line, 0, "missing_field", fmt.Sprintf("key %q (field %s) is absent", columns[f.Name], f.Name), raw)
			return
		}
	}
	o.emit(line, 0, fields, raw)
}

// mappedColumns returns field -> column for the fields the source maps.
func mappedColumns(src sources.Source) map[string]string {
	out := map[string]string{}
	for _, f := range sources.Kinds[src.Kind] {
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

// jsonString renders a JSON value as the string the clean stage parses: arrays of scalars joined by |,
// objects as compact JSON, null as empty.
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
