package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/sources"
)

// validRows returns n rows of the ticket test source, ids t<from>..., one line each.
func validRows(from, n int) string {
	var b strings.Builder
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "t%d,13800138%03d,body %d,2026-11-20 10:00\n", i, i, i)
	}
	return b.String()
}

// ids lists the ticket ids of the records read, with their lines.
func ids(c *collector) string {
	var out []string
	for _, r := range c.records {
		out = append(out, fmt.Sprintf("%s@%d", r.Fields["ticket_id"], r.Line))
	}
	return strings.Join(out, " ")
}

// readText reads data as a whole file of src.
func readText(t *testing.T, src sources.Source, data string) *collector {
	t.Helper()
	c, err := readTask(t, src, Task{Source: src.Name, File: write(t, "t.csv", []byte(data))})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	return c
}

func rejectsAt(c *collector) string {
	var out []string
	for _, r := range c.rejects {
		out = append(out, fmt.Sprintf("%s@%d", r.Reason, r.Line))
	}
	return strings.Join(out, " ")
}

// TestCSVStrayQuoteCostsOneLine: in a source whose fields hold no line breaks, a stray quote
// costs its own line and nothing more.
func TestCSVStrayQuoteCostsOneLine(t *testing.T) {
	data := "id,phone,body,at\n" + validRows(1, 2) +
		"t3,138,\"unclosed body,2026-11-20\n" + validRows(4, 6)
	src := ticketSource()
	src.Multiline = false
	c := readText(t, src, data)
	if got, want := ids(c), "t1@2 t2@3 t4@5 t5@6 t6@7 t7@8 t8@9 t9@10"; got != want {
		t.Errorf("records %s, want %s", got, want)
	}
	if got := rejectsAt(c); got != "bad_csv@4" {
		t.Errorf("rejects %s, want bad_csv@4", got)
	}
}

// TestCSVUnclosedQuoteInMultilineSource: a quote never closed in a multiline source is rejected as
// its first line alone, and the six valid rows after it are read.
func TestCSVUnclosedQuoteInMultilineSource(t *testing.T) {
	data := "id,phone,body,at\n" + validRows(1, 1) +
		"t2,138,\"never closed,2026-11-20\n" + validRows(3, 6)
	c := readText(t, ticketSource(), data)
	if got, want := ids(c), "t1@2 t3@4 t4@5 t5@6 t6@7 t7@8 t8@9"; got != want {
		t.Errorf("records %s, want %s", got, want)
	}
	if got := rejectsAt(c); got != "bad_csv@3" {
		t.Errorf("rejects %s, want bad_csv@3", got)
	}
	if len(c.rejects) == 1 {
		raw := c.rejects[0].Raw
		if strings.Contains(raw, "t3") || !strings.Contains(raw, "never closed") {
			t.Errorf("the reject's raw text is not its own line: %q", raw)
		}
	}
}

// TestCSVRecordLongerThanMaxRecordLines: a quoted field may span max_record_lines lines; one that
// runs past them is rejected as its first line, and reading goes on at its second.
func TestCSVRecordLongerThanMaxRecordLines(t *testing.T) {
	src := ticketSource()
	src.MaxRecordLines = 3
	data := "id,phone,body,at\n" +
		"t1,138,\"two\nlines\",2026-11-20\n" + // 2 lines: read
		"t2,138,\"three\nwhole\nlines\",2026-11-20\n" + // 3 lines: read
		"t3,138,\"four\nlines\nare\ntoo many\",2026-11-20\n" + // 4 lines: the first is rejected
		validRows(4, 2)
	c := readText(t, src, data)
	if got, want := ids(c), "t1@2 t2@4 t4@11 t5@12"; got != want {
		t.Errorf("records %s, want %s", got, want)
	}
	// Lines 8 to 10 of t3 are read alone: two of one field and one with a stray quote.
	want := "bad_csv@7 bad_field_count@8 bad_field_count@9 bad_csv@10"
	if got := rejectsAt(c); got != want {
		t.Errorf("rejects %s, want %s", got, want)
	}
	if len(c.records) > 1 && c.records[1].Fields["text"] != "three\nwhole\nlines" {
		t.Errorf("a record of three lines read as %q", c.records[1].Fields["text"])
	}
}

// TestCSVEmptyFile: a file of 0 bytes, plain or gzip, is an empty file: no rows, no error.
func TestCSVEmptyFile(t *testing.T) {
	var gz bytes.Buffer
	gzip.NewWriter(&gz).Close()
	for _, f := range []struct {
		name string
		data []byte
	}{{"t.csv", nil}, {"t.csv.gz", nil}, {"t.csv.gz", gz.Bytes()}} {
		src := ticketSource()
		src.Gzip = strings.HasSuffix(f.name, ".gz")
		c, err := readTask(t, src, Task{Source: "tickets", File: write(t, f.name, f.data)})
		if err != nil || len(c.records)+len(c.rejects) != 0 {
			t.Errorf("%s of %d bytes: %d records, %d rejects, err %v",
				f.name, len(f.data), len(c.records), len(c.rejects), err)
		}
	}
	cfg := &sources.Config{Sources: []sources.Source{ticketSource()}}
	cfg.Sources[0].Path = write(t, "e.csv", nil)
	if _, _, err := Plan(context.Background(), cfg, sources.Window{}); err != nil {
		t.Fatalf("planning a 0-byte file: %v", err)
	}
}

// TestCSVDuplicateHeader: a header naming a column twice fails at planning, naming the file and
// the column, and so does reading it.
func TestCSVDuplicateHeader(t *testing.T) {
	file := write(t, "t.csv", []byte("id,phone,body,phone,at\nt1,1,b,2,2026-11-20\n"))
	cfg := &sources.Config{Sources: []sources.Source{ticketSource()}}
	cfg.Sources[0].Path = file
	_, _, err := Plan(context.Background(), cfg, sources.Window{})
	if err == nil || !strings.Contains(err.Error(), file+`: column "phone"`) {
		t.Fatalf("planning a header with a column twice: %v, want the file and column named", err)
	}
	_, err = readTask(t, ticketSource(), Task{Source: "tickets", File: file})
	if err == nil || !strings.Contains(err.Error(), `"phone"`) {
		t.Fatalf("reading it: %v", err)
	}
	// Columns left unnamed (a trailing comma) are not duplicates.
	file = write(t, "t.csv", []byte("id,phone,body,at,,\nt1,1,b,2026-11-20,,\n"))
	cfg.Sources[0].Path = file
	if _, _, err := Plan(context.Background(), cfg, sources.Window{}); err != nil {
		t.Fatalf("two unnamed columns: %v", err)
	}
}
