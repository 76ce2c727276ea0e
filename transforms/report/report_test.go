package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/sink"
)

// sectionIDs are every section of the page, in order.
var sectionIDs = []string{
	"headline",
	"flow",
	"customers",
	"lifecycle",
	"rfm",
	"clv",
	"predictions",
	"feedback",
	"segments",
	"audiences",
	"clusters",
	"affinity",
	"overview",
	"gates",
	"counts",
	"rejects",
	"resolve",
	"model",
}

func renderFixture(t *testing.T, out string) []byte {
	t.Helper()
	if err := Render(context.Background(), out, fixtureDate); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(sink.RunDir(out, fixtureDate), FileName))
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func section(t *testing.T, r *Report, id string) Section {
	t.Helper()
	for _, s := range r.Sections {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no section %s", id)
	return Section{}
}

// cell is the text of the column named col in the row whose first cell is key, in the first table
// of the section with that caption.
func cell(t *testing.T, s Section, caption, key, col string) string {
	t.Helper()
	for _, b := range s.Blocks {
		if b.Table == nil || b.Table.Caption != caption {
			continue
		}
		c := -1
		for i, h := range b.Table.Head {
			if h == col {
				c = i
			}
		}
		for _, row := range b.Table.Rows {
			if c >= 0 && row[0].Text == key {
				return row[c].Text
			}
		}
		t.Fatalf("section %s, table %q: no row %q with column %q", s.ID, caption, key, col)
	}
	t.Fatalf("section %s: no table %q", s.ID, caption)
	return ""
}

func TestRenderHasEverySection(t *testing.T) {
	tables := fixtureTables(40)
	out := writeFixture(t, tables, true)
	page := string(renderFixture(t, out))

	for _, id := range sectionIDs {
		if !strings.Contains(page, `<section id="`+id+`">`) {
			t.Errorf("the page has no section %s", id)
		}
	}
	if strings.Contains(page, "section skipped") {
		t.Errorf("a section was skipped although the run has every table")
	}
	// Every chart has its element and its entry in the script, and draws from the inlined library.
	ids := regexp.MustCompile(`<div class="chart" id="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(ids) < 10 {
		t.Errorf("%d charts on the page, want one per figure (10 or more)", len(ids))
	}
	for _, m := range ids {
		if !strings.Contains(page, `["`+m[1]+`", {`) {
			t.Errorf("chart %s has no option in the script", m[1])
		}
	}
	if !strings.Contains(page, "echarts.init(") ||
		!strings.Contains(page, echartsJS[len(echartsJS)-200:]) {
		t.Error("the chart library is not inlined")
	}
	for _, external := range []string{"<script src", "<link ", "cdn.", "go-echarts-assets"} {
		if strings.Contains(page, external) {
			t.Errorf("the page refers to an external resource (%q)", external)
		}
	}
}

func TestBuildFigures(t *testing.T) {
	tables := fixtureTables(40)
	out := writeFixture(t, tables, true)
	r, err := Build(context.Background(), out, fixtureDate, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buyers, repeat, withCLV int64
	stage := map[string]int64{}
	for _, row := range tables["portraits"] {
		p := row.(schemas.Portrait)
		stage[p.Lifecycle]++
		if p.Orders > 0 {
			buyers++
			if p.Frequency >= 1 {
				repeat++
			}
			if p.CLV12mFen != nil {
				withCLV++
			}
		}
	}
	lc := section(t, r, "lifecycle")
	if got := cell(t, lc, "Conversion funnel", "buyers", "persons"); got != count(buyers) {
		t.Errorf("funnel buyers = %s, want %d", got, buyers)
	}
	if got := cell(t, lc, "Conversion funnel", "repeat buyers (2+ purchase days)",
		"persons"); got != count(
		repeat,
	) {
		t.Errorf("funnel repeat buyers = %s, want %d", got, repeat)
	}
	for name, n := range stage {
		if got := cell(t, lc, "Persons per lifecycle stage", label(name), "persons"); got != count(
			n,
		) {
			t.Errorf("lifecycle %s = %s, want %d", name, got, n)
		}
	}
	// Every buyer of the fixture is scored: the grid's row totals add up to the buyers.
	rfm := section(t, r, "rfm")
	var inGrid int64
	for _, rs := range []string{"R1", "R2", "R3", "R4", "R5"} {
		inGrid += atoi(t, cell(t, rfm, "Buyers per R and F score", rs, "all"))
	}
	if inGrid != buyers {
		t.Errorf("RFM grid holds %d buyers, want %d", inGrid, buyers)
	}
	clv := section(t, r, "clv")
	if got := clv.Blocks[1].Table.Rows[0][0].Text; got != count(withCLV) {
		t.Errorf("buyers with a CLV = %s, want %d", got, withCLV)
	}
	if !strings.Contains(clv.Note, count(buyers-withCLV)+" buyers without a lifetime value") {
		t.Errorf("CLV note %q does not count the %d buyers without one", clv.Note, buyers-withCLV)
	}
	seg := section(t, r, "segments")
	if got := cell(t, seg, "Segment summary", "vip", "change"); got != "-2" {
		t.Errorf("vip change = %s, want -2", got)
	}
	if got := cell(t, seg, "Segment summary", "vip", "mean 12-month CLV"); got != "¥250.12" {
		t.Errorf("vip mean CLV = %s, want ¥250.12", got)
	}
	if got := cell(t, seg, "Segment summary", "value_decile_01", "change"); got != "+3" {
		t.Errorf("value_decile_01 change = %s, want +3", got)
	}
	aff := section(t, r, "affinity")
	if got := cell(t, aff, "sku rules (2 of 2)", "1", "if bought"); got != "SKU-A + SKU-B" {
		t.Errorf("sku rule 1 = %s", got)
	}
	model := section(t, r, "model")
	want := "come from the bg_nbd purchase model: the BG/NBD fit (penalizer 0) passes"
	if !strings.Contains(model.Intro, want) {
		t.Errorf("model card intro %q does not say %q", model.Intro, want)
	}
	if got := cell(t, model, "model_card.json", "bg nbd › r", "value"); got != "0.2426" {
		t.Errorf("model card bg_nbd.r = %s", got)
	}
	if got := cell(t, model, "model_card.json", "recency cuts", "value"); got != "3, 9, 20, 41" {
		t.Errorf("model card recency_cuts = %s", got)
	}
	if got := cell(t, model, "prediction_card.json", "propensity › metrics › auc",
		"value"); got != "0.787" {
		t.Errorf("prediction card propensity auc = %s", got)
	}
	matching := section(t, r, "matching")
	if got := cell(t, matching, "post model: prior 1.04e-05, threshold 0.95, share with an owner 0.70",
		"phone_last4 › exact",
		"weight (bits)"); got != "+12.64" {
		t.Errorf("match card: post's last four digits weigh %s, want +12.64", got)
	}
	counts := section(t, r, "counts")
	if got := cell(t, counts, "Per source: read = out + rejected + deduplicated", "orders",
		"read"); got != "30" {
		t.Errorf("orders read = %s, want 30", got)
	}
	res := section(t, r, "resolve")
	if got := cell(t, res, "Guards that fired, by guard and identifier type", "identity",
		"identifiers"); got != "7" {
		t.Errorf("largest guard = %s, want 7 (cap_device:device first)", got)
	}
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range strings.ReplaceAll(s, ",", "") {
		if c < '0' || c > '9' {
			t.Fatalf("not a count: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func TestRenderSkipsMissingTables(t *testing.T) {
	tables := fixtureTables(10)
	out := writeFixture(t, map[string][]any{"quality": tables["quality"]}, false)
	r, err := Build(context.Background(), out, fixtureDate, Options{})
	if err != nil {
		t.Fatalf(
			"a run without portraits, segments or a model card must still be reported: %v",
			err,
		)
	}
	for _, id := range []string{"lifecycle", "rfm", "clv", "segments", "affinity", "model"} {
		s := section(t, r, id)
		if !strings.Contains(s.Note, "section skipped") || len(s.Blocks) != 0 {
			t.Errorf(
				"section %s: note %q, %d blocks; want a skip note only",
				id,
				s.Note,
				len(s.Blocks),
			)
		}
	}
	if s := section(t, r, "counts"); s.Note != "" || len(s.Blocks) == 0 {
		t.Errorf("counts section: note %q, %d blocks; want figures", s.Note, len(s.Blocks))
	}
	page := renderFixture(t, out)
	if !bytes.Contains(page, []byte("This run has no portraits table: section skipped.")) {
		t.Error("the page does not say the portraits table is missing")
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	tables := fixtureTables(40)
	a := writeFixture(t, tables, true)
	b := writeFixture(t, reversed(tables), true)
	first, again, other := renderFixture(t, a), renderFixture(t, a), renderFixture(t, b)
	if !bytes.Equal(first, again) {
		t.Error("rendering the same run twice gave different bytes")
	}
	if !bytes.Equal(first, other) {
		t.Error("the same rows in another order gave different bytes")
	}
}

func TestRenderRefusesUnfinishedRun(t *testing.T) {
	out := writeFixture(t, map[string][]any{"quality": fixtureTables(5)["quality"]}, false)
	if err := os.Remove(filepath.Join(sink.RunDir(out, fixtureDate), sink.ManifestName)); err != nil {
		t.Fatal(err)
	}
	err := Render(context.Background(), out, fixtureDate)
	if !errors.Is(err, sink.ErrUnfinished) {
		t.Fatalf("Render of a run without manifest: %v, want ErrUnfinished", err)
	}
	if _, err := os.Stat(filepath.Join(sink.RunDir(out, fixtureDate), FileName)); !os.IsNotExist(
		err,
	) {
		t.Errorf("a report was written for an unfinished run (%v)", err)
	}
}

func TestDataCannotEndTheScript(t *testing.T) {
	tables := fixtureTables(10)
	tables["segment_summary"] = append(
		tables["segment_summary"],
		schemas.SegmentSummary{
			Segment: `</script><script>alert(1)</script>`,
			Kind:    "rule",
			Size:    1,
		},
	)
	out := writeFixture(t, tables, false)
	page := string(renderFixture(t, out))
	if n := strings.Count(page, "</script>"); n != 2 {
		t.Errorf(
			"%d </script> tags, want 2 (the library and the charts): a label closed the script",
			n,
		)
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("a segment name was written as markup")
	}
}

// TestHeadlineAndFlowAcrossNights renders two nights under one output, the second continuing the
// first: the second's headline shows the first's figures and the change, from the first's
// headline file; its flow table accounts for every person of both nights.
func TestHeadlineAndFlowAcrossNights(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	const first = "2026-11-20"
	publishtest.WriteRun(t, out, first, fixtureTables(30))
	if err := Render(ctx, out, first); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sink.RunDir(out, first), HeadlineFile)); err != nil {
		t.Fatalf("the first night wrote no headline file: %v", err)
	}
	dir := publishtest.WriteRun(t, out, fixtureDate, fixtureTables(40))
	// The nightly renders an attempt, whose manifest does not name the night it continued yet.
	r, err := Build(ctx, out, fixtureDate, Options{Previous: first})
	if err != nil {
		t.Fatal(err)
	}
	checkTwoNights(t, r, first)
	m, err := sink.ReadManifest(ctx, out, fixtureDate)
	if err != nil {
		t.Fatal(err)
	}
	m.Previous = first
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sink.ManifestName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err = Build(ctx, out, fixtureDate, Options{}); err != nil {
		t.Fatal(err)
	}
	checkTwoNights(t, r, first)
}

// checkTwoNights checks the headline and the flow of the second of two fixture nights, of 30
// and then 40 persons.
func checkTwoNights(t *testing.T, r *Report, first string) {
	t.Helper()
	if r.Sections[0].ID != "headline" {
		t.Errorf("the page opens with %s, not the headline", r.Sections[0].ID)
	}
	h := section(t, r, "headline")
	col := "night of " + first
	if got := cell(t, h, "Headline figures", "persons", col); got != "30" {
		t.Errorf("persons the night before: %s, want 30", got)
	}
	if got := cell(t, h, "Headline figures", "persons", "change"); got != "+10" {
		t.Errorf("change of persons: %s, want +10", got)
	}
	// Persons p000-p029 stay, p030-p039 are new: every cell of the flow adds up to 40.
	f := section(t, r, "flow")
	var total, fromNew int64
	for _, b := range f.Blocks {
		for _, row := range b.Table.Rows {
			for _, c := range row[1:] {
				n := atoi(t, c.Text)
				total += n
				if row[0].Text == label(newPerson) {
					fromNew += n
				}
			}
		}
	}
	if total != 40 || fromNew != 10 {
		t.Errorf("the flow counts %d persons, %d of them new; want 40 and 10", total, fromNew)
	}
}

// TestClusterSection: clusters largest first, with their labels, segments and means.
func TestClusterSection(t *testing.T) {
	r, err := Build(context.Background(), writeFixture(t, fixtureTables(40), false), fixtureDate,
		Options{})
	if err != nil {
		t.Fatal(err)
	}
	sec := section(t, r, "clusters")
	rows := sec.Blocks[0].Table.Rows
	if rows[0][1].Text != "occasional browsers" || rows[1][1].Text != "frequent high spenders" {
		t.Errorf("clusters in the order %q, %q; want the largest first", rows[0][1].Text,
			rows[1][1].Text)
	}
	caption := "Cluster profiles (means of the members)"
	if got := cell(t, sec, caption, "1", "GMV"); got != "¥520.00" {
		t.Errorf("cluster 1's mean GMV %s, want ¥520.00", got)
	}
	if got := cell(t, sec, caption, "2", "share"); got != "62.5%" {
		t.Errorf("cluster 2's share %s, want 62.5%%", got)
	}
}

// TestAffinityNetwork: each level's top rules are also drawn as a graph of their items, every
// arrow labelled with its rule's lift.
func TestAffinityNetwork(t *testing.T) {
	r, err := Build(context.Background(), writeFixture(t, fixtureTables(40), false), fixtureDate,
		Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range section(t, r, "affinity").Blocks {
		if b.Chart == nil || !strings.HasPrefix(b.Chart.ID, "chart-affinity-network-") {
			continue
		}
		found = true
		opt := string(b.Chart.Option)
		for _, want := range []string{`"type":"graph"`, `"layout":"force"`, `lift `} {
			if !strings.Contains(opt, want) {
				t.Errorf("chart %s lacks %s", b.Chart.ID, want)
			}
		}
	}
	if !found {
		t.Error("no network chart of the rules")
	}
}
