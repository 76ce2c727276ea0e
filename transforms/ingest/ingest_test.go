package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// collector runs one task through its reader and keeps what comes out.
type collector struct {
	records []Record
	rejects []schemas.Reject
	counts  quality.Tally
}

func readTask(t *testing.T, src sources.Source, task Task) (*collector, error) {
	t.Helper()
	c := &collector{counts: quality.Tally{}}
	o := newOutput(src, task, c.counts,
		func(r Record) { c.records = append(c.records, r) },
		func(r schemas.Reject) { c.rejects = append(c.rejects, r) })
	var err error
	switch src.Format {
	case sources.FormatCSV:
		err = readCSV(context.Background(), o)
	case sources.FormatJSONL:
		err = readJSONL(context.Background(), o)
	case sources.FormatParquet:
		err = readParquet(context.Background(), o)
	}
	return c, err
}

// balanced checks in = out + rejected for the ingest stage.
func (c *collector) balanced(t *testing.T) {
	t.Helper()
	var in, out, rej int64
	for k, n := range c.counts {
		switch k.Measure {
		case quality.In:
			in += n
		case quality.Out:
			out += n
		case quality.Rejected:
			rej += n
		}
	}
	if in != out+rej || out != int64(len(c.records)) || rej != int64(len(c.rejects)) {
		t.Fatalf(
			"counts do not add up: in %d, out %d (%d records), rejected %d (%d rejects)",
			in,
			out,
			len(c.records),
			rej,
			len(c.rejects),
		)
	}
}

func write(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func ticketSource() sources.Source {
	return sources.Source{
		Name:      "tickets",
		Kind:      "tickets",
		Format:    sources.FormatCSV,
		Encoding:  "utf-8",
		Multiline: true,
		Columns: map[string]string{
			"ticket_id":  "id",
			"phone":      "phone",
			"text":       "body",
			"created_at": "at",
		},
	}
}

func TestCSVQuotedNewlinesBOMAndRejects(t *testing.T) {
	data := "\uFEFFid,phone,body,at\n" +
		"t1,138 0013 8000,\"line one\nline two, with comma\",2026-11-20 10:00\n" +
		"\n" +
		"t2,139,short row\n" +
		"t3,\xff\xfe,bad bytes,2026-11-20\n" +
		"t4,\"unterminated,x,y\n"
	file := write(t, "t.csv", []byte(data))
	c, err := readTask(t, ticketSource(), Task{Source: "tickets", File: file})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if len(c.records) != 1 || c.records[0].Fields["text"] != "line one\nline two, with comma" ||
		c.records[0].Line != 2 {
		t.Fatalf("records = %+v", c.records)
	}
	if c.records[0].Fields["ticket_id"] != "t1" {
		t.Fatalf("BOM not stripped from the header: %+v", c.records[0].Fields)
	}
	want := []struct {
		reason string
		line   int64
	}{{"bad_field_count", 5}, {"invalid_utf8", 6}, {"bad_csv", 7}}
	if len(c.rejects) != len(want) {
		t.Fatalf("rejects = %+v", c.rejects)
	}
	for i, w := range want {
		if c.rejects[i].Reason != w.reason || c.rejects[i].Line != w.line ||
			c.rejects[i].File != file {
			t.Errorf("reject %d = %+v, want %s at line %d", i, c.rejects[i], w.reason, w.line)
		}
	}
	if !strings.Contains(c.rejects[0].Raw, "short row") {
		t.Errorf("raw text of the reject = %q", c.rejects[0].Raw)
	}
}

func TestCSVGBK(t *testing.T) {
	text := "手机号MD5,年龄段,兴趣标签\nabc,25-34,美妆|旅游\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	src := sources.Source{Name: "v", Kind: "vendor", Format: sources.FormatCSV, Encoding: "gbk",
		Columns: map[string]string{"phone_md5": "手机号MD5", "age_band": "年龄段", "interests": "兴趣标签"}}
	c, err := readTask(t, src, Task{Source: "v", File: write(t, "v.csv", gbk)})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if len(c.records) != 1 || c.records[0].Fields["interests"] != "美妆|旅游" ||
		c.records[0].Fields["age_band"] != "25-34" {
		t.Fatalf("records = %+v", c.records)
	}
}

func eventSource() sources.Source {
	return sources.Source{
		Name:     "events",
		Kind:     "events",
		Format:   sources.FormatJSONL,
		Encoding: "utf-8",
		Columns: map[string]string{
			"event_id":   "id",
			"event_type": "e",
			"channel":    "p",
			"event_time": "ts",
			"sku":        "sku",
		},
	}
}

