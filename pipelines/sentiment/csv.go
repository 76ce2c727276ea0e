package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// columns names the text and label columns: header names or 1-based indexes.
type columns struct{ text, label string }

// labelled holds the rows of a labelled CSV file.
type labelled struct {
	texts    []string
	positive []bool
}

// nPositive counts the positive rows.
func (l labelled) nPositive() int {
	n := 0
	for _, p := range l.positive {
		if p {
			n++
		}
	}
	return n
}

// readLabelled reads a CSV file with a header row: the text and the label
// (1 positive, 0 negative, blanks around them allowed) of every row. Errors
// name the file and the line.
func readLabelled(path string, cols columns) (labelled, error) {
	var out labelled
	f, err := os.Open(path)
	if err != nil {
		return out, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return out, fmt.Errorf("%s: empty file, expected a header row", path)
	}
	if err != nil {
		return out, csvError(path, err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	textIdx, err := columnIndex("--text-col", cols.text, header)
	if err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	labelIdx, err := columnIndex("--label-col", cols.label, header)
	if err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	need := max(textIdx, labelIdx) + 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, csvError(path, err)
		}
		if len(rec) < need {
			line, _ := r.FieldPos(0)
			return out, fmt.Errorf("%s:%d: %d fields, need at least %d", path, line, len(rec), need)
		}
		var positive bool
		switch label := strings.TrimSpace(rec[labelIdx]); label {
		case "1":
			positive = true
		case "0":
		default:
			line, _ := r.FieldPos(labelIdx)
			return out, fmt.Errorf(
				"%s:%d: label %q: want 1 (positive) or 0 (negative)",
				path,
				line,
				rec[labelIdx],
			)
		}
		out.texts = append(out.texts, rec[textIdx])
		out.positive = append(out.positive, positive)
	}
}

// csvError names the file and the line of a CSV syntax error.
func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
	}
	return fmt.Errorf("reading %s: %w", path, err)
}

// columnIndex resolves a column given by header name or 1-based index to a
// 0-based index.
func columnIndex(flagName, col string, header []string) (int, error) {
	for i, h := range header {
		if strings.TrimSpace(h) == col {
			return i, nil
		}
	}
	n, err := strconv.Atoi(col)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s %q: no such column in header %q", flagName, col, header)
	}
	if n > len(header) {
		return 0, fmt.Errorf("%s %d: the header has only %d columns", flagName, n, len(header))
	}
	return n - 1, nil
}
