package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/parquet-go/parquet-go"

	"github.com/shopportraits/portraits/pipelines/sampledata/gen"
	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/segment"
	"github.com/shopportraits/portraits/transforms/sink"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

const testDate = "2026-11-21"

// generate writes a small generated dataset and returns its sources config.
func generate(t *testing.T, persons int) string {
	t.Helper()
	tmpl, err := os.ReadFile("../sampledata/sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	day, _ := time.ParseInLocation(time.DateOnly, testDate, gen.Shanghai)
	dir := t.TempDir()
	if _, err := gen.Run(gen.Config{Persons: persons, Days: 30, Seed: 7, Date: day, Output: dir,
		SourcesYAML: tmpl}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "sources.yaml")
}

func runNightly(t *testing.T, sourcesFile, output string) string {
	t.Helper()
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	var out bytes.Buffer
	err := run(
		context.Background(),
		options{
			Sources: sourcesFile,
			Date:    testDate,
			Output:  output,
			Salt:    saltflag.Flags{Env: "PORTRAITS_TEST_SALT"},
		},
		&out,
	)
	if err != nil {
		t.Fatalf("nightly: %v\n%s", err, out.String())
	}
	return out.String()
}

// TestNightlyOnGeneratedData runs the whole job on Prism over generated, messy data and checks that
// every table is written, counts add up, the generator's mess is caught for the right reasons, no
// raw phone or e-mail reaches an output, and a rerun of the date gives the same rows.
func TestNightlyOnGeneratedData(t *testing.T) {
	ctx := context.Background()
	sourcesFile := generate(t, 200)
	out := t.TempDir()
	summary := runNightly(t, sourcesFile, out)

	m, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range schemas.All() {
		if _, ok := m.Tables[table.Name]; !ok {
			t.Errorf("table %s missing from the manifest", table.Name)
		}
	}
	for _, table := range []string{"users", "orders", "order_items", "products", "events", "touches",
		"vendor_profiles", "reviews", "tickets"} {
		if m.Tables[table].Rows == 0 {
			t.Errorf("table %s is empty", table)
		}
	}
	rows, err := sink.ReadTable[schemas.QualityCount](ctx, out, testDate, "quality")
	if err != nil {
		t.Fatal(err)
	}
	totals := quality.Totals(rows)
	if problems := quality.Check(totals); len(problems) > 0 {
		t.Fatalf("counts do not add up: %v", problems)
	}
	// The final out of every source is what its table holds.
	byTable, audiences := map[string]int64{}, map[string]int64{}
	for _, s := range quality.BySource(totals) {
		switch {
		case s.Source == "vendor_acme":
			byTable["vendor_profiles"] += s.Out
		case s.Source == "review_sites":
			byTable["site_posts"] += s.Out
		case s.Source == "persons", s.Source == "cutoff_portraits":
			// The portrait stage's persons (its portraits are scored, source portraits) and the
			// training rows of the propensity models: no table of their own.
		case strings.HasPrefix(s.Source, "segment:"): // an audience's members in, activated out
			byTable["activation"] += s.Out
		case strings.HasPrefix(s.Source, "audience:"): // an audience file's lines, checked below
			audiences[strings.TrimPrefix(s.Source, "audience:")] = s.Out
		default:
			byTable[s.Source] += s.Out
		}
	}
	for table, n := range byTable {
		if m.Tables[table].Rows != n {
			t.Errorf("table %s has %d rows, quality says %d", table, m.Tables[table].Rows, n)
		}
	}
	// Every activated audience's file holds the lines its changes count.
	files := map[string]int64{}
	for _, f := range m.Files {
		if seg, ok := strings.CutPrefix(f.Path, segment.CSVFolder+"/"); ok &&
			!strings.Contains(seg, "/") {
			files[strings.TrimSuffix(seg, ".csv")] = f.Rows
		}
	}
	if len(files) == 0 || !maps.Equal(files, audiences) {
		t.Errorf("audience files hold %v lines, the changes count %v", files, audiences)
	}
	rejects, err := sink.ReadTable[schemas.Reject](ctx, out, testDate, "rejects")
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]int{}
	for _, r := range rejects {
		reasons[r.Source+"/"+r.Reason]++
		if r.File == "" || r.Line == 0 {
			t.Errorf("reject without its place: %+v", r)
		}
	}
	for _, want := range []string{"events/bot_traffic", "events/bad_json", "order_items/orphan_item",
		"orders/unknown_status"} {
		if reasons[want] == 0 {
			t.Errorf("no %s reject; got %v", want, reasons)
		}
	}
	if !strings.Contains(summary, "balanced") {
		t.Errorf("summary lacks the balance table:\n%s", summary)
	}
	scanForPII(t, filepath.Join(out, "dt="+testDate), summary)
	checkPersons(t, ctx, out, filepath.Join(filepath.Dir(sourcesFile), "truth", "persons.csv.gz"))
	checkLatestVersions(t, ctx, out, filepath.Dir(sourcesFile))

	first := tableContents(t, out, m)
	runNightly(t, sourcesFile, out)
	m2, err := sink.ReadManifest(ctx, out, testDate)
	if err != nil {
		t.Fatal(err)
	}
	second := tableContents(t, out, m2)
	for table, want := range first {
		if got := second[table]; strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf(
				"table %s differs after a rerun of the same date (%d rows, then %d)",
				table,
				len(want),
				len(got),
			)
			for i := range min(len(got), len(want)) {
				if got[i] != want[i] {
					t.Errorf("first difference:\n%s\n%s", want[i], got[i])
					break
				}
			}
		}
	}
}

