package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

var update = flag.Bool("update", false, "write testdata/fixture.en.html from the page rendered now")

// goldenFile is the English page of the two-night fixture (goldenRun), the chart library left
// out, written before the page had a language: it pins every English word of the page.
const goldenFile = "testdata/fixture.en.html"

// goldenSections are the sections goldenFile holds; sections added later are left out of the
// comparison, so that a new section does not change it.
var goldenSections = []string{"headline", "flow", "customers", "lifecycle", "rfm", "clv",
	"segments", "audiences", "clusters", "affinity", "overview", "gates", "counts", "rejects",
	"resolve", "matching", "model"}

// goldenSources is a sources config with gates and no business_timezone.
const goldenSources = `sources:
  - {name: orders, kind: orders, format: parquet, path: o}
  - {name: clicks, kind: events, format: jsonl, path: e, columns: {event_id: eid}}
`

// goldenRun writes two fixture nights under one output, the second (fixtureDate, with its model,
// prediction and match cards and audience counts) continuing the first, and returns the output
// and the options that render the second with its gates and flow.
func goldenRun(t *testing.T) (string, Options) {
	t.Helper()
	const first = "2026-11-20"
	out := t.TempDir()
	publishtest.WriteRun(t, out, first, fixtureTables(30))
	if err := Render(context.Background(), out, first); err != nil {
		t.Fatal(err)
	}
	tables := fixtureTables(40)
	q := func(source, stage, measure, reason string, n int64) schemas.QualityCount {
		return schemas.QualityCount{Source: source, Stage: stage, Measure: measure,
			Reason: reason, Count: n}
	}
	tables["quality"] = append(tables["quality"],
		q("segment:vip", "activation", "in", "", 50),
		q("segment:vip", "activation", "out", "", 40),
		q("segment:vip", "activation", "rejected", "no_consent", 7),
		q("segment:vip", "activation", "rejected", "open_complaint", 1),
		q("segment:vip", "activation", "rejected", "no_phone", 1),
		q("segment:vip", "activation", "rejected", "frequency_cap", 1),
		q("audience:vip", "changes", "carried", "", 38),
		q("audience:vip", "changes", "in", "", 5),
		q("audience:vip", "changes", "rejected", "left_segment", 3),
		q("audience:vip", "changes", "out", "", 40),
		q("clicks", "ingest", "in", "", 50),
		q("clicks", "ingest", "rejected", "missing_field", 50),
		q("clicks", "ingest", "absent", "event_id", 50),
	)
	dir := publishtest.WriteRun(t, out, fixtureDate, tables)
	for name, body := range map[string]string{"model_card.json": modelCard,
		"prediction_card.json": predictionCard, matchCardFile: matchCard} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := sources.Parse([]byte(goldenSources), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return out, Options{Sources: cfg, Previous: first}
}

// goldenPage is the page of the golden run in the options' language, with only goldenSections,
// without the chart library and with the schema version the file was written with.
func goldenPage(t *testing.T, out string, o Options) []byte {
	t.Helper()
	r, err := Build(context.Background(), out, fixtureDate, o)
	if err != nil {
		t.Fatal(err)
	}
	r.Sections = slices.DeleteFunc(r.Sections, func(s Section) bool {
		return !slices.Contains(goldenSections, s.ID)
	})
	r.SchemaVersion = 2 // the file's, whatever the schemas' version is now
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	return []byte(strings.Replace(buf.String(), echartsJS, "/* echarts.min.js */", 1))
}

// TestEnglishPageIsPinned: the English page of the golden run equals goldenFile, byte for byte.
// After a deliberate change of the page, `go test ./transforms/report -run Pinned -update`
// writes the file again; read its diff.
func TestEnglishPageIsPinned(t *testing.T) {
	out, o := goldenRun(t)
	page := goldenPage(t, out, o)
	if *update {
		if err := os.WriteFile(goldenFile, page, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(page, want) {
		kept := "not kept"
		if f, err := os.CreateTemp("", "fixture.en.*.html"); err == nil { // kept, to diff
			if _, err := f.Write(page); err == nil {
				kept = f.Name()
			}
			f.Close()
		}
		t.Errorf("the English page differs from %s (the page rendered now: %s)", goldenFile, kept)
	}
}

// sourceKeys are the constant strings the package's code passes to tr, trf and trList, read
// from its source files: the words of every section, also those the fixture does not reach.
func sourceKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var keys []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok || fn.Name != "tr" && fn.Name != "trf" && fn.Name != "trList" {
				return true
			}
			args := call.Args
			if fn.Name == "trf" {
				args = args[:1]
			}
			for _, a := range args {
				if s, ok := constString(a); ok {
					keys = append(keys, s)
				}
			}
			return true
		})
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// constString is the value of a string literal or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		x, okx := constString(e.X)
		y, oky := constString(e.Y)
		return x + y, okx && oky && e.Op == token.ADD
	case *ast.ParenExpr:
		return constString(e.X)
	}
	return "", false
}

