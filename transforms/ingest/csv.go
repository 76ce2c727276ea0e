package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/shopportraits/portraits/transforms/sources"
)

// readCSV reads a CSV task: the header from the file's first line, then the task's rows. A row that
// cannot be parsed, has the wrong number of fields or holds invalid text is rejected with its line.
// A file without a byte (or with a byte order mark alone) is empty: it has no rows.
func readCSV(ctx context.Context, o *output) error {
	src, task := o.src, o.task
	header, headerLen, err := readCSVHeader(ctx, src, task.File)
	if err != nil || header == nil {
		return err
	}
	index, err := columnIndex(src, header, task.File)
	if err != nil {
		return err
	}
	start := task.Start
	if start == 0 {
		start = headerLen // the rows begin after the header line
	}
	rc, err := openText(ctx, task.File, src.Gzip, start, task.End)
	if err != nil {
		return err
	}
	defer rc.Close()
	if src.Gzip {
		// Gzip files are read whole: skip the header line again, counting it.
		br := bufio.NewReader(rc)
		if _, err := br.ReadSlice('\n'); err != nil && err != io.EOF {
			return fmt.Errorf("read %s: %w", task.File, err)
		}
		return readCSVRows(o, br, index, len(header), 1)
	}
	firstLine := int64(0)
	if task.Start == 0 {
		firstLine = 1 // line 1 is the header
	}
	return readCSVRows(o, rc, index, len(header), firstLine)
}

// readCSVHeader reads and decodes the first line of the file and returns its columns and its length
// in bytes (BOM included); an empty file has no columns (nil) and no error.
func readCSVHeader(ctx context.Context, src sources.Source, file string) ([]string, int64, error) {
	rc, err := openText(ctx, file, src.Gzip, 0, 1)
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	line, readErr := br.ReadBytes('\n')
	if readErr != nil && readErr != io.EOF {
		return nil, 0, fmt.Errorf("read header of %s: %w", file, readErr)
	}
	n := int64(len(line))
	text, err := decodeCSV(src.Encoding, line)
	if err != nil {
		return nil, 0, fmt.Errorf("header of %s: %w", file, err)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	if text == "" && readErr == io.EOF {
		return nil, n, nil
	}
	cols, err := csv.NewReader(strings.NewReader(text)).Read()
	if err != nil {
		return nil, 0, fmt.Errorf("header of %s: %w", file, err)
	}
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols, n, nil
}

func decodeCSV(encoding string, b []byte) (string, error) {
	switch encoding {
	case "gbk":
		out, _, err := transform.Bytes(simplifiedchinese.GBK.NewDecoder(), b)
		return string(out), err
	case "gb18030":
		out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b)
		return string(out), err
	}
	return string(b), nil
}

// columnIndex maps canonical fields to header positions; a field whose column is not in the
// header has none (readCSVRows counts it absent, and rejects the rows when the field is required).
// A column named twice fails the source, naming the file and the column; a column left unnamed (as
// a trailing comma leaves one) is never read, so it may appear more than once.
func columnIndex(src sources.Source, header []string, file string) (map[string]int, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		if h == "" {
			continue
		}
		if first, dup := pos[h]; dup {
			return nil, fmt.Errorf("%s: column %q appears twice in the header (columns %d and %d)",
				file, h, first+1, i+1)
		}
		pos[h] = i
	}
	index := map[string]int{}
	for _, f := range src.Fields() {
		if i, ok := pos[src.Column(f.Name)]; ok && src.Column(f.Name) != "" {
			index[f.Name] = i
		}
	}
	return index, nil
}

