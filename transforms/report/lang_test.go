package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
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
