package ingest

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/shopportraits/portraits/transforms/sources"
)

type exportRow struct {
	UID       string   `parquet:"uid"`
	Mobile    string   `parquet:"mobile,optional"`
	Age       int32    `parquet:"age"`
	Score     float64  `parquet:"score"`
	OptIn     bool     `parquet:"opt_in"`
	RegTime   int64    `parquet:"reg_time,timestamp(microsecond)"`
	Birthday  int32    `parquet:"birthday,date"`
	Interests []string `parquet:"interests,list"`
}

func writeParquet(t testing.TB, rows []exportRow, perGroup int64) string {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[exportRow](&buf, parquet.MaxRowsPerRowGroup(perGroup))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return write(t, "u.parquet", buf.Bytes())
}

func writeParquetForFuzz(f *testing.F) string {
	return writeParquet(
		f,
		[]exportRow{{UID: "u1", Mobile: "138", RegTime: 1, Interests: []string{"a"}}, {UID: "u2"}},
		1,
	)
}

func userSource() sources.Source {
	return sources.Source{Name: "users", Kind: "users", Format: sources.FormatParquet,
		Columns: map[string]string{
			"user_id":           "uid",
			"phone":             "mobile",
			"age":               "age",
			"registered_at":     "reg_time",
			"birthday":          "birthday",
			"marketing_consent": "opt_in",
			"city":              "interests",
			"province":          "score",
		}}
}

func TestParquetRowGroupsAndLogicalTypes(t *testing.T) {
	reg := time.Date(2026, 11, 20, 1, 2, 3, 456000, time.UTC)
	var rows []exportRow
	for i := 0; i < 5; i++ {
		rows = append(
			rows,
			exportRow{
				UID:       "u" + string(rune('0'+i)),
				Age:       int32(20 + i),
				Score:     1.5,
				OptIn:     i%2 == 0,
				RegTime:   reg.UnixMicro(),
				Birthday:  7305,
				Interests: []string{"a", "b"},
			},
		)
	}
	rows[1].Mobile = "138"
	rows[2].UID = "bad\xff"
	file := writeParquet(t, rows, 2)
	n, err := parquetRowGroups(file)
	if err != nil || n != 3 {
		t.Fatalf("row groups = %d, %v", n, err)
	}
	var all []Record
	for g := int32(1); g <= 3; g++ {
		c, err := readTask(t, userSource(), Task{Source: "users", File: file, RowGroup: g})
		if err != nil {
			t.Fatal(err)
		}
		c.balanced(t)
		all = append(all, c.records...)
		if g == 2 &&
			(len(c.rejects) != 1 || c.rejects[0].Reason != "invalid_utf8" || c.rejects[0].RowGroup != 2 ||
				c.rejects[0].Line != 1) {
			t.Fatalf("rejects of group 2 = %+v", c.rejects)
		}
	}
	if len(all) != 4 {
		t.Fatalf("%d records", len(all))
	}
	f := all[0].Fields
	want := map[string]string{
		"user_id":           "u0",
		"age":               "20",
		"registered_at":     "2026-11-20T01:02:03.000456Z",
		"birthday":          "1990-01-01",
		"marketing_consent": "true",
		"city":              "a|b",
		"province":          "1.5",
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s = %q, want %q", k, f[k], v)
		}
	}
	if _, ok := f["phone"]; ok {
		t.Errorf("null phone became %q", f["phone"])
	}
	if all[1].Fields["phone"] != "138" || all[1].RowGroup != 1 || all[1].Line != 2 {
		t.Errorf("second record = %+v", all[1])
	}
}

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat(`{"id":"e","e":"view","p":"app","ts":"t"}`+"\n", 60000) // ~2.5 MB
	mustWrite(t, dir+"/events/a.jsonl", big)
	mustWrite(t, dir+"/events/b.jsonl", "{}\n")
	cfgText := `
sources:
  - name: events
    kind: events
    format: jsonl
    path: events/*.jsonl
    split_bytes: 1048576
  - name: absent
    kind: reviews
    format: jsonl
    path: reviews/*.jsonl
    optional: true
`
	mustWrite(t, dir+"/sources.yaml", cfgText)
	cfg, err := sources.Load(dir + "/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tasks, inputs, err := Plan(context.Background(), cfg, sources.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 2 || len(tasks) != 4 {
		t.Fatalf("inputs %+v, tasks %+v", inputs, tasks)
	}
	if tasks[0].Start != 0 || tasks[1].Start != 1<<20 || tasks[2].End != int64(len(big)) ||
		tasks[3].End != 0 {
		t.Fatalf("tasks = %+v", tasks)
	}
	cfg.Sources[1].Optional = false
	_, _, err = Plan(context.Background(), cfg, sources.Window{})
	if err == nil || !strings.Contains(err.Error(), "source absent") ||
		!strings.Contains(err.Error(), "no file matches") {
		t.Fatalf("err = %v", err)
	}
}

func TestPlanReadsTheWindowsPartitions(t *testing.T) {
	dir := t.TempDir()
	for _, day := range []string{"2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"} {
		mustWrite(t, dir+"/touches/dt="+day+"/a.jsonl", "{}\n")
	}
	mustWrite(t, dir+"/sources.yaml", `
sources:
  - {name: touches, kind: touches, format: jsonl, path: touches/dt=*/*.jsonl, grows: append,
     late_days: 1}
`)
	cfg, err := sources.Load(dir + "/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	days := func(w sources.Window) []string {
		t.Helper()
		_, inputs, err := Plan(context.Background(), cfg, w)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, in := range inputs {
			d, _ := sources.Partition(in.File)
			out = append(out, d)
		}
		return out
	}
	if got := days(sources.Window{Through: "2026-11-20"}); !slices.Equal(got,
		[]string{"2026-11-18", "2026-11-19", "2026-11-20"}) {
		t.Errorf("a full night of 2026-11-20 reads %v", got)
	}
	if got := days(sources.Window{Through: "2026-11-21", Previous: "2026-11-20"}); !slices.Equal(
		got, []string{"2026-11-20", "2026-11-21"}) {
		t.Errorf("the night after 2026-11-20 with one late day reads %v", got)
	}
	_, _, err = Plan(context.Background(), cfg, sources.Window{Through: "2026-11-01"})
	if err == nil || !strings.Contains(err.Error(), "no partition on or before 2026-11-01") {
		t.Errorf("a full night before every partition: err = %v", err)
	}
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := writeFile(path, text); err != nil {
		t.Fatal(err)
	}
}
