package txfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadCSVWithHeaderAndWhitespaceWithout(t *testing.T) {
	want := []clv.Transaction{
		{Customer: "a b", Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Amount: 1050},
		{Customer: "c", Time: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), Amount: -300},
	}
	csvPath := write(
		t,
		"tx.csv",
		"\ufeffid,customer,day,amount\n1,\"a b\",2024-01-02,10.5\n\n2, c ,2024-02-29,-3\n",
	)
	got, err := Read(
		csvPath,
		Format{
			CustomerCol:    "customer",
			DateCol:        "3",
			AmountCol:      "amount",
			DateFormat:     "2006-01-02",
			Separator:      "comma",
			AmountDecimals: 2,
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want []clv.Transaction) {
		if len(got) != len(want) {
			t.Fatalf("%s: %d transactions %+v, want %+v", name, len(got), got, want)
		}
		for i := range want {
			if got[i].Customer != want[i].Customer || !got[i].Time.Equal(want[i].Time) ||
				got[i].Amount != want[i].Amount {
				t.Errorf("%s: transaction %d = %+v, want %+v", name, i, got[i], want[i])
			}
		}
	}
	check("csv", got, want)
	wsPath := write(t, "tx.txt", "  x 20240102\t10.5\n\n x2 20240229 -3\n")
	got, err = Read(
		wsPath,
		Format{
			CustomerCol:    "1",
			DateCol:        "2",
			AmountCol:      "3",
			DateFormat:     "20060102",
			Separator:      "whitespace",
			NoHeader:       true,
			AmountDecimals: 2,
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	want[0].Customer, want[1].Customer = "x", "x2"
	check("whitespace", got, want)
}

func TestReadErrorsNameFileAndLine(t *testing.T) {
	f := Format{
		CustomerCol:    "c",
		DateCol:        "d",
		AmountCol:      "a",
		DateFormat:     "2006-01-02",
		Separator:      "comma",
		AmountDecimals: 2,
	}
	for _, c := range []struct {
		name, text, want string
		sep              string
	}{
		{"date.csv", "c,d,a\nx,2024-01-01,1\ny,2024-13-01,2\n", "date.csv:3: date", "comma"},
		{"amount.csv", "c,d,a\nx,2024-01-01,1\n\ny,2024-01-02,two\n", "amount.csv:4: amount", "comma"},
		{"nan.csv", "c,d,a\nx,2024-01-01,NaN\n", `nan.csv:2: amount "NaN" is not a decimal number`,
			"comma"},
		{"cents.csv", "c,d,a\nx,2024-01-01,1.005\n",
			`cents.csv:2: amount "1.005" has more than 2 decimals`, "comma"},
		{"empty.csv", "c,d,a\n ,2024-01-01,1\n", "empty.csv:2: empty customer id", "comma"},
		{"short.txt", "c d a\nx 2024-01-01 1\ny 2024-01-02\n", "short.txt:3: 2 fields, need at least 3",
			"whitespace"},
		{"quote.csv", "c,d,a\nx,2024-01-01,1\n\"y,2024-01-02,2\n", "quote.csv:3:", "comma"},
		{"nohead.csv", "", "nohead.csv: empty file, expected a header", "comma"},
		{"col.csv", "c,d,amount\n", `col.csv: --amount-col "a": no such column`, "comma"},
	} {
		f.Separator = c.sep
		_, err := Read(write(t, c.name, c.text), f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := Read("x.csv", Format{DateCol: "d", AmountCol: "a", DateFormat: "2006-01-02",
		Separator: "comma"}); err == nil ||
		!strings.Contains(err.Error(), "--customer-col is required") {
		t.Errorf("missing column: error %v", err)
	}
	if _, err := Read("x.csv", Format{CustomerCol: "c", DateCol: "d", AmountCol: "a",
		DateFormat: "2006-01-02", Separator: "tab"}); err == nil ||
		!strings.Contains(err.Error(), `--separator "tab"`) {
		t.Errorf("bad separator: error %v", err)
	}
	if _, err := Read(write(t, "nh.txt", "x 2024-01-01 1\n"), Format{CustomerCol: "c", DateCol: "2",
		AmountCol: "3", DateFormat: "2006-01-02",
		Separator: "whitespace", NoHeader: true}); err == nil ||
		!strings.Contains(err.Error(), "without a header, give a 1-based column index") {
		t.Errorf("named column without header: error %v", err)
	}
}
