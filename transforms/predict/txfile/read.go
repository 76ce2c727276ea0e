// Package txfile reads a file of purchases (one row per purchase: customer,
// date, amount) into clv.Transaction rows, for the command-line tools that
// model purchases (pipelines/propensity). Columns are given by header name
// or 1-based index; the file is CSV (with quoting) or whitespace-separated,
// with or without a header. Every bad row is an error naming the file and
// line.
//
// Amounts are read as exact decimals into whole minor units (cents, with
// AmountDecimals 2), so that sums and means of money computed from them are
// exact: 0.20 and 12.10 average 6.15, where binary floating point gives
// 6.1499999999999995. Divide by Format.MinorPerMajor for major units.
package txfile

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// Format says how to read a transaction file.
type Format struct {
	// CustomerCol, DateCol and AmountCol name the columns: a header name or
	// a 1-based index.
	CustomerCol, DateCol, AmountCol string
	// DateFormat is the Go time layout of the date column, e.g. 20060102.
	DateFormat string
	// Separator is "comma" (CSV with quoting) or "whitespace".
	Separator string
	// NoHeader says the file has no header line; columns must then be
	// 1-based indexes.
	NoHeader bool
	// AmountDecimals is how many decimals an amount may have: the minor
	// unit (2 for cents, 0 for yen).
	AmountDecimals int
}

// MinorPerMajor is how many minor units make one major unit: 10^AmountDecimals.
func (f Format) MinorPerMajor() float64 { return math.Pow10(f.AmountDecimals) }

// RegisterFlags binds f to the flags --customer-col, --date-col,
// --amount-col, --date-format, --separator, --amount-decimals and --no-header of fs, with the
// same names, defaults and meaning as the clv command's.
func (f *Format) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(
		&f.CustomerCol,
		"customer-col",
		"",
		"customer id column: header name or 1-based index (required)",
	)
	fs.StringVar(
		&f.DateCol,
		"date-col",
		"",
		"purchase date column: header name or 1-based index (required)",
	)
	fs.StringVar(
		&f.AmountCol,
		"amount-col",
		"",
		"purchase amount column: header name or 1-based index (required)",
	)
	fs.StringVar(
		&f.DateFormat,
		"date-format",
		"2006-01-02",
		"Go time layout of the date column, e.g. 20060102",
	)
	fs.StringVar(
		&f.Separator,
		"separator",
		"comma",
		"field separator: comma (CSV with quoting) or whitespace",
	)
	fs.IntVar(
		&f.AmountDecimals,
		"amount-decimals",
		2,
		"decimals of the amounts' minor unit (2 for cents, 0 for yen); more is an error",
	)
	fs.BoolVar(
		&f.NoHeader,
		"no-header",
		false,
		"the file has no header line; columns must be 1-based indexes",
	)
}

// Validate reports a missing column or an unknown separator, naming the flag.
func (f Format) Validate() error {
	for _, c := range [][2]string{{"--customer-col", f.CustomerCol}, {"--date-col", f.DateCol},
		{"--amount-col", f.AmountCol}} {
		if c[1] == "" {
			return fmt.Errorf("%s is required", c[0])
		}
	}
	if f.Separator != "comma" && f.Separator != "whitespace" {
		return fmt.Errorf("--separator %q: want comma or whitespace", f.Separator)
	}
	if f.DateFormat == "" {
		return errors.New("--date-format must not be empty")
	}
	if f.AmountDecimals < 0 || f.AmountDecimals > 6 {
		return fmt.Errorf("--amount-decimals %d: want 0 to 6", f.AmountDecimals)
	}
	return nil
}

// Read reads every purchase of the file at path. Dates carry the layout's
// zone (UTC when it names none); amounts must be finite numbers.
func Read(path string, f Format) ([]clv.Transaction, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	next := newRecordReader(file, f.Separator)
	var header []string
	if !f.NoHeader {
		rec, line, err := next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: empty file, expected a header", path)
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		header = append([]string(nil), rec...)
		if len(header) > 0 {
			header[0] = strings.TrimPrefix(header[0], "\ufeff")
		}
	}
	var cols [3]int
	for i, c := range [][2]string{{"--customer-col", f.CustomerCol}, {"--date-col", f.DateCol},
		{"--amount-col", f.AmountCol}} {
		if cols[i], err = columnIndex(c[0], c[1], header); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	need := max(cols[0], cols[1], cols[2]) + 1
	var tx []clv.Transaction
	for {
		rec, line, err := next()
		if err == io.EOF {
			return tx, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		t, err := parseRecord(rec, cols, need, f)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		tx = append(tx, t)
	}
}

// parseRecord turns one record into a transaction.
func parseRecord(rec []string, cols [3]int, need int, f Format) (clv.Transaction, error) {
	if len(rec) < need {
		return clv.Transaction{}, fmt.Errorf("%d fields, need at least %d", len(rec), need)
	}
	customer := strings.TrimSpace(rec[cols[0]])
	if customer == "" {
		return clv.Transaction{}, errors.New("empty customer id")
	}
	when, err := time.Parse(f.DateFormat, strings.TrimSpace(rec[cols[1]]))
	if err != nil {
		return clv.Transaction{}, fmt.Errorf("date: %w", err)
	}
	minor, err := minorUnits(strings.TrimSpace(rec[cols[2]]), f.AmountDecimals)
	if err != nil {
		return clv.Transaction{}, err
	}
	return clv.Transaction{Customer: customer, Time: when, Amount: minor}, nil
}

// recordReader yields the fields of each record and the line it starts on.
type recordReader func() (fields []string, line int, err error)

// newRecordReader reads CSV records (comma) or blank-separated fields of
// non-empty lines (whitespace).
func newRecordReader(r io.Reader, separator string) recordReader {
	if separator == "whitespace" {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		line := 0
		return func() ([]string, int, error) {
			for sc.Scan() {
				line++
				if fs := strings.Fields(sc.Text()); len(fs) > 0 {
					return fs, line, nil
				}
			}
			if err := sc.Err(); err != nil {
				return nil, line + 1, err
			}
			return nil, line, io.EOF
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, pe.StartLine, pe.Err
			}
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
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
		if header == nil {
			return 0, fmt.Errorf(
				"%s %q: without a header, give a 1-based column index",
				flagName,
				col,
			)
		}
		return 0, fmt.Errorf("%s %q: no such column in header %q", flagName, col, header)
	}
	if header != nil && n > len(header) {
		return 0, fmt.Errorf("%s %d: the header has only %d columns", flagName, n, len(header))
	}
	return n - 1, nil
}

// maxExact is the largest magnitude of whole minor units a float64 holds exactly, with room to
// sum many of them: 2^50.
const maxExact = 1 << 50

// minorUnits reads a decimal amount exactly (math/big's rational parser: no binary rounding) as
// whole minor units of the given decimals.
func minorUnits(text string, decimals int) (float64, error) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return 0, fmt.Errorf("amount %q is not a decimal number", text)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)))
	if !r.IsInt() {
		return 0, fmt.Errorf("amount %q has more than %d decimals (--amount-decimals)", text, decimals)
	}
	n := r.Num()
	if n.CmpAbs(big.NewInt(maxExact)) > 0 {
		return 0, fmt.Errorf("amount %q is too large", text)
	}
	return float64(n.Int64()), nil
}