// TestEveryWordHasChinese: every string the code passes to tr, trf and trList has a Chinese entry.
func TestEveryWordHasChinese(t *testing.T) {
	keys := sourceKeys(t)
	if len(keys) < 100 {
		t.Fatalf("%d strings found in the source, want the page's (100 or more)", len(keys))
	}
	for _, k := range keys {
		if _, ok := chinese(k); !ok && k != "" {
			t.Errorf("no Chinese for %q (zh.go)", k)
		}
	}
}

// TestChinesePage renders the golden run in Chinese: every string the page needed has a Chinese
// entry, the page is marked zh-Hans, no English section title is left, the charts are labelled
// in Chinese, no sentence misformats a value, and data values (segment, category, SKU) and
// money keep their form. REPORT_ZH_PAGE=FILE keeps the page.
func TestChinesePage(t *testing.T) {
	out, o := goldenRun(t)
	en, err := Build(context.Background(), out, fixtureDate, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Lang = Chinese
	r, err := Build(context.Background(), out, fixtureDate, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.untranslated) > 0 {
		t.Errorf("no Chinese in zh.go for %q", r.untranslated)
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if keep := os.Getenv("REPORT_ZH_PAGE"); keep != "" {
		if err := os.WriteFile(keep, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{`<html lang="zh-Hans">`, "<title>每晚运行报告 2026-11-21</title>",
		"业务日 2026-11-21 · 运行 run-2026-11-21", "<h2>概览</h2>", "<h2>客户画像</h2>",
		"<h2>生命周期</h2>", "<th>复购率</th>", "复购率", "人群包", "新客", "沉睡", "流失风险",
		`"转化漏斗（人数）"`, `"各生命周期阶段人数"`, "k = 2，在 40 人的训练样本上轮廓系数为 0.41。",
		"vip", "teaware", "SKU-A + SKU-B", "¥"} {
		if !strings.Contains(page, want) {
			t.Errorf("the Chinese page lacks %s", want)
		}
	}
	if len(en.Sections) != len(r.Sections) {
		t.Fatalf("%d sections in English, %d in Chinese", len(en.Sections), len(r.Sections))
	}
	for i, s := range en.Sections {
		if r.Sections[i].ID != s.ID || strings.Contains(page, ">"+s.Title+"<") {
			t.Errorf("section %s: the Chinese page shows its English title %q", s.ID, s.Title)
		}
	}
	if strings.Contains(page, "%!") {
		i := strings.Index(page, "%!")
		t.Errorf("a sentence misformats a value: %s", page[max(0, i-80):i+40])
	}
}

// TestChinesePageIsDeterministic: the same run in Chinese gives the same bytes, whatever the
// order of the rows.
func TestChinesePageIsDeterministic(t *testing.T) {
	tables := fixtureTables(40)
	a, b := writeFixture(t, tables, true), writeFixture(t, reversed(tables), true)
	render := func(out string) []byte {
		t.Helper()
		err := RenderWith(context.Background(), out, fixtureDate, Options{Lang: Chinese})
		if err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(filepath.Join(sink.RunDir(out, fixtureDate), FileName))
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	first, again, other := render(a), render(a), render(b)
	if !bytes.Equal(first, again) || !bytes.Equal(first, other) {
		t.Error("the same run in Chinese gave different bytes")
	}
	for _, external := range []string{"<script src", "<link ", "cdn.", "go-echarts-assets"} {
		if bytes.Contains(first, []byte(external)) {
			t.Errorf("the Chinese page refers to an external resource (%q)", external)
		}
	}
}

// TestHeadlineFileIgnoresLanguage: the headline file later nights read is the same whichever
// language the page is written in.
func TestHeadlineFileIgnoresLanguage(t *testing.T) {
	out := writeFixture(t, fixtureTables(40), true)
	headline := func(lang string) []byte {
		t.Helper()
		err := RenderWith(context.Background(), out, fixtureDate, Options{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(sink.RunDir(out, fixtureDate), HeadlineFile))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if en, zh := headline(English), headline(Chinese); !bytes.Equal(en, zh) {
		t.Errorf("headline.json differs by language:\n%s\n%s", en, zh)
	}
}

// TestLanguageFromTimeZone: without --lang, a sources config whose business_timezone is in
// China, Hong Kong, Macau or Taiwan gives Chinese; any other zone, a config that names none, or
// no config gives English; Lang overrides; an unknown language is refused.
func TestLanguageFromTimeZone(t *testing.T) {
	config := func(zone string) *sources.Config {
		t.Helper()
		yaml := "sources:\n  - {name: orders, kind: orders, format: parquet, path: o}\n"
		if zone != "" {
			yaml = "business_timezone: " + zone + "\n" + yaml
		}
		cfg, err := sources.Parse([]byte(yaml), "sources.yaml")
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for zone, want := range map[string]string{
		"Asia/Shanghai": Chinese, "Asia/Chongqing": Chinese, "Asia/Urumqi": Chinese,
		"Asia/Harbin": Chinese, "Asia/Hong_Kong": Chinese, "Asia/Macau": Chinese,
		"Asia/Taipei": Chinese, "PRC": Chinese, "Asia/Singapore": English,
		"Asia/Tokyo": English, "Europe/Berlin": English, "UTC": English, "": English,
	} {
		if got := defaultLang(config(zone)); got != want {
			t.Errorf("business_timezone %q: %s, want %s", zone, got, want)
		}
	}
	if got := defaultLang(nil); got != English {
		t.Errorf("without a sources config: %s, want en", got)
	}
	out := writeFixture(t, fixtureTables(10), false)
	for _, c := range []struct {
		lang, zone, want string
	}{{"", "Asia/Shanghai", Chinese}, {English, "Asia/Shanghai", English},
		{Chinese, "Europe/Berlin", Chinese}, {"", "Europe/Berlin", English}} {
		r, err := Build(context.Background(), out, fixtureDate,
			Options{Lang: c.lang, Sources: config(c.zone)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Lang != c.want || (c.want == Chinese) != (r.Sections[0].Title == "概览") {
			t.Errorf("--lang %q, zone %s: page in %s titled %q, want %s", c.lang, c.zone,
				r.Lang, r.Sections[0].Title, c.want)
		}
	}
	for _, bad := range []string{"fr", "ZH", "zh-CN", "english"} {
		if CheckLang(bad) == nil {
			t.Errorf("language %q accepted", bad)
		}
		if _, err := Build(context.Background(), out, fixtureDate, Options{Lang: bad}); err == nil {
			t.Errorf("Build in %q did not fail", bad)
		}
	}
}

// TestCodesHaveChinese: the codes the page shows by name (lifecycle stages, the flow's and the
// characteristics' own rows, exclusion reasons, rule levels, genders, price bands, channels) each
// have a Chinese name.
func TestCodesHaveChinese(t *testing.T) {
	codes := slices.Concat(funnelOrder, exclusions, levels,
		[]string{newPerson, gonePerson, unknown, "female", "male", "low", "mid", "high", "app",
			"web", "mini_program"})
	zhWords := newTranslator(Chinese)
	for _, c := range codes {
		if _, ok := chinese(label(c)); !ok {
			t.Errorf("code %s: no Chinese for %q in zh.go", c, label(c))
		}
	}
	if got := zhWords.code("a_stage_of_ones_own"); got != "a stage of ones own" {
		t.Errorf("a code without Chinese is shown as %q, want its label", got)
	}
}

// TestTranslationsFormat: every Chinese sentence with values takes the values of its English
// key, in type and number: formatted with a sample value per verb, neither misformats one.
func TestTranslationsFormat(t *testing.T) {
	verb := regexp.MustCompile(`%(\[\d+\])?[-+#0]*\d*(\.\d+)?(\[\d+\])?([dsfgv%])`)
	sample := map[byte]any{'d': 1234, 's': "x", 'f': 1.5, 'g': 1.5}
	zhWords := newTranslator(Chinese)
	for _, e := range zh {
		var args []any
		for _, m := range verb.FindAllStringSubmatch(e[0], -1) {
			if m[4] == "%" {
				continue
			}
			v, ok := sample[m[4][0]]
			if !ok {
				t.Fatalf("%q: verb %s has no sample value", e[0], m[0])
			}
			args = append(args, v)
		}
		if len(args) == 0 {
			continue // a fixed string (tr), shown as written
		}
		if got := zhWords.f(e[0], args...); strings.Contains(got, "%!") {
			t.Errorf("%q in Chinese: %s", e[0], got)
		}
		if got := fmt.Sprintf(e[0], args...); strings.Contains(got, "%!") {
			t.Errorf("%q in English: %s", e[0], got)
		}
	}
}
