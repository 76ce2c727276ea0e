package ingest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV feeds arbitrary bytes to the CSV reader: it must not panic, and every row read must come
// out as a record or a reject.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,phone,body,at\nt1,138,\"a\nb\",2026\n"))
	f.Add([]byte("\uFEFFid,phone,body,at\r\nt1,\"x\"\"y\",z,1\r\n"))
	f.Add([]byte("id,phone,body,at\n\"open,quote\n"))
	f.Add([]byte("id\n\xff\xfe\n,,,,\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, enc := range []string{"utf-8", "gbk"} {
			src := ticketSource()
			src.Encoding = enc
			c, err := readTask(t, src, Task{Source: "tickets", File: file})
			if err != nil {
				continue // a header without the required column fails the file, as it should
			}
			c.balanced(t)
		}
	})
}

// FuzzJSONL feeds arbitrary bytes to the JSON Lines reader, whole and split in two.
func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"e1","e":"view","p":"app","ts":1}`+"\n"+`{"id":`), int64(5))
	f.Add([]byte("\n\n{}\n[]\nnull\n\"s\"\n"), int64(3))
	f.Add([]byte("{\"id\":\"\xff\"}\r\n{\"id\":1e400}"), int64(1))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, cut int64) {
		file := filepath.Join(dir, "f.jsonl")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src := eventSource()
		whole, err := readTask(t, src, Task{Source: "events", File: file})
		if err != nil {
			t.Fatal(err)
		}
		whole.balanced(t)
		size := int64(len(data))
		if size == 0 {
			return
		}
		cut = 1 + (cut%size+size)%size
		n := 0
		for _, r := range [][2]int64{{0, cut}, {cut, size}} {
			if r[0] >= r[1] {
				continue
			}
			c, err := readTask(t, src, Task{Source: "events", File: file, Start: r[0], End: r[1]})
			if err != nil {
				t.Fatal(err)
			}
			c.balanced(t)
			n += len(c.records) + len(c.rejects)
		}
		if n != len(whole.records)+len(whole.rejects) {
			t.Fatalf(
				"split at %d read %d rows, whole file %d",
				cut,
				n,
				len(whole.records)+len(whole.rejects),
			)
		}
	})
}

// FuzzParquet feeds arbitrary bytes to the Parquet reader as a file: a corrupt file must fail its
// task with an error, never panic.
func FuzzParquet(f *testing.F) {
	valid, err := os.ReadFile(writeParquetForFuzz(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "f.parquet")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := readTask(t, userSource(), Task{Source: "users", File: file})
		if err == nil {
			c.balanced(t)
		}
	})
}

// FuzzRawString checks that a raw value renders as its decoded value does, on any JSON object.
func FuzzRawString(f *testing.F) {
	for _, s := range []string{
		`{"a":"x\"y","b":1.50,"c":[1,"z",null],"d":{"k":2},"e":true,"f":null,"g":"\u00e9"}`,
		`{"a":"plain","b":-0,"c":[],"d":{},"e":false}`, `{"a":"\ud800"}`, `{"a":1e400}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var raw map[string]json.RawMessage
		if !utf8.ValidString(line) || json.Unmarshal([]byte(line), &raw) != nil || raw == nil {
			return
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var decoded map[string]any
		if err := dec.Decode(&decoded); err != nil {
			t.Fatalf("%q: Unmarshal accepts it, the decoder does not: %v", line, err)
		}
		for k, v := range raw {
			if got, want := rawString(v), jsonString(decoded[k]); got != want {
				t.Fatalf("%q: key %q renders %q raw, %q decoded", line, k, got, want)
			}
		}
	})
}

// FuzzObjectFields checks that the allocation-free walk of a JSON line finds the same fields, and
// rejects the same lines, as encoding/json does.
func FuzzObjectFields(f *testing.F) {
	for _, s := range []string{`{"a":"x","b":1.50,"c":[1,"z",null],"d":{"k":2},"e":true,"f":null}`,
		`{"a":"plain","b":-0,"c":[],"d":{},"e":false}`, `{"a":1e400}`, `{"a":"1","a":"2"}`, `{"a":01}`,
		`{"a":"x"} `, ` {"a":NaN}`, `[1]`, `null`, `{"a":"x",}`, `{"a":"x"}{}`, `{"b":"\u00e9"}`,
		`{"a":"\t"}`} {
		f.Add(s)
	}
	byColumn := map[string][]string{
		"a": {"one", "same"},
		"b": {"two"},
		"c": {"three"},
		"d": {"four"},
		"e": {"five"},
		"f": {"six"},
	}
	f.Fuzz(func(t *testing.T, line string) {
		if !utf8.ValidString(line) {
			return
		}
		got, gotOK := objectFields([]byte(line), line, byColumn)
		want, wantOK := decodedFields([]byte(line), byColumn)
		if gotOK != wantOK {
			t.Fatalf("%q: read as an object %v, encoding/json says %v", line, gotOK, wantOK)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%q: fields %q, encoding/json gives %q", line, got, want)
		}
	})
}
