package bigquery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

// nights writes a world's nights under a temporary folder and plans each.
func nights(t *testing.T, w publishtest.World) (string, []*publish.Plan) {
	t.Helper()
	out := t.TempDir()
	ns, _ := w.Build()
	var plans []*publish.Plan
	for _, n := range ns {
		plan, err := publish.Load(context.Background(), publishtest.WriteNight(t, out, n))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, plan)
	}
	return out, plans
}

// switchOf is the last switch script of a night's publish, with the script's indentation removed.
func switchOf(t *testing.T, f *fake, date string) string {
	t.Helper()
	s := f.sqls("portraits_" + strings.ReplaceAll(date, "-", "") + "_switch")
	if len(s) == 0 {
		t.Fatalf("no switch job for %s", date)
	}
	return strings.ReplaceAll(s[len(s)-1], "\n  ", "\n")
}

// statementsOf splits a script into its statements.
func statementsOf(script string) []string {
	body := script[strings.Index(script, "BEGIN TRANSACTION;\n")+
		len("BEGIN TRANSACTION;\n") : strings.Index(script, "COMMIT TRANSACTION;")]
	return strings.Split(strings.TrimSuffix(strings.TrimSpace(body), ";"), ";\n")
}

// TestSwitchIsOneTransaction reads the statements the switch sends, in one script: the facts merged
// on their keys with the day of their own time (a line with its order's, after its order), the
// snapshots' partition of the night, the current tables replaced, and the night's published_runs
// row last.
func TestSwitchIsOneTransaction(t *testing.T) {
	f, c := newFake(t)
	_, plans := nights(t, publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 1})
	rep, err := Publish(context.Background(), c, plans[0], testConfig(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if failed := len(rep.Tests) - countPassed(rep.Tests); failed != 0 || len(rep.Tests) < 20 {
		t.Errorf("%d of %d tests failed", failed, len(rep.Tests))
	}
	stmts := statementsOf(switchOf(t, f, "2026-11-20"))
	index := func(prefix string) int {
		return slices.IndexFunc(stmts, func(s string) bool { return strings.HasPrefix(s, prefix) })
	}
	a, r := "`test-project.shop_analytics.", "`test-project.shop_restricted."
	events := stmts[index("MERGE "+a+"events`")]
	for _, want := range []string{
		"USING (SELECT DATE(st.`event_time`, 'Asia/Shanghai') AS record_date, st.`event_id`,",
		"FROM " + r + "_staging_events_20261120` AS st) AS s\nON t.`event_id` = s.`event_id`\n",
		"WHEN MATCHED AND t.loaded_date <= DATE '2026-11-20' AND (t.record_date IS DISTINCT " +
			"FROM s.record_date OR ",
		"UPDATE SET record_date = s.record_date, `event_id` = s.`event_id`,",
		"loaded_date = DATE '2026-11-20'\n",
		"WHEN NOT MATCHED THEN\n  INSERT (record_date, `event_id`,",
	} {
		if !strings.Contains(events, want) {
			t.Errorf("the events MERGE lacks %q:\n%s", want, events)
		}
	}
	items, orders := index("MERGE "+a+"order_items`"), index("MERGE "+a+"orders`")
	if orders < 0 || items < orders ||
		!strings.Contains(stmts[items], "p.record_date AS record_date") ||
		!strings.Contains(
			stmts[items],
			"LEFT JOIN "+a+"orders` AS p ON p.`order_id` = st.`order_id`",
		) ||
		!strings.Contains(
			stmts[items],
			"ON t.`order_id` = s.`order_id` AND t.`line_no` = s.`line_no`",
		) {
		t.Errorf("order lines (statement %d, orders %d):\n%s", items, orders, stmts[max(items, 0)])
	}
	for _, want := range []string{
		"DELETE FROM " + a + "portraits` WHERE snapshot_date = DATE '2026-11-20'",
		"DELETE FROM " + r + "portraits` WHERE snapshot_date = DATE '2026-11-20'",
		"DELETE FROM " + r + "users` WHERE TRUE", "DELETE FROM " + a + "persons` WHERE TRUE",
		"MERGE " + r + "erasures` AS t", "DELETE FROM " + a +
			"merge_history` WHERE snapshot_date = DATE '2026-11-20'",
	} {
		if index(want) < 0 {
			t.Errorf("the switch lacks %q", want)
		}
	}
	last := stmts[len(stmts)-1]
	if !strings.HasPrefix(
		last,
		"INSERT INTO "+a+"published_runs` (snapshot_date, run_id, manifest_hash, "+
			"published_at, mode, reason)\n"+
			"VALUES (DATE '2026-11-20', @run_id, @manifest_hash, @published_at, @mode, @reason)",
	) {
		t.Errorf("the switch does not end with the night's published_runs row: %s", last)
	}
	q := f.queries[slices.IndexFunc(f.queries, func(q query) bool {
		return strings.Contains(q.ID, "_switch_")
	})]
	if q.Params["mode"][0] != "full" || q.Params["run_id"][0] != "run-2026-11-20" ||
		len(q.Params["manifest_hash"][0]) != 64 ||
		q.Params["published_at"][0] != "2026-11-22 02:30:00+00:00" {
		t.Errorf("published_runs parameters %v", q.Params)
	}
	// Nothing is visible before the switch: the data tests ran on the staging tables only.
	for _, s := range f.sqls("portraits_20261120_data_test_query") {
		if !strings.Contains(s, "_staging_") {
			t.Errorf("a data test read a published table: %s", s)
		}
	}
	for key := range f.tables {
		if strings.Contains(key, "_staging_") {
			t.Errorf("staging table %s left behind", key)
		}
	}
}

func countPassed(rs []publish.TestResult) int {
	n := 0
	for _, r := range rs {
		if r.Passed {
			n++
		}
	}
	return n
}

// TestViewsNameTheNewestNight: the switch of the newest night recreates the views with its date as
// a literal; publishing an older night again touches neither the views nor the current tables.
func TestViewsNameTheNewestNight(t *testing.T) {
	f, c := newFake(t)
	_, plans := nights(
		t,
		publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 2, Incremental: true},
	)
	for _, p := range plans {
		if _, err := Publish(context.Background(), c, p, testConfig(), testOptions(t)); err != nil {
			t.Fatal(err)
		}
	}
	v := f.tables["shop_analytics.portraits_latest"].View.Query
	if want := "SELECT *\nFROM `test-project.shop_analytics.portraits`\n" +
		"WHERE snapshot_date = DATE '2026-11-21'"; v != want {
		t.Errorf("portraits_latest:\n%s\nwant\n%s", v, want)
	}
	if v := f.tables["shop_analytics.lifecycle_funnel"].View.Query; !strings.Contains(
		v,
		"WHERE snapshot_date BETWEEN DATE '2025-10-18' AND DATE '2026-11-21'",
	) {
		t.Errorf("lifecycle_funnel does not read the kept nights by constants:\n%s", v)
	}
	n := len(f.calls)
	rep, err := Publish(context.Background(), c, plans[0], testConfig(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Newest || len(rep.Created) != 0 {
		t.Errorf("an older night: %+v", rep)
	}
	for _, call := range f.since(n) {
		if strings.HasPrefix(call, "PATCH") {
			t.Errorf("publishing an older night again: %s", call)
		}
	}
	again := switchOf(t, f, "2026-11-20")
	if !strings.Contains(f.sqls("portraits_20261120_switch")[0], "users") ||
		strings.Contains(again, "users` WHERE TRUE") ||
		strings.Contains(again, "MERGE `test-project.shop_restricted.users`") {
		t.Errorf("an older night replaced a current table:\n%s", again)
	}
	if got := f.tables["shop_analytics.portraits_latest"].View.Query; !strings.Contains(
		got,
		"DATE '2026-11-21'",
	) {
		t.Errorf("portraits_latest moved: %s", got)
	}
}

// TestIncrementalNightUpsertsChangedTables: an incremental night upserts the current tables read by
// their changes and replaces the derived ones.
func TestIncrementalNightUpsertsChangedTables(t *testing.T) {
	f, c := newFake(t)
	_, plans := nights(
		t,
		publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 2, Incremental: true},
	)
	for _, p := range plans {
		if _, err := Publish(context.Background(), c, p, testConfig(), testOptions(t)); err != nil {
			t.Fatal(err)
		}
	}
	s := switchOf(t, f, "2026-11-21")
	for _, want := range []string{"MERGE `test-project.shop_restricted.users` AS t\n" +
		"USING `test-project.shop_restricted._staging_users_20261121` AS s\n" +
		"ON t.`user_id` = s.`user_id`\nWHEN MATCHED AND (",
		"DELETE FROM `test-project.shop_analytics.persons` WHERE TRUE"} {
		if !strings.Contains(s, want) {
			t.Errorf("the incremental switch lacks %q", want)
		}
	}
}

// TestFailedTestStopsBeforeTheSwitch: a failed test of severity error records data_tests and stops
// the publish: no switch job, the staging tables dropped.
func TestFailedTestStopsBeforeTheSwitch(t *testing.T) {
	f, c := newFake(t)
	f.answer = func(sql string, _ map[string][]string) ([]string, [][]any, bool) {
		if strings.HasPrefix(sql, "SELECT CAST(COALESCE(SUM(n - 1), 0) AS BIGINT)") &&
			strings.Contains(sql, "_staging_portraits_") {
			return []string{"INTEGER"}, [][]any{{"2"}}, true
		}
		return nil, nil, false
	}
	rep, err := Publish(context.Background(), c, localPlan(t), testConfig(), testOptions(t))
	if !errors.Is(err, publish.ErrTestsFailed) {
		t.Fatalf("err = %v", err)
	}
	if len(rep.Tests) == 0 || rep.Tests[0].Passed || rep.Tests[0].FailingRows != 2 {
		t.Errorf("tests %+v", rep.Tests)
	}
	if len(f.sqls("portraits_20261121_switch")) != 0 {
		t.Error("the night was switched in")
	}
	recorded := f.queries[slices.IndexFunc(f.queries, func(q query) bool {
		return strings.Contains(q.ID, "_data_tests_")
	})]
	if !strings.Contains(
		recorded.SQL,
		"INSERT INTO `test-project.shop_analytics.data_tests` (snapshot_date, test, table_name, "+
			"severity, passed, failing_rows, detail)",
	) ||
		!slices.Contains(recorded.Params["results"], "") {
		t.Errorf("data_tests not recorded:\n%s\n%v", recorded.SQL, recorded.Params)
	}
	for key := range f.tables {
		if strings.Contains(key, "_staging_") {
			t.Errorf("staging table %s left behind", key)
		}
	}
}

// TestSnapshotTablesGetExpirationAndFilter: a snapshot table of an earlier publish gets its
// partitions' expiration and the partition filter requirement.
func TestSnapshotTablesGetExpirationAndFilter(t *testing.T) {
	f, c := newFake(t)
	opts := testOptions(t)
	opts.SnapshotDays = 30
	if _, err := Publish(context.Background(), c, localPlan(t), testConfig(), opts); err != nil {
		t.Fatal(err)
	}
	p := f.tables["shop_analytics.portraits"]
	if p.TimePartitioning.ExpirationMs != 30*24*3600*1000 || !p.RequirePartitionFilter ||
		f.tables["shop_restricted.users"].RequirePartitionFilter {
		t.Errorf(
			"portraits partitioning %+v, filter %v",
			p.TimePartitioning,
			p.RequirePartitionFilter,
		)
	}
	n := len(f.calls)
	opts.SnapshotDays = 400
	if _, err := Publish(context.Background(), c, localPlan(t), testConfig(), opts); err != nil {
		t.Fatal(err)
	}
	var patched []string
	for _, call := range f.since(n) {
		if strings.HasPrefix(call, "PATCH") {
			patched = append(patched, call)
		}
	}
	if !slices.Contains(
		patched,
		"PATCH datasets/shop_analytics/tables/portraits expirationMs=34560000000 "+
			"requirePartitionFilter=true",
	) {
		t.Errorf("patches %v", patched)
	}
	p.RequirePartitionFilter = false
	n = len(f.calls)
	if _, err := Publish(context.Background(), c, localPlan(t), testConfig(), opts); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(
		f.since(n),
		"PATCH datasets/shop_analytics/tables/portraits requirePartitionFilter=true",
	) {
		t.Errorf("the filter requirement was not restored: %v", f.since(n))
	}
}

// oldTable is a table of the model that copied every table under snapshot_date.
func oldTable(f *fake, z publish.Zone, name string) {
	tb, err := publish.ModelTable(name)
	if err != nil {
		f.t.Fatal(err)
	}
	zt, _ := tb.In(z)
	schema := &bq.TableSchema{
		Fields: []*bq.TableFieldSchema{{Name: "snapshot_date", Type: "DATE", Mode: "REQUIRED"}},
	}
	for _, c := range zt.Columns {
		mode := "NULLABLE"
		if c.Mode == publish.Repeated {
			mode = "REPEATED"
		}
		schema.Fields = append(
			schema.Fields,
			&bq.TableFieldSchema{Name: c.Name, Type: string(fieldTypes[c.Type]), Mode: mode},
		)
	}
	ds := "shop_" + string(z)
	f.tables[ds+"."+name] = &bq.Table{
		TableReference:   &bq.TableReference{ProjectId: f.project, DatasetId: ds, TableId: name},
		Type:             "TABLE",
		Etag:             "1",
		Schema:           schema,
		TimePartitioning: &bq.TimePartitioning{Type: "DAY", Field: "snapshot_date"},
	}
}

// TestMigratesTheOldModel: on first use, each fact table is rebuilt with one row per record and
// renamed into place, the current tables keep their newest night, erasures their first, and
// published_runs lists the nights published before.
func TestMigratesTheOldModel(t *testing.T) {
	f, c := newFake(t)
	for _, z := range publish.Zones {
		f.datasets["shop_"+string(z)] = &bq.Dataset{Location: "EU", Etag: "1"}
	}
	for _, name := range []string{"events", "orders", "order_items", "users", "quality", "portraits"} {
		oldTable(f, publish.Analytics, name)
	}
	oldTable(f, publish.Restricted, "users")
	oldTable(f, publish.Restricted, "erasures")
	_, plans := nights(t, publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 1})
	rep, err := Publish(context.Background(), c, plans[0], testConfig(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(rep.Migrated, "analytics.events (one row per record)") ||
		!slices.Contains(rep.Migrated, "analytics.published_runs (the nights published so far)") {
		t.Errorf("migrated %v", rep.Migrated)
	}
	if tp := f.tables["shop_analytics.events"].TimePartitioning; tp.Field != "record_date" ||
		f.tables["shop_analytics.events__migrating"] != nil {
		t.Errorf("events partitioned %+v", tp)
	}
	migrate := f.sqls("portraits_20261120_migrate")
	var rebuilt, renamed, script string
	for _, s := range migrate {
		switch {
		case strings.HasPrefix(s, "INSERT INTO `test-project.shop_analytics.events__migrating`"):
			rebuilt = s
		case strings.HasPrefix(s, "ALTER TABLE `test-project.shop_analytics.events__migrating` "+
			"RENAME TO `events`"):
			renamed = s
		case strings.HasPrefix(s, "BEGIN"):
			script = s
		}
	}
	if !strings.Contains(rebuilt, "SELECT DATE(o.`event_time`, 'Asia/Shanghai'), o.`event_id`,") ||
		!strings.Contains(
			rebuilt,
			"QUALIFY ROW_NUMBER() OVER (PARTITION BY `event_id` ORDER BY snapshot_date DESC) = 1",
		) || renamed == "" {
		t.Errorf("events rebuilt by:\n%s\nrenamed by %q", rebuilt, renamed)
	}
	for _, want := range []string{
		"DELETE FROM `test-project.shop_restricted.users` WHERE snapshot_date < (SELECT " +
			"MAX(snapshot_date) FROM `test-project.shop_restricted.users`)",
		"DELETE FROM `test-project.shop_restricted.erasures` AS e WHERE EXISTS",
		"SELECT DISTINCT snapshot_date, CAST(NULL AS STRING), CAST(NULL AS STRING), @migrated_at, " +
			"'full', 'published before published_runs existed' FROM (SELECT snapshot_date FROM " +
			"`test-project.shop_analytics.portraits`",
	} {
		if !strings.Contains(strings.ReplaceAll(script, "\n  ", "\n"), want) {
			t.Errorf("the migration script lacks %q:\n%s", want, script)
		}
	}
	if i := slices.Index(f.calls, "DELETE datasets/shop_analytics/tables/events"); i < 0 {
		t.Error("the old events table was not dropped")
	}
}

// TestErasureStatements: a night with a new erasure request deletes the person's rows from every
// published table it can hold rows of, in both zones, by parameters holding only the values whose
// salted hash is the person's (a device of someone else seen on the same events stays), and records
// each table in erasure_log with the rows the DELETE removed, and the run folders' cleaning.
func TestErasureStatements(t *testing.T) {
	f, c := newFake(t)
	out, plans := nights(
		t,
		publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 2, Erasures: map[int]int{1: 3}},
	)
	if _, err := Publish(context.Background(), c, plans[0], testConfig(), testOptions(t)); err != nil {
		t.Fatal(err)
	}
	hash := func(typ, v string) string {
		return normalize.Hash(publishtest.Salt, identity.Key(typ, v))
	}
	mine := []string{
		hash(identity.Account, "u003"),
		hash(identity.Device, "d003"),
		hash(identity.Anonymous, "a003"),
	}
	f.answer = func(sql string, params map[string][]string) ([]string, [][]any, bool) {
		rows := func(vals ...string) ([]string, [][]any, bool) {
			var out [][]any
			for _, v := range vals {
				out = append(out, []any{v})
			}
			return []string{"STRING"}, out, true
		}
		switch {
		case strings.HasPrefix(sql,
			"SELECT DISTINCT id_hash FROM `test-project.shop_restricted._staging_erasures_"):
			return rows(mine[0])
		case strings.Contains(sql, "SELECT DISTINCT CAST(`person_id` AS STRING) FROM "+
			"`test-project.shop_restricted.identity_map`"):
			return rows("p003")
		case strings.Contains(sql,
			"SELECT DISTINCT CAST(`id_hash` AS STRING) FROM `test-project.shop_restricted.identity_map`"):
			return rows(mine...)
		case strings.Contains(sql, "CAST(`user_id` AS STRING) FROM `test-project.shop_restricted.users`"):
			return rows("u001", "u003")
		case strings.Contains(sql,
			"CAST(`device_id` AS STRING) FROM `test-project.shop_analytics.events`"):
			return rows("d001", "d003")
		case strings.Contains(sql,
			"CAST(`anonymous_id` AS STRING) FROM `test-project.shop_analytics.events`"):
			return rows("a003")
		case strings.Contains(sql, "CAST(`order_id` AS STRING) FROM "+
			"`test-project.shop_analytics.orders`"):
			return rows("o00-003")
		}
		return nil, nil, false
	}
	folders := []publish.Cleaning{
		{Date: "2026-11-21", Place: "run dt=2026-11-20/events", Requests: 1, RowsRemoved: 4,
			CleanedAt: time.Date(2026, 11, 21, 19, 0, 0, 0, time.UTC)},
	}
	if err := publish.WriteRunFolderLog(context.Background(), out, "2026-11-21", folders); err != nil {
		t.Fatal(err)
	}
	rep, err := Publish(context.Background(), c, plans[1], testConfig(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.ErasedPersons != 1 {
		t.Errorf("report %+v", rep)
	}
	script := switchOf(t, f, "2026-11-21")
	a, r := "`test-project.shop_analytics.", "`test-project.shop_restricted."
	log := "INSERT INTO " + r + "erasure_log` (snapshot_date, place, requests, rows_removed, " +
		"cleaned_at)\nVALUES (DATE '2026-11-21', '%s', 1, @@row_count, @cleaned_at)"
	for _, want := range []string{
		"DELETE FROM " + a + "events` WHERE `anonymous_id` IN UNNEST(@erase_anonymous_id) OR " +
			"`device_id` IN UNNEST(@erase_device_id) OR `user_id` IN UNNEST(@erase_user_id);\n" +
			fmt.Sprintf(log, "analytics.events"),
		"DELETE FROM " + a + "order_items` WHERE `order_id` IN UNNEST(@erase_order_id)",
		"DELETE FROM " + r + "portraits` WHERE snapshot_date >= DATE '1970-01-01' AND (`person_id` IN " +
			"UNNEST(@erase_person_id));\n" +
			fmt.Sprintf(log, "restricted.portraits"),
		"DELETE FROM " + a + "merge_history` WHERE `old_person_id` IN UNNEST(@erase_old_person_id) OR " +
			"`new_person_id` IN UNNEST(@erase_new_person_id)",
		"DELETE FROM " + r + "erasure_log` WHERE snapshot_date = DATE '2026-11-21' AND " +
			"STARTS_WITH(place, 'run ')",
		"SELECT DATE '2026-11-21', f.place, f.requests, f.rows_removed, f.cleaned_at FROM " +
			"UNNEST(@folders) AS f",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("the switch lacks %q", want)
		}
	}
	if strings.Contains(script, "DELETE FROM "+r+"erasures`") {
		t.Error("the erasures table itself lost rows")
	}
	if last, merge := strings.LastIndex(script, "erasure_log"),
		strings.Index(script, "MERGE"); last > merge {
		t.Error("the erasure does not come before the night's tables")
	}
	q := f.queries[slices.IndexFunc(f.queries, func(q query) bool {
		return strings.Contains(q.ID, "20261121_switch_")
	})]
	for name, want := range map[string][]string{"erase_user_id": {"u003"}, "erase_device_id": {"d003"},
		"erase_anonymous_id": {"a003"}, "erase_person_id": {"p003"}, "erase_order_id": {"o00-003"}} {
		if !slices.Equal(q.Params[name], want) {
			t.Errorf("@%s = %v, want %v", name, q.Params[name], want)
		}
	}
}

// TestViewsMoveWithTheSwitch: BigQuery refuses DDL on views inside a transaction, so the switch
// job's script recreates the views right after its COMMIT, with the night's date: no other job
// stands between the night's published_runs row and its views. When that DDL fails, the night is
// in and the views still show the night before; publishing the night again repairs them.
func TestViewsMoveWithTheSwitch(t *testing.T) {
	f, c := newFake(t)
	_, plans := nights(t, publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 2})
	publishNight := func(i int) (publish.Report, error) {
		return Publish(context.Background(), c, plans[i], testConfig(), testOptions(t))
	}
	if _, err := publishNight(0); err != nil {
		t.Fatal(err)
	}
	script := f.sqls("portraits_20261120_switch")[0]
	committed := strings.Index(script, "  COMMIT TRANSACTION;\n")
	runs := strings.Index(script, "published_runs`")
	view := strings.Index(script, "\nCREATE OR REPLACE VIEW "+
		"`test-project.shop_analytics.portraits_latest`\n"+
		"OPTIONS (description = 'the portraits of the newest published night', "+
		"labels = [('managed_by', 'portraits_publish')])\nAS\nSELECT *\n"+
		"FROM `test-project.shop_analytics.portraits`\nWHERE snapshot_date = DATE '2026-11-20';")
	if runs < 0 || committed < runs || view < committed ||
		!strings.HasSuffix(script[committed:view], "\nEND;") {
		t.Errorf("the views are not recreated right after the switch's commit:\n%s", script)
	}
	for _, call := range f.calls {
		if strings.HasSuffix(call, "(view)") ||
			strings.HasPrefix(call, "PATCH datasets/shop_analytics/tables/") {
			t.Errorf("a view went through the tables API: %s", call)
		}
	}
	if v := f.tables["shop_analytics.portraits_latest"]; v == nil || v.Type != "VIEW" ||
		!strings.HasSuffix(v.View.Query, "DATE '2026-11-20'") {
		t.Fatalf("portraits_latest %+v", v)
	}

	// The next night's transaction commits, then its first view fails.
	f.failStatement = func(st string) *bq.ErrorProto {
		if strings.HasPrefix(st, "CREATE OR REPLACE VIEW") {
			return &bq.ErrorProto{Reason: "backendError", Message: "the view could not be replaced"}
		}
		return nil
	}
	if _, err := publishNight(1); err == nil ||
		!strings.Contains(err.Error(), "the view could not be replaced") {
		t.Fatalf("err = %v", err)
	}
	if !f.published["2026-11-21"] ||
		!strings.HasSuffix(f.tables["shop_analytics.portraits_latest"].View.Query,
			"DATE '2026-11-20'") {
		t.Fatal("the failed DDL did not leave the night in and the views behind")
	}
	f.failStatement = nil
	rep, err := publishNight(1)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Newest || !slices.Contains(rep.Created, "portraits_latest") {
		t.Errorf("the rerun: %+v", rep)
	}
	for name, tb := range f.tables {
		if tb.Type == "VIEW" && strings.HasSuffix(name, "_latest") &&
			!strings.HasSuffix(tb.View.Query, "DATE '2026-11-21'") {
			t.Errorf("%s after the rerun:\n%s", name, tb.View.Query)
		}
	}
	if s := f.sqls("portraits_20261121_switch"); len(s) != 2 || s[0] != s[1] {
		t.Errorf("the rerun sent another switch script than the night's first")
	}
}

// TestTableInAViewsPlaceStopsBeforeTheSwitch: a table holding a view's name would fail the DDL
// after every commit; the publish refuses it before the switch.
func TestTableInAViewsPlaceStopsBeforeTheSwitch(t *testing.T) {
	f, c := newFake(t)
	f.datasets["shop_analytics"] = &bq.Dataset{Location: "EU", Etag: "1"}
	f.tables["shop_analytics.rfm_grid"] = &bq.Table{
		TableReference: &bq.TableReference{ProjectId: f.project, DatasetId: "shop_analytics",
			TableId: "rfm_grid"},
		Type:   "TABLE",
		Etag:   "1",
		Schema: &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "r_score", Type: "INTEGER"}}},
	}
	_, err := Publish(context.Background(), c, localPlan(t), testConfig(), testOptions(t))
	if err == nil ||
		!strings.Contains(err.Error(), "shop_analytics.rfm_grid exists and is not a view") {
		t.Fatalf("err = %v", err)
	}
	if len(f.sqls("portraits_20261121_switch")) != 0 {
		t.Error("the night was switched in")
	}
}

