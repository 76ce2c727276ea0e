package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"golang.org/x/text/encoding/simplifiedchinese"
	"gopkg.in/yaml.v3"
)

// sourceSpec is the part of sources.yaml the contract test needs.
type sourceSpec struct {
	Name     string            `yaml:"name"`
	Format   string            `yaml:"format"`
	Path     string            `yaml:"path"`
	Encoding string            `yaml:"encoding"`
	Columns  map[string]string `yaml:"columns"`
}

func loadSpecs(t *testing.T) []sourceSpec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sampleDir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Sources []sourceSpec `yaml:"sources"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) != 10 {
		t.Fatalf("%d sources in sources.yaml", len(cfg.Sources))
	}
	return cfg.Sources
}

// TestContract reads every source of sources.yaml the way its format and encoding say, and checks
// that every mapped column exists.
func TestContract(t *testing.T) {
	for _, s := range loadSpecs(t) {
		t.Run(s.Name, func(t *testing.T) {
			files := glob(t, s.Path)
			have := map[string]bool{}
			for _, f := range files {
				var cols []string
				switch s.Format {
				case "parquet":
					cols = parquetColumns(t, f)
				case "jsonl":
					cols = jsonlKeys(t, f)
				case "csv":
					cols = csvRecords(t, f, s.Encoding)[0]
				default:
					t.Fatalf("format %s", s.Format)
				}
				for _, c := range cols {
					have[c] = true
				}
			}
			for field, col := range s.Columns {
				if !have[col] {
					t.Errorf("column %q (for %s) is in no file of %s", col, field, s.Path)
				}
			}
		})
	}
}

func parquetColumns(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var cols []string
	for _, fld := range pf.Schema().Fields() {
		cols = append(cols, fld.Name())
	}
	for _, rg := range pf.RowGroups() {
		if rg.NumRows() > parquetGroupRow {
			t.Errorf("%s: row group of %d rows", path, rg.NumRows())
		}
	}
	return cols
}

// openText opens a plain or gzip text file.
func openText(t *testing.T, path string) io.Reader {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return bytes.NewReader(plain)
	}
	return bytes.NewReader(data)
}

type decoded struct {
	objs   []map[string]any
	broken int
}

var (
	decodedMu sync.Mutex
	decodedBy = map[string]decoded{}
)

// jsonLines decodes the lines of a JSON-lines file, once per file for all tests; broken lines (on
// purpose) are counted.
func jsonLines(t *testing.T, path string) (objs []map[string]any, broken int) {
	t.Helper()
	decodedMu.Lock()
	defer decodedMu.Unlock()
	if d, ok := decodedBy[path]; ok {
		return d.objs, d.broken
	}
	defer func() { decodedBy[path] = decoded{objs, broken} }()
	sc := bufio.NewScanner(openText(t, path))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if !utf8.Valid(sc.Bytes()) || json.Unmarshal(sc.Bytes(), &m) != nil {
			broken++
			continue
		}
		objs = append(objs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if float64(broken) > 0.01*float64(len(objs)+1)+1 {
		t.Errorf("%s: %d broken lines of %d", path, broken, len(objs)+broken)
	}
	return objs, broken
}

func jsonlKeys(t *testing.T, path string) []string {
	objs, _ := jsonLines(t, path)
	seen := map[string]bool{}
	var keys []string
	for _, m := range objs {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// csvRecords reads a CSV file in its encoding; the first record is the header.
func csvRecords(t *testing.T, path, encoding string) [][]string {
	t.Helper()
	r := openText(t, path)
	if encoding == "gbk" {
		r = simplifiedchinese.GBK.NewDecoder().Reader(r)
	}
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func TestParquetRowsRead(t *testing.T) {
	check := func(name string, n int) {
		if int64(n) != family(t, name).Rows || n == 0 {
			t.Errorf("%s: read %d rows, summary says %d", name, n, family(t, name).Rows)
		}
	}
	check("users", len(readParquet[UserRow](t, "platform/users/dt=*/*.parquet")))
	check("orders", len(readParquet[OrderRow](t, "platform/orders/dt=*/*.parquet")))
	check("order_items", len(readParquet[OrderItemRow](t, "platform/order_items/dt=*/*.parquet")))
	check("products", len(readParquet[ProductRow](t, "platform/products/dt=*/*.parquet")))
}

func readParquet[T any](t *testing.T, pattern string) []T {
	t.Helper()
	var all []T
	for _, f := range glob(t, pattern) {
		rows, err := parquet.ReadFile[T](f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, rows...)
	}
	return all
}

func TestOptionalColumnsAreNull(t *testing.T) {
	f, err := os.Open(glob(t, "platform/orders/dt=*/*.parquet")[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pay_time", "coupon_code"} {
		col, ok := pf.Schema().Lookup(name)
		if !ok || !col.Node.Optional() {
			t.Errorf("%s is not an optional column", name)
		}
	}
	col, _ := pf.Schema().Lookup("create_time")
	if lt := col.Node.Type().LogicalType(); lt == nil ||
		!strings.Contains(lt.String(), "isAdjustedToUTC=true") ||
		!strings.Contains(lt.String(), "MICROS") {
		t.Errorf("create_time is not TIMESTAMP(MICROS, UTC): %v", lt)
	}
}

func TestTextFamiliesDecode(t *testing.T) {
	var broken int
	for _, f := range glob(t, "clickstream/events/dt=*/*.jsonl.gz") {
		_, b := jsonLines(t, f)
		broken += b
	}
	if broken == 0 {
		t.Error("no broken event lines: the mess is missing")
	}
	recs := csvRecords(t, glob(t, "vendor/acme/*.csv")[0], "gbk")
	if strings.Join(recs[0], ",") != "手机号MD5,手机号SHA256,年龄段,收入水平,兴趣标签,城市等级,更新时间" {
		t.Errorf("vendor header %q", recs[0])
	}
	multiline := 0
	for _, f := range glob(t, "feedback/tickets/dt=*/*.csv") {
		tickets := csvRecords(t, f, "utf-8")
		if strings.Join(tickets[0], ",") != strings.Join(TicketHeader, ",") {
			t.Errorf("%s: header %q", f, tickets[0])
		}
		for _, rec := range tickets[1:] {
			if len(rec) == 9 && strings.Contains(rec[6], "\n") {
				multiline++
			}
		}
		raw, _ := os.ReadFile(f)
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Errorf("%s has no BOM", f)
		}
	}
	if multiline == 0 {
		t.Error("no ticket text with a newline")
	}
	truth := csvRecords(t, filepath.Join(sampleDir, "truth/persons.csv.gz"), "utf-8")
	if strings.Join(truth[0], ",") != "person_id,kind,value" {
		t.Errorf("truth header %q", truth[0])
	}
}