func TestJSONLGzipAndRejects(t *testing.T) {
	lines := strings.Join([]string{
		`{"id":"e1","e":"view","p":"app","ts":1732000000123,"sku":["a","b"]}`,
		``,
		`{"id":"e2","e":"view","p":"app","ts":"2026-11-20 10:00:00"`,
		"{\"id\":\"e3\",\"e\":\"\xff\",\"p\":\"web\",\"ts\":\"x\"}",
		`[1,2]`,
		`{"e":"view","p":"app","ts":"x"}`,
		`{"id":"e4","e":"view","p":"app","ts":"x"} {"again":1}`,
		`{"id":"e5","e":"cart","p":"web","ts":"2026-11-20T10:00:00+08:00","sku":null}`,
	}, "\n")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(lines))
	zw.Close()
	src := eventSource()
	src.Gzip = true
	c, err := readTask(t, src, Task{Source: "events", File: write(t, "e.jsonl.gz", buf.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	c.balanced(t)
	if len(c.records) != 2 {
		t.Fatalf("records = %+v", c.records)
	}
	if got := c.records[0].Fields; got["event_time"] != "1732000000123" || got["sku"] != "a|b" {
		t.Errorf("fields = %v", got)
	}
	if c.records[1].Line != 8 || c.records[1].Fields["sku"] != "" {
		t.Errorf("second record = %+v", c.records[1])
	}
	var reasons []string
	for _, r := range c.rejects {
		reasons = append(reasons, r.Reason)
	}
	want := []string{"bad_json", "invalid_utf8", "bad_json", "missing_field", "bad_json"}
	if !reflect.DeepEqual(reasons, want) {
		t.Fatalf("reasons = %v, want %v", reasons, want)
	}
	if c.rejects[0].Line != 3 {
		t.Errorf("truncated line reported at %d", c.rejects[0].Line)
	}
}

// TestSplitsReadEveryLineOnce reads a text file in byte ranges of every size and checks that the
// records are exactly those of a whole read.
func TestSplitsReadEveryLineOnce(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 200; i++ {
		b.WriteString(`{"id":"e`)
		b.WriteString(strings.Repeat("x", i%17))
		b.WriteString(`","e":"view","p":"app","ts":"t"}` + "\n")
	}
	file := write(t, "e.jsonl", []byte(b.String()))
	src := eventSource()
	whole, err := readTask(t, src, Task{Source: "events", File: file})
	if err != nil {
		t.Fatal(err)
	}
	size := int64(b.Len())
	for _, split := range []int64{1, 7, 40, 41, 100, 999, size - 1, size} {
		var got []string
		for start := int64(0); start < size; start += split {
			c, err := readTask(
				t,
				src,
				Task{Source: "events", File: file, Start: start, End: min(start+split, size)},
			)
			if err != nil {
				t.Fatal(err)
			}
			c.balanced(t)
			for _, r := range c.records {
				got = append(got, r.Fields["event_id"])
			}
		}
		if len(got) != len(whole.records) {
			t.Fatalf("split %d: %d records, want %d", split, len(got), len(whole.records))
		}
		for i, r := range whole.records {
			if got[i] != r.Fields["event_id"] {
				t.Fatalf(
					"split %d: record %d = %s, want %s",
					split,
					i,
					got[i],
					r.Fields["event_id"],
				)
			}
		}
	}
}

func TestCSVSplitsKeepTheHeader(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,phone,body,at\n")
	for i := 0; i < 50; i++ {
		b.WriteString("t" + strings.Repeat("1", i%5+1) + ",p,body,at\n")
	}
	file := write(t, "t.csv", []byte(b.String()))
	src := ticketSource()
	src.Multiline = false
	size := int64(b.Len())
	n := 0
	for start := int64(0); start < size; start += 64 {
		c, err := readTask(
			t,
			src,
			Task{Source: "tickets", File: file, Start: start, End: min(start+64, size)},
		)
		if err != nil {
			t.Fatal(err)
		}
		c.balanced(t)
		for _, r := range c.records {
			if r.Fields["ticket_id"] == "id" || r.Fields["text"] != "body" {
				t.Fatalf("split at %d read %+v", start, r.Fields)
			}
		}
		n += len(c.records)
	}
	if n != 50 {
		t.Fatalf("read %d rows, want 50", n)
	}
}

func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

func TestRejectMasksPersonalFields(t *testing.T) {
	r := Record{
		Source: "tickets",
		File:   "t.csv",
		Line:   3,
		Fields: map[string]string{"name": "张三丰", "phone": "138 0013 8000", "ticket_id": "k1"},
		Raw:    "k1,张三丰,138 0013 8000,bad date",
	}
	rej := r.Reject("clean", "invalid_created_at", "bad date")
	if strings.Contains(rej.Raw, "张三丰") || strings.Contains(rej.Raw, "0013") ||
		!strings.Contains(rej.Raw, "k1") ||
		rej.Line != 3 {
		t.Fatalf("raw = %q", rej.Raw)
	}
	long := Record{
		Fields: map[string]string{},
		Raw:    strings.Repeat("长", 2000),
	}.Reject(
		"ingest",
		"x",
		"",
	)
	if len(long.Raw) > MaxRawBytes || !utf8.ValidString(long.Raw) {
		t.Fatalf("raw cut to %d bytes, valid %v", len(long.Raw), utf8.ValidString(long.Raw))
	}
}
