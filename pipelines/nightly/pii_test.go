package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// identifierFields are the canonical input fields that identify a person, or stand for one who
// can be reached: none of their values may reach the analytics zone, raw or normalised.
var identifierFields = []string{"phone", "email", "name", "nickname", "phone_hint", "device_id",
	"anonymous_id", "phone_md5", "phone_sha256"}

// TestRejectsRawIsRestricted: the raw text of rejects is published to the restricted zone only;
// analysts get the rejects without it.
func TestRejectsRawIsRestricted(t *testing.T) {
	st, err := schemas.Lookup("rejects")
	if err != nil {
		t.Fatal(err)
	}
	cols, err := publish.Columns(st)
	if err != nil {
		t.Fatal(err)
	}
	table := publish.Table{Name: "rejects", Columns: cols}
	isRaw := func(c publish.Column) bool { return c.Name == "raw" }
	analytics, ok := table.In(publish.Analytics)
	if !ok || slices.ContainsFunc(analytics.Columns, isRaw) {
		t.Errorf("analytics holds rejects %v with raw", ok)
	}
	restricted, ok := table.In(publish.Restricted)
	if !ok || !slices.ContainsFunc(restricted.Columns, isRaw) {
		t.Errorf("restricted holds rejects %v without raw", ok)
	}
}

// TestAnalyticsZoneHoldsNoIdentifier runs the nightly job on generated data and reads every
// column the analytics zone gets: none may hold a value of an input's identifier column (a phone,
// an e-mail, a name, a device or cookie id ...), as written or normalised. Devices and cookies
// are there as the identity map's salted hashes, so analysts can count them.
func TestAnalyticsZoneHoldsNoIdentifier(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job")
	}
	ctx := context.Background()
	sourcesFile := generate(t, 100)
	out := t.TempDir()
	runNightly(t, sourcesFile, out)

	raw := inputIdentifiers(t, sourcesFile)
	if len(raw["device_id"]) == 0 || len(raw["anonymous_id"]) == 0 || len(raw["name"]) == 0 {
		t.Fatalf("the generated data has no device ids, cookies or names to look for: %d, %d, %d",
			len(raw["device_id"]), len(raw["anonymous_id"]), len(raw["name"]))
	}
	forbidden := map[string]string{} // value -> the field it came from
	for field, values := range raw {
		for _, v := range values {
			for _, form := range forms(field, v) {
				if len(form) >= 4 {
					forbidden[form] = field
				}
			}
		}
	}
	plan, err := publish.Load(ctx, sink.RunDir(out, testDate))
	if err != nil {
		t.Fatal(err)
	}
	var deviceKeys []string
	checked := 0
	for _, table := range plan.In(publish.Analytics) {
		var names []string
		for _, c := range table.Columns {
			if c.Type == publish.String {
				names = append(names, c.Name)
			}
		}
		if table.Name == "rejects" && slices.Contains(names, "raw") {
			t.Errorf("analytics.rejects has the raw text")
		}
		found := 0
		for _, file := range table.Files {
			for col, values := range parquetStrings(t, file, names) {
				checked += len(values)
				device := table.Name == "events" && (col == "device_id" || col == "anonymous_id")
				for _, v := range values {
					if field, ok := forbidden[v]; ok {
						if found++; found <= 3 {
							t.Errorf("analytics.%s.%s holds %q, an input's %s",
								table.Name, col, v, field)
						}
					}
					if device && v != "" {
						deviceKeys = append(deviceKeys, v)
					}
				}
			}
		}
	}
	t.Logf("%d analytics values checked against %d identifier values", checked, len(forbidden))
	if len(deviceKeys) == 0 {
		t.Fatal("analytics.events holds no device or cookie")
	}
	links, err := sink.ReadTable[schemas.IdentityLink](ctx, out, testDate, "identity_map")
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[string]bool{}
	for _, l := range links {
		mapped[l.IDHash] = true
	}
	missing := 0
	for _, k := range deviceKeys {
		if !mapped[k] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d devices and cookies in analytics.events are no id_hash of identity_map",
			missing, len(deviceKeys))
	}
}

// forms are the ways an input value may appear in an output: as written, folded, and normalised
// as the clean stage normalises phones and e-mails.
func forms(field, v string) []string {
	out := []string{strings.TrimSpace(v), normalize.Fold(v)}
	if p, err := normalize.Phone(v, "CN"); err == nil && field == "phone" {
		out = append(out, p, normalize.VendorPhoneKey(p))
	}
	if e, err := normalize.Email(v); err == nil && field == "email" {
		out = append(out, e)
	}
	return out
}

// inputIdentifiers reads every input file of the sources config and returns, per identifier
// field, the values its column holds.
func inputIdentifiers(t *testing.T, sourcesFile string) map[string][]string {
	t.Helper()
	cfg, err := sources.Load(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, src := range cfg.Sources {
		columns := map[string]string{} // column -> field
		for _, f := range identifierFields {
			if c := src.Column(f); c != "" {
				columns[c] = f
			}
		}
		if len(columns) == 0 {
			continue
		}
		files, err := filepath.Glob(cfg.Glob(src))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			var values map[string][]string
			switch src.Format {
			case sources.FormatParquet:
				values = parquetStrings(t, file, keys(columns))
			case sources.FormatJSONL:
				values = jsonlStrings(t, file, src.Gzip, columns)
			case sources.FormatCSV:
				values = csvStrings(t, file, src.Encoding, columns)
			}
			for col, vs := range values {
				out[columns[col]] = append(out[columns[col]], vs...)
			}
		}
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// parquetStrings returns the string values of the named columns of a Parquet file (lists
// flattened), by column.
func parquetStrings(t *testing.T, file string, names []string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := parquet.NewReader(f)
	out := map[string][]string{}
	for {
		row := map[string]any{}
		if err := r.Read(&row); err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("%s: %v", file, err)
		}
		for _, n := range names {
			switch v := row[n].(type) {
			case string:
				out[n] = append(out[n], v)
			case []byte:
				out[n] = append(out[n], string(v))
			case []any:
				for _, e := range v {
					out[n] = append(out[n], fmt.Sprint(e))
				}
			}
		}
	}
}

// jsonlStrings returns the values of the given keys of a JSON Lines file, by key.
func jsonlStrings(t *testing.T, file string, gz bool, columns map[string]string,
) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	out := map[string][]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var obj map[string]any
		if json.Unmarshal(sc.Bytes(), &obj) != nil {
			continue
		}
		for col := range columns {
			if s, ok := obj[col].(string); ok {
				out[col] = append(out[col], s)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// csvStrings returns the values of the given columns of a CSV file, by column.
func csvStrings(t *testing.T, file, encoding string, columns map[string]string,
) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if encoding == "gbk" || encoding == "gb18030" {
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			t.Fatal(err)
		}
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF")))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	rows, err := cr.ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v", file, err)
	}
	out := map[string][]string{}
	for i, h := range rows[0] {
		if _, ok := columns[strings.TrimSpace(h)]; !ok {
			continue
		}
		for _, row := range rows[1:] {
			if i < len(row) {
				out[strings.TrimSpace(h)] = append(out[strings.TrimSpace(h)], row[i])
			}
		}
	}
	return out
}
