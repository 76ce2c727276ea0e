package txfile

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the transaction file reader as CSV and as whitespace-separated
// text, with and without a header. What it reads has trimmed, non-empty customers and finite
// amounts, at most one purchase per line, and written back as CSV reads to the same purchases;
// a refusal names the file.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"customer,date,amount\n00001,1997-01-01,11.77\n\"a, b\",1997-01-02,-3\n",
		"\uFEFFcustomer,date,amount\r\nc1,1997-01-01,1e3\r\n\r\nc2,1997-02-29,1\r\n",
		"00001 1997-01-01 1 11.77\n00002  1997-01-12 1 12\n",
		"customer,date,amount\nc,1997-01-01,NaN\n",
		"customer,date,amount\nc,1997-01-01,1e400\n",
		"customer,date,amount\n\"unterminated,1997-01-01,1\n",
		"customer,date\nc,1997-01-01\n",
		"  ,1997-01-01,1\n",
	} {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, whitespace, noHeader bool) {
		path := filepath.Join(dir, "tx.txt")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		format := Format{
			CustomerCol: "customer",
			DateCol:     "date",
			AmountCol:   "3",
			DateFormat:  "2006-01-02",
			Separator:   "comma",
			NoHeader:    noHeader,
		}
		if whitespace {
			format.Separator = "whitespace"
		}
		if noHeader {
			format.CustomerCol, format.DateCol = "1", "2"
		}
		tx, err := Read(path, format)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if lines := bytes.Count(data, []byte("\n")) + 1; len(tx) > lines {
			t.Fatalf("%d purchases from %d lines", len(tx), lines)
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write([]string{"customer", "date", "amount"})
		for _, x := range tx {
			if x.Customer == "" || x.Customer != strings.TrimSpace(x.Customer) ||
				math.IsNaN(x.Amount) ||
				math.IsInf(x.Amount, 0) {
				t.Fatalf("purchase read: %+v", x)
			}
			w.Write(
				[]string{
					x.Customer,
					x.Time.Format(format.DateFormat),
					strconv.FormatFloat(x.Amount, 'g', -1, 64),
				},
			)
		}
		w.Flush()
		back := filepath.Join(dir, "back.csv")
		if err := os.WriteFile(back, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := Read(
			back,
			Format{
				CustomerCol: "customer",
				DateCol:     "date",
				AmountCol:   "amount",
				DateFormat:  format.DateFormat,
				Separator:   "comma",
			},
		)
		if err != nil {
			t.Fatalf("purchases written back do not read: %v\n%s", err, buf.Bytes())
		}
		if len(again) != len(tx) {
			t.Fatalf("%d purchases written back read as %d", len(tx), len(again))
		}
		for i := range tx {
			if again[i].Customer != tx[i].Customer || !again[i].Time.Equal(tx[i].Time) ||
				again[i].Amount != tx[i].Amount {
				t.Fatalf("purchase %d: %+v written back reads as %+v", i, tx[i], again[i])
			}
		}
	})
}
