package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// strayQuoteFile is a valid CSV file of the ticket test source with one quote inserted.
type strayQuoteFile struct {
	data    []byte
	rows    [][]string // the rows as written, the header first
	start   []int      // first line of each row (the header's is 1)
	offset  []int      // byte offset of each row in data before the quote
	hit     int        // the row the quote went into
	maxLine int        // the file's last line
}

// fuzzAlphabet is what the fuzzer's bytes become in fields: letters, digits, CJK, spaces, and the
// characters CSV quotes for (commas, quotes, line breaks).
var fuzzAlphabet = []string{"a", "b", "1", "张", " ", ",", "\"", "\n", "x", "\"\"", ",\"", "\"\n"}

// strayQuote builds rows from the fuzzer's bytes (a byte of 240 or more ends a field), writes them
// with encoding/csv, and inserts a quote at pos within the rows. With multiline false the fields
// hold no line break; no row spans more than maxLines lines.
func strayQuote(seed []byte, pos uint16, multiline bool, maxLines int) strayQuoteFile {
	header := []string{"id", "phone", "body", "at"}
	rows := [][]string{header}
	field, row := 1, []string{"r1", "", "", ""}
	breaks := 0
	for _, b := range seed {
		if len(rows) > 20 {
			break
		}
		if b >= 240 {
			if field++; field == len(header) {
				rows = append(rows, row)
				field, row, breaks = 1, []string{fmt.Sprintf("r%d", len(rows)), "", "", ""}, 0
			}
			continue
		}
		s := fuzzAlphabet[int(b)%len(fuzzAlphabet)]
		if strings.Contains(s, "\n") {
			if !multiline || breaks+1 >= maxLines {
				s = strings.ReplaceAll(s, "\n", "")
			} else {
				breaks++
			}
		}
		row[field] += s
	}
	rows = append(rows, row)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	f := strayQuoteFile{rows: rows}
	line := 1
	for _, r := range rows {
		f.offset = append(f.offset, buf.Len())
		f.start = append(f.start, line)
		w.Write(r)
		w.Flush()
		line = 1 + bytes.Count(buf.Bytes(), []byte("\n"))
	}
	f.maxLine = line - 1
	text := buf.Bytes()
	body := len(text) - f.offset[1]
	at := f.offset[1] + int(pos)%body
	f.hit = 1
	for i := 1; i < len(rows); i++ {
		if f.offset[i] <= at {
			f.hit = i
		}
	}
	f.data = append(append(append([]byte(nil), text[:at]...), '"'), text[at:]...)
	return f
}

// lines returns the first and last line of row i.
func (f strayQuoteFile) lines(i int) (int, int) {
	if i+1 < len(f.start) {
		return f.start[i], f.start[i+1] - 1
	}
	return f.start[i], f.maxLine
}

// ambiguous reports whether the corrupted text is valid CSV that reads differently: from a line of
// the hit row, encoding/csv reads one record of the header's width, within maxLines lines, that
// ends past the hit row. No reader can tell that from a field that holds line breaks; the
// property below does not hold there.
func (f strayQuoteFile) ambiguous(maxLines int) bool {
	first, last := f.lines(f.hit)
	text := string(f.data)
	lineStart := 0
	for line := 1; line <= last; line++ {
		if line >= first {
			cr := csv.NewReader(strings.NewReader(text[lineStart:]))
			cr.FieldsPerRecord = -1
			rec, err := cr.Read()
			if err == nil && len(rec) == 4 {
				consumed := text[lineStart : lineStart+int(cr.InputOffset())]
				spans := strings.Count(strings.TrimSuffix(consumed, "\n"), "\n") + 1
				if line+spans-1 > last && spans <= maxLines {
					return true
				}
			}
		}
		next := strings.IndexByte(text[lineStart:], '\n')
		if next < 0 {
			break
		}
		lineStart += next + 1
	}
	return false
}

// FuzzCSVStrayQuote inserts a quote anywhere in a valid CSV file: the row it hits may be lost, in
// rejects or in odd records from its own lines, but every other row is read as written, at its
// line, and the counts add up. Multiline sources keep that unless the corrupted text is itself
// valid CSV in which a field runs into the following rows (see ambiguous).
func FuzzCSVStrayQuote(f *testing.F) {
	f.Add([]byte("abc\xf0def\xf0ghi\xf0jkl\xf0mno\xf0pqr"), uint16(0), true)
	f.Add([]byte("a\x07b\xf0\x06c\xf0d\xf0e\xf0f\xf0g\xf0h"), uint16(9), true)
	f.Add([]byte("ab\xf0cd\xf0ef\xf0gh\xf0ij\xf0kl\xf0mn\xf0op\xf0qr"), uint16(13), false)
	f.Add([]byte("\x05\x04\x03\xf0\x07\x07\x07\xf0\x02\xf0\x0b\xf0\x05\xf0\x06"), uint16(21), true)
	dir := f.TempDir()
	const maxLines = 6
	f.Fuzz(func(t *testing.T, seed []byte, pos uint16, multiline bool) {
		sq := strayQuote(seed, pos, multiline, maxLines)
		if multiline && sq.ambiguous(maxLines) {
			return
		}
		file := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(file, sq.data, 0o644); err != nil {
			t.Fatal(err)
		}
		src := ticketSource()
		src.Multiline, src.MaxRecordLines = multiline, maxLines
		if !multiline {
			src.MaxRecordLines = 0
		}
		c, err := readTask(t, src, Task{Source: "tickets", File: file})
		if err != nil {
			t.Fatalf("%q: %v", sq.data, err)
		}
		c.balanced(t)
		first, last := sq.lines(sq.hit)
		hit := fmt.Sprintf("quote in row %d (lines %d-%d) of %q", sq.hit, first, last, sq.data)
		read := map[int64]Record{}
		for _, r := range c.records {
			read[r.Line] = r
		}
		for i := 1; i < len(sq.rows); i++ {
			if i == sq.hit {
				continue
			}
			row := sq.rows[i]
			want := map[string]string{"ticket_id": row[0], "phone": row[1], "text": row[2],
				"created_at": row[3]}
			r, ok := read[int64(sq.start[i])]
			if !ok || !maps.Equal(r.Fields, want) {
				t.Fatalf("%s: row %d at line %d read as %q, want %q\nrecords %s\nrejects %s",
					hit, i, sq.start[i], r.Fields, want, ids(c), rejectsAt(c))
			}
			delete(read, int64(sq.start[i]))
		}
		for line := range read {
			if line < int64(first) || line > int64(last) {
				t.Fatalf("%s: a record at line %d", hit, line)
			}
		}
		for _, r := range c.rejects {
			if r.Line < int64(first) || r.Line > int64(last) {
				t.Fatalf("%s: a reject at line %d (%s)", hit, r.Line, r.Reason)
			}
		}
	})
}