// readCSVRows parses rows from r (raw bytes in the source's encoding). firstLine is the number of
// lines before r's first byte within the task's counting (1 for the header of a whole file).
//
// Rows are cut from physical lines before they are parsed, so that a broken row costs its own
// lines: a source that is not multiline parses each line alone; in a multiline source a quoted
// field may carry a row over at most max_record_lines lines, and a row that runs past them or past
// the end of the file, or that does not parse into the header's fields once carried over, is
// rejected as its first line alone and reading goes on at its second line. The fields themselves
// are parsed by encoding/csv, one row at a time.
func readCSVRows(o *output, r io.Reader, index map[string]int, width int, firstLine int64) error {
	br := bufio.NewReaderSize(r, 256<<10)
	if o.task.Start == 0 {
		if err := stripBOM(br); err != nil {
			return fmt.Errorf("read %s: %w", o.task.File, err)
		}
	}
	var text io.Reader = br
	switch o.src.Encoding {
	case "gbk":
		text = transform.NewReader(br, simplifiedchinese.GBK.NewDecoder())
	case "gb18030":
		text = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	if text != io.Reader(br) {
		br = bufio.NewReaderSize(text, 256<<10)
	}
	lines := &csvLines{br: br}
	p := newRowParser()
	var personalCols []int
	for _, f := range personalFields {
		if i, ok := index[f]; ok {
			personalCols = append(personalCols, i)
		}
	}
	personal := func(text string) []string { return csvPersonal(text, personalCols, width) }
	maxLines := 1
	if o.src.Multiline {
		maxLines = o.src.MaxRecordLines
		if maxLines <= 0 {
			maxLines = sources.DefaultMaxRecordLines // a source not checked by sources.Load
		}
	}
	for {
		first, ok, err := lines.next()
		if err != nil {
			return fmt.Errorf("read %s line %d: %w", o.task.File, firstLine+lines.n+1, err)
		}
		if !ok {
			return nil
		}
		line := firstLine + first.n
		blank := first.text == "" || width > 1 && strings.TrimSpace(first.text) == ""
		if blank && !first.tooLong {
			continue // a blank line is not a record
		}
		o.read()
		if first.tooLong {
			detail := fmt.Sprintf("line longer than %d bytes", MaxLineBytes)
			o.fail(line, 0, "line_too_long", detail, first.text, personal(first.text))
			continue
		}
		rec, text, err := carry(lines, first, maxLines)
		if err != nil {
			return fmt.Errorf("read %s line %d: %w", o.task.File, firstLine+lines.n+1, err)
		}
		// cutShort rejects the row as its first line alone and gives its other lines back.
		cutShort := func(reason, detail string) {
			lines.unread(rec[1:])
			o.fail(line, 0, reason, detail, first.text, personal(first.text))
		}
		if quoteOpen(text) {
			detail := "a quoted field runs past the end of the file"
			switch {
			case maxLines == 1:
				detail = "a quoted field is not closed on its line: the source is not multiline"
			case len(rec) == maxLines:
				detail = fmt.Sprintf("a quoted field runs past max_record_lines (%d)", maxLines)
			}
			cutShort("bad_csv", detail)
			continue
		}
		if rec[len(rec)-1].tooLong {
			cutShort("bad_csv", fmt.Sprintf("a quoted field runs into a line over %d bytes",
				MaxLineBytes))
			continue
		}
		row, err := p.parse(text)
		carried := fmt.Sprintf(", in a row carried over %d lines", len(rec))
		if err != nil {
			if len(rec) > 1 {
				cutShort("bad_csv", err.Error()+carried)
			} else {
				o.fail(line, 0, "bad_csv", err.Error(), text, personal(text))
			}
			continue
		}
		if len(row) != width {
			detail := fmt.Sprintf("%d fields, header has %d", len(row), width)
			if len(rec) > 1 {
				cutShort("bad_field_count", detail+carried)
			} else {
				o.fail(line, 0, "bad_field_count", detail, text, personal(text))
			}
			continue
		}
		if reason, ok := badText(o.src.Encoding, row); !ok {
			detail := "text is not valid in encoding " + o.src.Encoding
			o.fail(line, 0, reason, detail, text, personal(text))
			continue
		}
		if f := o.lacks(func(field string) bool { _, ok := index[field]; return ok }); f != "" {
			o.missing(line, 0, f, "column", " from the CSV header", text, personal(text))
			continue
		}
		fields := make(map[string]string, len(index))
		for f, i := range index {
			fields[f] = row[i]
		}
		o.emit(line, 0, fields, text)
	}
}

// csvPersonal returns what in a rejected row's text may be the value of a personal column, at
// positions cols of a header of width fields: the row's fields, split as encoding/csv does with
// lazy quotes and split at every comma, at those positions counted from the left and, when the
// row has more or fewer fields than the header, from the right too.
func csvPersonal(text string, cols []int, width int) []string {
	if len(cols) == 0 {
		return nil
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.LazyQuotes, cr.FieldsPerRecord = true, -1
	lazy, _ := cr.Read() // what it could split before an error is enough
	var out []string
	for _, row := range [][]string{lazy, strings.Split(text, ",")} {
		for _, i := range cols {
			if i < len(row) {
				out = append(out, row[i])
			}
			if j := i + len(row) - width; j != i && j >= 0 && j < len(row) {
				out = append(out, row[j])
			}
		}
	}
	return out
}

// carry gathers the lines of the row that begins with first: while a quoted field is open at the
// end of what it holds, the next line, up to maxLines lines in all. It returns the lines and
// their text joined by \n.
func carry(lines *csvLines, first csvLine, maxLines int) ([]csvLine, string, error) {
	rec := []csvLine{first}
	text := first.text
	for len(rec) < maxLines && quoteOpen(text) {
		l, ok, err := lines.next()
		if err != nil || !ok {
			return rec, text, err
		}
		rec = append(rec, l)
		if l.tooLong {
			break
		}
		text += "\n" + l.text
	}
	return rec, text, nil
}

// quoteOpen reports whether text (one or more lines joined by \n) ends inside a quoted field, so
// that its row goes on at the next line. It follows encoding/csv: a quote opens a field only as
// the field's first character, two quotes within a quoted field stand for one, and a misplaced
// quote ends the row at its line (the parser then says what is wrong).
func quoteOpen(text string) bool {
	if strings.IndexByte(text, '"') < 0 {
		return false // most lines
	}
	quoted, fieldStart := false, true
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quoted && c == '"':
			if i+1 < len(text) && text[i+1] == '"' {
				i++ // an escaped quote
				continue
			}
			if i+1 < len(text) && text[i+1] != ',' {
				return false // the end of the row, or a quote out of place
			}
			quoted = false
		case quoted:
		case c == '"' && fieldStart:
			quoted = true
		case c == '"' || c == '\n':
			return false // a bare quote, or the end of the row
		}
		fieldStart = !quoted && c == ','
	}
	return quoted
}