// TestDataTestsOnBigQuery: the row-count test reads last night's partition of the published table
// by a constant (the table requires a partition filter), and fails a night that lost most of its
// portraits; freshness counts the staged events since midnight of the day before, in the business
// zone, as a UTC timestamp. The refused night leaves its results in data_tests and no switch.
func TestDataTestsOnBigQuery(t *testing.T) {
	f, c := newFake(t)
	out := t.TempDir()
	ns, _ := publishtest.World{Persons: 6, Start: "2026-11-20", Nights: 2}.Build()
	var plans []*publish.Plan
	for i, n := range ns {
		if i == 1 { // two of six persons left
			n.Tables["portraits"] = n.Tables["portraits"][:2]
			n.Tables["segment_membership"] = n.Tables["segment_membership"][:2]
		}
		plan, err := publish.Load(context.Background(), publishtest.WriteNight(t, out, n))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, plan)
	}
	opts := testOptions(t)
	if _, err := Publish(context.Background(), c, plans[0], testConfig(), opts); err != nil {
		t.Fatal(err)
	}
	rep, err := Publish(context.Background(), c, plans[1], testConfig(), opts)
	if !errors.Is(err, publish.ErrTestsFailed) {
		t.Fatalf("err = %v", err)
	}
	var failed []string
	for _, r := range rep.Tests {
		if !r.Passed {
			failed = append(failed, fmt.Sprintf("%s.%s %s %d", r.Table, r.Test, r.Severity,
				r.FailingRows))
		}
	}
	if want := []string{"portraits.row_count_change error 4",
		"segment_membership.row_count_change warn 4"}; !slices.Equal(failed, want) {
		t.Errorf("failed %v, want %v", failed, want)
	}
	tests := f.sqls("portraits_20261121_data_test_query")
	for _, want := range []string{
		"SELECT COUNT(*) FROM `test-project.shop_restricted.portraits` " +
			"WHERE snapshot_date = DATE '2026-11-20'",
		"SELECT COUNT(*) FROM `test-project.shop_restricted._staging_events_20261121` " +
			"WHERE `event_time` >= TIMESTAMP '2026-11-19 16:00:00+00'",
	} {
		if !slices.Contains(tests, want) {
			t.Errorf("no data test query %s", want)
		}
	}
	if len(f.sqls("portraits_20261121_switch")) != 0 || f.published["2026-11-21"] {
		t.Error("the refused night was switched in")
	}
	if len(f.sqls("portraits_20261121_data_tests_query")) != 1 {
		t.Error("the refused night's results were not recorded")
	}
}