// checkLatestVersions checks that the night kept, of every order and account the daily exports
// hold in several versions, the valid version with the latest update_time: a changed order's last
// state, an account's new phone.
func checkLatestVersions(t *testing.T, ctx context.Context, out, data string) {
	t.Helper()
	known := map[string]bool{"created": true, "paid": true, "shipped": true, "completed": true,
		"cancelled": true, "refunded": true}
	exports := func(table string) string {
		return filepath.Join(data, "platform", table, "dt=*", "*.parquet")
	}
	latestOrder := map[string]gen.OrderRow{}
	orderVersions := map[string]int{}
	for _, o := range generatedRows[gen.OrderRow](t, exports("orders")) {
		orderVersions[o.OrderNo]++
		cur, seen := latestOrder[o.OrderNo]
		if known[o.OrderStatus] && (!seen || o.UpdateTime > cur.UpdateTime) {
			latestOrder[o.OrderNo] = o
		}
	}
	orders, err := sink.ReadTable[schemas.Order](ctx, out, testDate, "orders")
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, o := range orders {
		want := latestOrder[o.OrderID]
		if o.Status != want.OrderStatus || o.UpdatedAt != want.UpdateTime {
			t.Errorf("order %s: %s at %d, want the latest version, %s at %d",
				o.OrderID, o.Status, o.UpdatedAt, want.OrderStatus, want.UpdateTime)
		}
		if orderVersions[o.OrderID] > 1 {
			changed++
		}
	}
	latestUser := map[string]gen.UserRow{}
	phones := map[string]map[string]bool{}
	for _, u := range generatedRows[gen.UserRow](t, exports("users")) {
		if cur, ok := latestUser[u.UID]; !ok || u.UpdateTime > cur.UpdateTime {
			latestUser[u.UID] = u
		}
		if p := nationalMobile(u.Mobile); p != "" {
			if phones[u.UID] == nil {
				phones[u.UID] = map[string]bool{}
			}
			phones[u.UID][p] = true
		}
	}
	users, err := sink.ReadTable[schemas.User](ctx, out, testDate, "users")
	if err != nil {
		t.Fatal(err)
	}
	newPhones := 0
	for _, u := range users {
		if len(phones[u.UserID]) < 2 {
			continue
		}
		newPhones++
		latest := latestUser[u.UserID]
		p := nationalMobile(latest.Mobile)
		want := p[:3] + "****" + p[7:]
		if u.PhoneMasked != want || u.UpdatedAt != latest.UpdateTime {
			t.Errorf("account %s: phone %s at %d, want the new phone %s at %d",
				u.UserID, u.PhoneMasked, u.UpdatedAt, want, latest.UpdateTime)
		}
	}
	if changed == 0 || newPhones == 0 {
		t.Errorf("%d orders exported on several days and %d accounts with a new phone: "+
			"want some of each", changed, newPhones)
	}
}

// generatedRows reads the generated Parquet files matching pattern.
func generatedRows[T any](t *testing.T, pattern string) []T {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no file matches %s (%v)", pattern, err)
	}
	var all []T
	for _, f := range files {
		rows, err := parquet.ReadFile[T](f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rows...)
	}
	return all
}

// nationalMobile is the 11-digit number of a mobile as an account form stored it (+86 138 ...).
func nationalMobile(s string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if len(d) != 11 {
		return ""
	}
	return d
}

