package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// FuzzCSVEncodings writes one CSV text as UTF-8, as GB18030 and, when every character has a GBK
// code, as GBK: the three files must read to the same records and rejects, line for line, and
// the same file-level error or none.
//
// Texts holding U+FFFD are left out (the GBK readers reject it as a decoding failure, the UTF-8
// reader keeps it), and so are texts with U+FEFF after the header's first character: the UTF-8
// reader drops a BOM at the start of the first data row, the GBK readers keep it as text.
func FuzzCSVEncodings(f *testing.F) {
	for _, s := range []string{
		"id,phone,body,at\nt1,13800138000,屏幕碎了，要求退货,2026-11-20 10:00\n",
		"\uFEFFid,phone,body,at\r\nt2,,\"多行\n内容，带\"\"引号\"\"\",2026-11-20\r\n",
		"id,phone,body,at\nt3,１３８,€ 与 ½ 与 😀,1\nt4,x,\"未闭合,y\n",
		"id,phone,body,at\n\nt5,a,b\nt6,a,b,c,d\n",
		"id,body\n工单,内容\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	encodings := []struct {
		name string
		enc  encoding.Encoding
	}{{"gb18030", simplifiedchinese.GB18030}, {"gbk", simplifiedchinese.GBK}}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) ||
			strings.Contains(strings.TrimPrefix(text, "\uFEFF"), "\uFEFF") {
			return
		}
		want, wantErr := readEncoded(t, dir, "utf-8", []byte(text))
		for _, e := range encodings {
			data, err := e.enc.NewEncoder().Bytes([]byte(text))
			if err != nil {
				continue // a character without a code in this encoding
			}
			got, gotErr := readEncoded(t, dir, e.name, data)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("%s: error %v, utf-8: error %v", e.name, gotErr, wantErr)
			}
			if !slices.Equal(got, want) {
				t.Fatalf(
					"%s reads\n%s\nutf-8 reads\n%s",
					e.name,
					strings.Join(got, "\n"),
					strings.Join(want, "\n"),
				)
			}
		}
	})
}

// readEncoded reads data as a tickets CSV file in the encoding and describes every record and
// reject on one line each: where it is, what it holds or why it was refused.
func readEncoded(t *testing.T, dir, enc string, data []byte) ([]string, error) {
	t.Helper()
	file := filepath.Join(dir, "f.csv")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	src := ticketSource()
	src.Encoding = enc
	c, err := readTask(t, src, Task{Source: "tickets", File: file})
	if err != nil {
		return nil, err
	}
	c.balanced(t)
	var out []string
	for _, r := range c.records {
		keys := make([]string, 0, len(r.Fields))
		for k := range r.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		desc := fmt.Sprintf("record at line %d:", r.Line)
		for _, k := range keys {
			desc += fmt.Sprintf(" %s=%q", k, r.Fields[k])
		}
		out = append(out, desc)
	}
	for _, r := range c.rejects {
		out = append(out, fmt.Sprintf("reject at line %d: %s %q", r.Line, r.Reason, r.Raw))
	}
	return out, nil
}
