package sources

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// FuzzParseRoundTrip checks what a loaded config promises: every source has a known kind, format
// and encoding, a zone that loads and a column for every field of its kind; written back as YAML
// it loads to the same config; and a refused config names the file.
func FuzzParseRoundTrip(f *testing.F) {
	sample, err := os.ReadFile("../../pipelines/sampledata/sources.yaml.tmpl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(
		[]byte(
			"sources:\n" +
				"  - {name: v, kind: vendor, format: csv, path: 'v/*.csv.gz', encoding: GBK, columns: " +
				"{phone_md5: 手机号MD5}}\n",
		),
	)
	f.Add(
		[]byte(
			"business_timezone: UTC\nsources:\n" +
				"  - {name: e, kind: events, format: jsonl, path: e.jsonl, split_bytes: 1048576, " +
				"timezone: Asia/Shanghai}\n",
		),
	)
	f.Add(
		[]byte(
			"sources:\n  - {name: a, kind: users, format: parquet, path: a, columns: {phone: ''}}\n" +
				"  - {name: a, kind: users, format: csv, path: b}\n",
		),
	)
	const name = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, name)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := time.LoadLocation(cfg.BusinessTimezone); err != nil {
			t.Fatalf("business_timezone %q accepted: %v", cfg.BusinessTimezone, err)
		}
		seen := map[string]bool{}
		for _, s := range cfg.Sources {
			if seen[s.Name] || !nameRE.MatchString(s.Name) {
				t.Fatalf("source name %q accepted twice or malformed", s.Name)
			}
			seen[s.Name] = true
			if _, ok := Kinds[s.Kind]; !ok {
				t.Fatalf("source %s: kind %q accepted", s.Name, s.Kind)
			}
			if s.Format != FormatCSV && s.Format != FormatJSONL && s.Format != FormatParquet {
				t.Fatalf("source %s: format %q accepted", s.Name, s.Format)
			}
			if s.Encoding != "utf-8" &&
				(s.Format != FormatCSV || s.Encoding != "gbk" && s.Encoding != "gb18030") {
				t.Fatalf("source %s: encoding %q accepted for %s", s.Name, s.Encoding, s.Format)
			}
			if _, err := time.LoadLocation(s.Timezone); err != nil ||
				s.MoneyUnit != MoneyMajor && s.MoneyUnit != MoneyMinor ||
				s.SplitBytes < 1<<20 {
				t.Fatalf(
					"source %s: timezone %q, money_unit %q or split_bytes %d accepted",
					s.Name,
					s.Timezone,
					s.MoneyUnit,
					s.SplitBytes,
				)
			}
			for _, fl := range Kinds[s.Kind] {
				if _, ok := s.Columns[fl.Name]; !ok {
					t.Fatalf("source %s: field %s has no column", s.Name, fl.Name)
				}
			}
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("a loaded config does not marshal: %v", err)
		}
		again, err := Parse(out, name)
		if err != nil {
			t.Fatalf("a loaded config, written back, is refused: %v\n%s", err, out)
		}
		// Compared as YAML: an absent list and an empty one mean the same.
		if out2, err := yaml.Marshal(again); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf(
				"written back and loaded again, the config differs (%v):\n%s\n%s",
				err,
				out,
				out2,
			)
		}
	})
}