// tableContents reads every table of a run as sorted rows of text, whatever the files are called.
func tableContents(t *testing.T, out string, m *sink.Manifest) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	for table, info := range m.Tables {
		for _, rel := range info.Files {
			for _, row := range parquetRows(t, filepath.Join(sink.RunDir(out, testDate), rel)) {
				got[table] = append(got[table], fmt.Sprint(row))
			}
		}
		sort.Strings(got[table])
	}
	return got
}

func parquetRows(t *testing.T, path string) []parquet.Row {
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
	var rows []parquet.Row
	for _, rg := range pf.RowGroups() {
		r := rg.Rows()
		buf := make([]parquet.Row, 256)
		for {
			n, err := r.ReadRows(buf)
			for _, row := range buf[:n] {
				rows = append(rows, row.Clone())
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		r.Close()
	}
	return rows
}

// Bare mobiles and e-mail addresses; masked phones (138****5678) and hex hashes do not match.
var (
	mobileRE = regexp.MustCompile(`(^|[^0-9A-Za-z])(\+?86)?1[3-9][0-9]{9}([^0-9A-Za-z]|$)`)
	emailRE  = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	// idCardRE matches an 18-character Chinese resident ID number standing alone.
	idCardRE = regexp.MustCompile(
		`(^|[^0-9A-Za-z])[1-9][0-9]{5}(19|20)[0-9]{2}` +
			`(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]([^0-9A-Za-z]|$)`,
	)
)

// scanForPII reads every string value of every Parquet file of a run, every line of its other files
// (activation lists, model cards, the report) and of its log, for phones, e-mails and ID numbers,
// and for what the extra patterns match (the phones of another country).
func scanForPII(t *testing.T, dir, log string, extra ...*regexp.Regexp) {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		// The carried state holds the cleaned rows whole, phones and e-mails included, as the
		// sources do (package state): it is restricted data, never published.
		if err == nil && d.IsDir() && d.Name() == "_state" {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no files to scan (%v)", err)
	}
	check := func(where, s string) {
		if mobileRE.MatchString(s) || emailRE.MatchString(s) || idCardRE.MatchString(s) {
			t.Errorf("%s holds personal data: %q", where, s)
		}
		for _, re := range extra {
			if re.MatchString(s) {
				t.Errorf("%s holds personal data: %q", where, s)
			}
		}
	}
	for _, file := range files {
		if filepath.Ext(file) != ".parquet" {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				check(file, line)
			}
			continue
		}
		for _, row := range parquetRows(t, file) {
			for _, v := range row {
				if v.Kind() == parquet.ByteArray {
					check(file, string(v.ByteArray()))
				}
			}
		}
	}
	for _, line := range strings.Split(log, "\n") {
		check("the run's log", line)
	}
}

// checkPersons checks the resolved persons against the generator's truth, and that every person
// has exactly one portrait. Identifiers that no record links to another (a device used only while
// logged out) cannot be placed by any resolver: the linked figure leaves them out.
func checkPersons(t *testing.T, ctx context.Context, out, truthFile string) {
	t.Helper()
	links, err := sink.ReadTable[schemas.IdentityLink](ctx, out, testDate, "identity_map")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(truthFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := resolve.Evaluate(gz, links, "nightly-test-salt-16")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf(
		"identity: %d identifiers, precision %.4f recall %.4f F1 %.4f; linked: precision %.4f recall "+
			"%.4f F1 %.4f; placeable F1 %.4f",
		ev.Identifiers,
		ev.Precision,
		ev.Recall,
		ev.F1,
		ev.Linked.Precision,
		ev.Linked.Recall,
		ev.Linked.F1,
		ev.Placeable.F1,
	)
	if ev.Identifiers < 500 || ev.Precision < 0.99 || ev.Linked.F1 < 0.97 ||
		ev.Placeable.F1 < 0.96 {
		t.Errorf("identity resolution: %+v", ev)
	}
	persons, err := sink.ReadTable[schemas.Person](ctx, out, testDate, "persons")
	if err != nil {
		t.Fatal(err)
	}
	portraits, err := sink.ReadTable[schemas.Portrait](ctx, out, testDate, "portraits")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, p := range persons {
		ids[p.PersonID]++
	}
	for _, p := range portraits {
		ids[p.PersonID] += 10
	}
	for _, l := range links {
		if ids[l.PersonID] == 0 {
			t.Errorf("identity_map names person %s, who is not in persons", l.PersonID)
		}
	}
	for id, n := range ids {
		if n != 11 {
			t.Errorf("person %s: %d rows in persons, %d portraits", id, n%10, n/10)
		}
	}
}
