package duckdb

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

const day1, day2 = "2026-11-20", "2026-11-21"

// twoDays writes the two days' runs under a temporary folder and returns their folders and a
// database path.
func twoDays(
	t *testing.T,
) (runs map[string]string, tables map[string]map[string][]any, dbPath string) {
	out := t.TempDir()
	runs, tables = map[string]string{}, map[string]map[string][]any{}
	for seed, d := range []string{day1, day2} {
		tables[d] = publishtest.Run(seed, 20)
		runs[d] = publishtest.WriteRun(t, out, d, tables[d])
	}
	return runs, tables, filepath.Join(out, "warehouse.duckdb")
}

func publishRun(t *testing.T, dbPath, dir string, opts Options) publish.Report {
	t.Helper()
	return mustPublish(t, dbPath, dir, opts)
}

func TestPublishIsIdempotentPerDate(t *testing.T) {
	runs, _, dbPath := twoDays(t)
	publishRun(t, dbPath, runs[day1], options(t))
	first := dump(t, dbPath)
	publishRun(t, dbPath, runs[day1], options(t))
	if again := dump(t, dbPath); again != first {
		t.Errorf("publishing %s twice changed the tables", day1)
	}
	publishRun(t, dbPath, runs[day2], options(t))
	both := dump(t, dbPath)
	publishRun(t, dbPath, runs[day2], options(t))
	publishRun(t, dbPath, runs[day1], options(t))
	if again := dump(t, dbPath); again != both {
		t.Error("republishing both days changed the tables")
	}
	db := open(t, dbPath)
	if n := count(t, db, `SELECT count(*) FROM analytics.quality`); n != 6 {
		t.Errorf("quality has %d rows after loading two days twice, want 6", n)
	}
	// users is a current table: the newest night's, whichever night was published last.
	if n := count(t, db, `SELECT count(*) FROM restricted.users WHERE snapshot_date = DATE `+
		`'2026-11-21' AND phone_hash = 'php003'`); n != 1 ||
		count(t, db, `SELECT count(*) FROM restricted.users`) != 20 {
		t.Errorf("restricted users: %d of day 2", n)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.portraits WHERE snapshot_date = DATE `+
		`'2026-11-21'`); n != 20 {
		t.Errorf("portraits of day 2: %d", n)
	}
}

func authorized(t *testing.T) Options {
	o := options(t)
	o.AuthorizeViews = true
	return o
}

func TestAnalyticsHoldsNoContactPoint(t *testing.T) {
	runs, _, dbPath := twoDays(t)
	publishRun(t, dbPath, runs[day1], authorized(t))
	tagged := map[string]bool{}
	for _, table := range schemas.All() {
		cols, err := publish.Columns(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			if c.PII != "" {
				tagged[c.Name] = true
			}
		}
	}
	db := open(t, dbPath)
	rows, err := db.Query(
		`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'analytics'`,
	)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tables := map[string]bool{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		tables[table] = true
		if tagged[col] || slices.Contains(publishtest.Sensitive, col) {
			t.Errorf("analytics.%s has %s", table, col)
		}
	}
	if tables["identity_map"] || !tables["users"] || !tables["portraits"] ||
		!tables["person_reachability"] {
		t.Errorf("analytics tables and views: %v", tables)
	}
	if n := count(t, db, `SELECT count(*) FROM information_schema.columns WHERE table_schema = `+
		`'restricted' AND column_name IN ('phone_hash', 'phone_masked', 'email_hash', `+
		`'id_hash')`); n != 5 {
		t.Errorf(
			"restricted has %d contact columns, want users' 3, portraits' 1 and identity_map's 1",
			n,
		)
	}
}

// stagePersons counts day's portraits per lifecycle stage, the way lifecycle_funnel must.
func stagePersons(rows []any) map[string]int64 {
	out := map[string]int64{}
	for _, r := range rows {
		out[r.(schemas.Portrait).Lifecycle]++
	}
	return out
}

func TestViews(t *testing.T) {
	runs, tables, dbPath := twoDays(t)
	publishRun(t, dbPath, runs[day1], options(t))
	out := publishRun(t, dbPath, runs[day2], authorized(t))
	want := []string{
		"portraits_latest",
		"quality_latest",
		"rejects_latest",
		"quality_daily",
		"rejects_by_reason_daily",
		"lifecycle_funnel",
		"rfm_grid",
		"value_concentration",
		"person_reachability",
	}
	if !slices.Equal(out.Created, want) || len(out.Waiting) != 9 ||
		!strings.HasPrefix(out.Waiting[8], "segment_sizes_daily") {
		t.Errorf("views %+v", out)
	}
	db := open(t, dbPath)

	// lifecycle_funnel: every stage every day, in funnel order, counted as in Go.
	rows, err := db.Query(
		`SELECT snapshot_date::VARCHAR, stage, stage_order, persons, share FROM ` +
			`analytics.lifecycle_funnel`,
	)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var d, stage string
		var order, persons int64
		var share float64
		if err := rows.Scan(&d, &stage, &order, &persons, &share); err != nil {
			t.Fatal(err)
		}
		wantOrder := slices.Index(publishtest.Lifecycles, stage) + 1
		wantPersons := stagePersons(tables[d]["portraits"])[stage]
		if int64(wantOrder) != order || persons != wantPersons ||
			math.Abs(share-float64(wantPersons)/20) > 1e-12 ||
			n%8 != wantOrder-1 {
			t.Errorf(
				"funnel row %d: %s %s #%d %d persons %.3f, want #%d %d",
				n,
				d,
				stage,
				order,
				persons,
				share,
				wantOrder,
				wantPersons,
			)
		}
		n++
	}
	rows.Close()
	if n != 16 {
		t.Errorf("funnel has %d rows, want 8 stages x 2 days", n)
	}

	// rfm_grid: the latest day's buyers per (r, f) cell, and their GMV.
	type cell struct{ r, f int32 }
	wantGrid := map[cell][2]int64{}
	for _, r := range tables[day2]["portraits"] {
		p := r.(schemas.Portrait)
		if p.RScore != 0 {
			c := wantGrid[cell{p.RScore, p.FScore}]
			wantGrid[cell{p.RScore, p.FScore}] = [2]int64{c[0] + 1, c[1] + p.GMVFen}
		}
	}
	gotGrid := map[cell][2]int64{}
	rows, err = db.Query(
		`SELECT snapshot_date::VARCHAR, r_score, f_score, persons, gmv_fen FROM analytics.rfm_grid`,
	)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		var c cell
		var persons, gmv int64
		if err := rows.Scan(&d, &c.r, &c.f, &persons, &gmv); err != nil {
			t.Fatal(err)
		}
		if d != day2 {
			t.Errorf("rfm_grid shows %s, not the latest day", d)
		}
		gotGrid[c] = [2]int64{persons, gmv}
	}
	rows.Close()
	if fmt.Sprint(gotGrid) != fmt.Sprint(wantGrid) {
		t.Errorf("rfm_grid %v, want %v", gotGrid, wantGrid)
	}

	// value_concentration: the top ceil(20% of buyers) by GMV and their share, per day.
	for _, d := range []string{day1, day2} {
		var gmvs []int64
		var total int64
		for _, r := range tables[d]["portraits"] {
			if g := r.(schemas.Portrait).GMVFen; g > 0 {
				gmvs = append(gmvs, g)
				total += g
			}
		}
		sort.Slice(gmvs, func(i, j int) bool { return gmvs[i] > gmvs[j] })
		top := (len(gmvs) + 4) / 5
		var topGMV int64
		for _, g := range gmvs[:top] {
			topGMV += g
		}
		var buyers, topBuyers, gotTop int64
		var share float64
		if err := db.QueryRow(`SELECT buyers, top_buyers, top_gmv_fen, top_share FROM `+
			`analytics.value_concentration WHERE snapshot_date = ?::DATE`, d).
			Scan(&buyers, &topBuyers, &gotTop, &share); err != nil {
			t.Fatal(err)
		}
		if buyers != int64(len(gmvs)) || topBuyers != int64(top) || gotTop != topGMV ||
			math.Abs(share-float64(topGMV)/float64(total)) > 1e-12 {
			t.Errorf(
				"%s: value_concentration %d buyers, top %d with %d (%.4f), want %d, %d, %d",
				d,
				buyers,
				topBuyers,
				gotTop,
				share,
				len(gmvs),
				top,
				topGMV,
			)
		}
	}

	if n := count(t, db, `SELECT count(*) FROM analytics.portraits_latest WHERE snapshot_date = `+
		`DATE '2026-11-21'`); n != 20 ||
		count(t, db, `SELECT count(*) FROM analytics.portraits_latest`) != 20 {
		t.Errorf("portraits_latest holds %d rows of the latest day", n)
	}
	if n := count(t, db, `SELECT rejected FROM analytics.quality_daily WHERE snapshot_date = DATE `+
		`'2026-11-20'`); n != 1 {
		t.Errorf("quality_daily rejected = %d", n)
	}
	if n := count(t, db, `SELECT rejects FROM analytics.rejects_by_reason_daily WHERE snapshot_date `+
		`= DATE '2026-11-21' AND reason = 'bad_json'`); n != 1 {
		t.Errorf("rejects_by_reason_daily = %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics.person_reachability WHERE snapshot_date = `+
		`DATE '2026-11-21' AND has_phone`); n != 10 {
		t.Errorf("person_reachability: %d persons with a phone, want 10", n)
	}

	// The segment stage's table arrives: its view follows on the next publish.
	if _, err := db.Exec(`CREATE TABLE analytics.segment_summary (snapshot_date DATE, segment ` +
		`VARCHAR, kind VARCHAR, size BIGINT, share DOUBLE,
		gmv_share DOUBLE, avg_clv_fen DOUBLE, previous_size BIGINT, change BIGINT);
		INSERT INTO analytics.segment_summary VALUES (DATE '2026-11-21', 'champions', 'rfm', 5, 0.25, ` +
		`0.5, 1000, 4, 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out = publishRun(t, dbPath, runs[day2], options(t))
	db = open(t, dbPath)
	if slices.ContainsFunc(
		out.Waiting,
		func(w string) bool { return strings.Contains(w, "segment_s") },
	) ||
		count(
			t,
			db,
			`SELECT size FROM analytics.segment_sizes_daily WHERE segment = 'champions'`,
		) != 5 ||
		count(t, db, `SELECT size FROM analytics.segment_summary_latest`) != 5 {
		t.Errorf("segment_sizes_daily after segment_summary arrived: %+v", out)
	}
}

func TestCatalogueAndComments(t *testing.T) {
	runs, _, dbPath := twoDays(t)
	publishRun(t, dbPath, runs[day1], options(t))
	db := open(t, dbPath)
	for q, want := range map[string]int64{
		`SELECT count(*) FROM analytics.table_catalog WHERE table_name = 'quality' AND column_name = ` +
			`'measure' AND description LIKE '%rejected%'`: 1,
		`SELECT count(*) FROM analytics.table_catalog WHERE table_name = 'users' AND column_name = ` +
			`'phone_hash'`: 0,
		`SELECT count(*) FROM restricted.table_catalog WHERE table_name = 'users' AND column_name = ` +
			`'phone_hash'`: 1,
		`SELECT count(*) FROM analytics.table_catalog WHERE table_name = 'rfm_grid' AND column_name = ` +
			`'' AND description LIKE '%recency%'`: 1,
		`SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'analytics' AND table_name = ` +
			`'rejects' AND column_name = 'reason' AND comment LIKE 'reason code%'`: 1,
		`SELECT count(*) FROM duckdb_views() WHERE schema_name = 'analytics' AND view_name = ` +
			`'lifecycle_funnel' AND comment LIKE 'persons per lifecycle%'`: 1,
	} {
		if n := count(t, db, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}

func TestTablesEvolve(t *testing.T) {
	runs, _, dbPath := twoDays(t)
	db := open(t, dbPath)
	// A quality table of an older schema: no reason column, and a NOT NULL column since dropped.
	if _, err := db.Exec(`CREATE SCHEMA analytics; CREATE TABLE analytics.quality (snapshot_date ` +
		`DATE NOT NULL, source VARCHAR NOT NULL,
		stage VARCHAR NOT NULL, measure VARCHAR NOT NULL, count BIGINT NOT NULL, legacy VARCHAR NOT ` +
		`NULL)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	publishRun(t, dbPath, runs[day1], options(t))
	db = open(t, dbPath)
	if n := count(t, db, `SELECT count(*) FROM analytics.quality WHERE reason = 'bad_json' AND `+
		`legacy IS NULL`); n != 1 {
		t.Errorf("evolved quality: %d rows", n)
	}
	if _, err := db.Exec(`ALTER TABLE analytics.quality ALTER COLUMN count TYPE VARCHAR`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	plan, err := publish.Load(context.Background(), runs[day1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(context.Background(), dbPath, plan, options(t)); err == nil ||
		!strings.Contains(err.Error(), "column count is VARCHAR") {
		t.Errorf("changed type: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	runs, _, dbPath := twoDays(t)
	plan, err := publish.Load(context.Background(), runs[day1])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Describe(&b, dbPath, plan, options(t)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`analytics  "analytics"."users", 11 columns, without phone_hash, ` +
		`phone_masked, email_hash`,
		`restricted "restricted"."identity_map"`, "person_reachability: skipped",
		"rfm_grid reads analytics.portraits",
		"users (current): 20 rows", "replaced when the night is the newest", "portraits (snapshot)",
		"partition 2026-11-20 replaced; 400 nights kept", "data tests: "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, b.String())
		}
	}
}
