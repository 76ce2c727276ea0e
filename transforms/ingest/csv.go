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
func readCSV(ctx context.Context, o *output) error {
	src, task := o.src, o.task
	header, headerLen, err := readCSVHeader(ctx, src, task.File)
	if err != nil {
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

// readCSVHeader reads and decodes the first line of the file and returns its columns and its length in
// bytes (BOM included).
func readCSVHeader(ctx context.Context, src sources.Source, file string) ([]string, int64, error) {
	rc, err := openText(ctx, file, src.Gzip, 0, 1)
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	line, err := br.ReadBytes('\n')
	if err != nil && err != io.EOF {
		return nil, 0, fmt.Errorf("read header of %s: %w", file, err)
	}
	n := int64(len(line))
	text, err := decodeCSV(src.Encoding, line)
	if err != nil {
		return nil, 0, fmt.Errorf("header of %s: %w", file, err)
	}
	text = strings.TrimPrefix(text, "\uFEFF")
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

// columnIndex maps canonical fields to header positions; a required field whose column is missing
// fails the source, naming the file and the header it found.
func columnIndex(src sources.Source, header []string, file string) (map[string]int, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
	}
	index := map[string]int{}
	for _, f := range src.Fields() {
		col := src.Column(f.Name)
		if col == "" {
			continue
		}
		i, ok := pos[col]
		if !ok {
			if f.Required {
				return nil, fmt.Errorf("%s: column %q (field %s) is not in the header %q", file, col, f.Name, header)
			}
			continue
		}
		index[f.Name] = i
	}
	return index, nil
}

// readCSVRows parses rows from r (raw bytes in the source's encoding). firstLine is the number of
// lines before r's first byte within the task's counting (1 for the header of a whole file).
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
	rec := &recorder{r: text}
	cr := csv.NewReader(rec)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	prevOffset := int64(0)
	for {
		row, err := cr.Read()
		offset := cr.InputOffset()
		raw := strings.TrimRight(rec.take(prevOffset, offset), "\r\n")
		prevOffset = offset
		if err == io.EOF {
			return nil
		}
		line := firstLine
		if len(row) > 0 {
			l, _ := cr.FieldPos(0)
			line += int64(l)
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			o.read()
			o.fail(firstLine+int64(pe.StartLine), 0, "bad_csv", pe.Err.Error(), raw)
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", o.task.File, err)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" && width > 1 {
			continue // a blank line is not a record
		}
		o.read()
		if len(row) != width {
			o.fail(line, 0, "bad_field_count", fmt.Sprintf("%d fields, header has %d", len(row), width), raw)
			continue
		}
		if reason, ok := badText(o.src.Encoding, row); !ok {
			o.fail(line, 0, reason, "text is not valid in encoding "+o.src.Encoding, raw)
			continue
		}
		fields := make(map[string]string, len(index))
		for f, i := range index {
			fields[f] = row[i]
		}
		o.emit(line, 0, fields, raw)
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

// recorder keeps the text the CSV reader consumed, so a rejected row's raw text can be reported.
type recorder struct {
	r    io.Reader
	buf  []byte
	base int64 // input offset of buf[0]
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// take returns the text between two input offsets and forgets everything before the second.
func (r *recorder) take(from, to int64) string {
	lo, hi := from-r.base, to-r.base
	if lo < 0 || hi > int64(len(r.buf)) || lo > hi {
		return ""
	}
	s := string(r.buf[lo:hi])
	r.buf = r.buf[hi:]
	r.base = to
	return s
}