// rowParser parses one row's text with encoding/csv, reusing one reader.
type rowParser struct {
	text *strings.Reader
	buf  *bufio.Reader
	csv  *csv.Reader
}

func newRowParser() *rowParser {
	p := &rowParser{text: strings.NewReader("")}
	p.buf = bufio.NewReader(p.text)
	// NewReader keeps a *bufio.Reader as it is, so resetting p.buf feeds the reader a new row.
	p.csv = csv.NewReader(p.buf)
	p.csv.FieldsPerRecord = -1
	p.csv.ReuseRecord = true
	return p
}

// parse returns the fields of text, which must hold exactly one row.
func (p *rowParser) parse(text string) ([]string, error) {
	p.text.Reset(text)
	p.buf.Reset(p.text)
	row, err := p.csv.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.Err
	}
	if err != nil {
		return nil, err
	}
	if _, err := p.csv.Read(); err != io.EOF {
		return nil, errors.New("the text holds more than one row") // cannot happen: see quoteOpen
	}
	return row, nil
}

// csvLine is one physical line of a CSV file, without its line ending.
type csvLine struct {
	text    string
	n       int64 // 1-based, counted from the start of the reader
	tooLong bool  // the line is longer than MaxLineBytes and text holds its start only
}

// csvLines hands out a reader's physical lines and takes back the lines of a row cut short, so
// that they are read again.
type csvLines struct {
	br   *bufio.Reader
	back []csvLine // lines given back, the next one last
	n    int64     // lines read from br
	eof  bool
}

// next returns the next line; ok is false at the end of the input.
func (l *csvLines) next() (csvLine, bool, error) {
	if k := len(l.back); k > 0 {
		line := l.back[k-1]
		l.back = l.back[:k-1]
		return line, true, nil
	}
	if l.eof {
		return csvLine{}, false, nil
	}
	text, tooLong, err := readLine(l.br)
	if err == io.EOF {
		l.eof = true
		if len(text) == 0 && !tooLong {
			return csvLine{}, false, nil
		}
	} else if err != nil {
		return csvLine{}, false, err
	}
	l.n++
	return csvLine{text: string(text), n: l.n, tooLong: tooLong}, true, nil
}

// unread gives lines back, in the order they were read.
func (l *csvLines) unread(lines []csvLine) {
	for i := len(lines) - 1; i >= 0; i-- {
		l.back = append(l.back, lines[i])
	}
}

// badText finds fields that are not valid text: invalid UTF-8, or bytes the GBK decoder replaced.
func badText(encoding string, row []string) (string, bool) {
	for _, f := range row {
		if encoding == "utf-8" && !utf8.ValidString(f) {
			return "invalid_utf8", false
		}
		if encoding != "utf-8" && strings.ContainsRune(f, utf8.RuneError) {
			return "invalid_encoding", false
		}
	}
	return "", true
}
