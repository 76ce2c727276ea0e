package bigquery

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/datatests"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

const date = "2026-11-21"

func testConfig() Config {
	return Config{
		Project:           "test-project",
		Dataset:           "shop",
		Location:          "EU",
		Staging:           "gs://stage/portraits",
		AnalyticsDataset:  "shop_analytics",
		RestrictedDataset: "shop_restricted",
		Parallel:          1,
		PollInitial:       time.Millisecond,
		PollMax:           2 * time.Millisecond,
	}
}

// testOptions are the options of the tests: the world's salt, a fixed clock, the default data
// tests.
func testOptions(t *testing.T) Options {
	t.Helper()
	suite, err := datatests.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Settings: publish.Settings{Salt: publishtest.Salt, Now: func() time.Time { return clock }},
		Tests:    suite,
	}
}

var clock = time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)

func localPlan(t *testing.T) *publish.Plan {
	t.Helper()
	dir := publishtest.WriteRun(t, t.TempDir(), date, publishtest.Run(0, 20))
	plan, err := publish.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// fields maps a table's columns by name, with the REST API's implicit NULLABLE (an empty mode)
// spelled out.
func fields(t *bq.Table) map[string]*bq.TableFieldSchema {
	out := map[string]*bq.TableFieldSchema{}
	for _, f := range t.Schema.Fields {
		c := *f
		if c.Mode == "" {
			c.Mode = "NULLABLE"
		}
		out[f.Name] = &c
	}
	return out
}

func TestPublishLocalRun(t *testing.T) {
	f, c := newFake(t)
	plan := localPlan(t)
	out, err := Publish(context.Background(), c, plan, testConfig(), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range f.calls {
		t.Log(call)
	}

	for _, ds := range []string{"shop_analytics", "shop_restricted"} {
		if d := f.datasets[ds]; d == nil || d.Location != "EU" || d.Description == "" {
			t.Errorf("dataset %s = %+v", ds, d)
		}
	}
	// Tables: each zone's, with snapshot_date first, types and modes from the structs, partitions and
	// clusters.
	users := f.tables["shop_restricted.users"]
	if users == nil {
		t.Fatal("no restricted users table")
	}
	if first := users.Schema.Fields[0]; first.Name != "snapshot_date" || first.Type != "DATE" ||
		first.Mode != "REQUIRED" {
		t.Errorf("first column %+v", first)
	}
	if tp := users.TimePartitioning; tp == nil || tp.Type != "DAY" || tp.Field != "snapshot_date" {
		t.Errorf("users partitioning %+v", tp)
	}
	if users.Clustering != nil {
		t.Errorf("users clustered by %v: it has no person_id", users.Clustering.Fields)
	}
	if users.Description != "one row per platform account, personal data hashed or masked" {
		t.Errorf("users description %q", users.Description)
	}
	uf := fields(users)
	for name, want := range map[string][2]string{"user_id": {"STRING", "REQUIRED"},
		"phone_hash":    {"STRING", "NULLABLE"},
		"registered_at": {"TIMESTAMP", "NULLABLE"}, "marketing_consent": {"BOOLEAN", "REQUIRED"},
		"birth_year": {"INTEGER", "NULLABLE"}} {
		if got := uf[name]; got == nil || got.Type != want[0] || got.Mode != want[1] {
			t.Errorf("restricted users.%s = %+v, want %v", name, got, want)
		}
	}
	if uf["phone_masked"].Description != "phone for people to read, masked: 138****5678" {
		t.Errorf("phone_masked description %q", uf["phone_masked"].Description)
	}
	pf := fields(f.tables["shop_analytics.portraits"])
	for name, want := range map[string][2]string{"vendor_interests": {"STRING", "REPEATED"},
		"gmv_fen":     {"INTEGER", "REQUIRED"},
		"refund_rate": {"FLOAT", "NULLABLE"}, "last_order_at": {"TIMESTAMP", "NULLABLE"}} {
		if got := pf[name]; got == nil || got.Type != want[0] || got.Mode != want[1] {
			t.Errorf("analytics portraits.%s = %+v, want %v", name, got, want)
		}
	}
	for _, key := range []string{"shop_analytics.portraits", "shop_restricted.portraits",
		"shop_restricted.identity_map"} {
		if cl := f.tables[key].Clustering; cl == nil ||
			!slices.Equal(cl.Fields, []string{"person_id"}) {
			t.Errorf("%s clustering %+v", key, cl)
		}
	}
	for key, want := range map[string]bool{"shop_analytics.quality": true,
		"shop_restricted.quality":     false,
		"shop_analytics.identity_map": false, "shop_restricted.identity_map": true,
		"shop_analytics.users": true} {
		if got := f.tables[key] != nil; got != want {
			t.Errorf("table %s exists: %v, want %v", key, got, want)
		}
	}
	checkAnalytics(t, f)

	// Data: the files were uploaded as they are, loaded, and each zone's partition holds their rows.
	for _, tb := range plan.Tables {
		local, err := os.ReadFile(tb.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		uri := "gs://stage/portraits/dt=" + date + "/" + tb.Name + "/part-00000.parquet"
		if got, ok := f.uploads[uri]; !ok || string(got) != string(local) {
			t.Errorf("%s not uploaded as is (%d bytes, want %d)", uri, len(got), len(local))
		}
		if _, left := f.objects[uri]; left {
			t.Errorf("staged %s left behind", uri)
		}
		for _, z := range publish.Zones {
			if _, held := tb.In(z); !held {
				continue
			}
			key := string("shop_"+z) + "." + tb.Name
			if got := f.parts[key][date]; got.Rows != tb.Rows || got.Files != uri {
				t.Errorf(
					"partition %s of %s holds %+v, want %d rows from %s",
					date,
					key,
					got,
					tb.Rows,
					uri,
				)
			}
		}
		if f.tables["shop_restricted."+stagingTable(plan, tb.Name)] != nil {
			t.Errorf("staging table of %s left behind", tb.Name)
		}
	}
	loads := 0
	for _, j := range f.jobs {
		if l := j.Configuration.Load; l != nil {
			loads++
			if !l.ParquetOptions.EnableListInference ||
				l.DestinationTable.DatasetId != "shop_restricted" {
				t.Errorf("load %+v", l)
			}
			// The staging table was created before the load, to expire a day after the publish began.
			st := f.created["shop_restricted."+l.DestinationTable.TableId]
			if st == nil || st.ExpirationTime != clock.Add(24*time.Hour).UnixMilli() ||
				len(st.Schema.Fields) == 0 ||
				st.Schema.Fields[0].Name == "snapshot_date" {
				t.Errorf("staging table %s: %+v", l.DestinationTable.TableId, st)
			}
		}
		if f.polls[j.JobReference.JobId] < 2 {
			t.Errorf(
				"job %s polled %d times: it was RUNNING at first",
				j.JobReference.JobId,
				f.polls[j.JobReference.JobId],
			)
		}
	}
	if loads != len(plan.Tables) {
		t.Errorf("%d load jobs for %d tables", loads, len(plan.Tables))
	}

	// Views: those whose tables exist; segment_sizes_daily waits, the authorized one was not asked
	// for.
	wantViews := []string{
		"portraits_latest",
		"quality_latest",
		"rejects_latest",
		"quality_daily",
		"rejects_by_reason_daily",
		"lifecycle_funnel",
		"rfm_grid",
		"value_concentration",
	}
	if !slices.Equal(out.Created, wantViews) {
		t.Errorf("views created %v, want %v", out.Created, wantViews)
	}
	if len(out.Waiting) != 9 ||
		!strings.Contains(
			out.Waiting[8],
			"segment_sizes_daily (waits for analytics.segment_summary)",
		) {
		t.Errorf("waiting %v", out.Waiting)
	}
	v := f.tables["shop_analytics.value_concentration"]
	if v == nil || v.View == nil ||
		!strings.Contains(v.View.Query, "FROM `test-project.shop_analytics.portraits`") ||
		v.Description == "" {
		t.Errorf("value_concentration view %+v", v)
	}
	if f.tables["shop_analytics.person_reachability"] != nil {
		t.Error("the authorized view was created without --authorize-views")
	}

	// Catalogues: each zone documents its own columns.
	has := func(cat, table, col string) bool {
		for _, r := range f.catalogs[cat] {
			if r.TableName == table && r.ColumnName == col && r.Description != "" {
				return true
			}
		}
		return false
	}
	if !has("shop_analytics.table_catalog", "users", "user_id") ||
		has("shop_analytics.table_catalog", "users", "phone_hash") ||
		!has("shop_restricted.table_catalog", "users", "phone_hash") ||
		!has("shop_analytics.table_catalog", "rfm_grid", "") ||
		!has("shop_analytics.table_catalog", "portraits", "snapshot_date") {
		t.Errorf("catalogues: %v", f.catalogs)
	}
}

// checkAnalytics fails when any table of the analytics dataset has a sensitive column, by tag or by
// name, or is the identity map.
func checkAnalytics(t *testing.T, f *fake) {
	t.Helper()
	n := 0
	for key, tb := range f.tables {
		ds, name, _ := strings.Cut(key, ".")
		if ds != "shop_analytics" || tb.Schema == nil {
			continue
		}
		n++
		if name == "identity_map" {
			t.Error("analytics has the identity map")
		}
		for _, c := range tb.Schema.Fields {
			if slices.Contains(publishtest.Sensitive, c.Name) {
				t.Errorf("analytics.%s has %s", name, c.Name)
			}
		}
	}
	if n < 4 {
		t.Errorf("only %d analytics tables checked", n)
	}
}

func TestRerunRepeatsTheSameJobsAndLeavesTheSameTables(t *testing.T) {
	f, c := newFake(t)
	plan := localPlan(t)
	if _, err := Publish(context.Background(), c, plan, testConfig(), testOptions(t)); err != nil {
		t.Fatal(err)
	}
	first, state := f.since(0), f.snapshot()
	if _, err := Publish(context.Background(), c, plan, testConfig(), testOptions(t)); err != nil {
		t.Fatal(err)
	}
	second := f.since(len(first))
	if got := f.snapshot(); got != state {
		t.Error("the second publish of the same run changed the warehouse")
	}
	// The second run creates and patches nothing: it finds what the first created.
	for _, call := range second {
		if (strings.HasPrefix(call, "POST datasets") && !strings.Contains(call, " _staging_")) ||
			strings.HasPrefix(call, "PATCH") {
			t.Errorf("second run: %s", call)
		}
	}
	// It sends the same uploads and jobs, in the same order.
	writes := func(calls []string) []string {
		var out []string
		for _, c := range calls {
			if strings.HasPrefix(c, "POST jobs") || strings.HasPrefix(c, "POST upload") ||
				strings.HasPrefix(c, "DELETE") {
				out = append(out, c)
			}
		}
		return out
	}
	if w1, w2 := writes(first), writes(second); !reflect.DeepEqual(w1, w2) || len(w1) == 0 {
		t.Errorf(
			"jobs differ between runs:\n%s\n---\n%s",
			strings.Join(w1, "\n"),
			strings.Join(w2, "\n"),
		)
	}
}

func TestFailedJobNamesTableAndJob(t *testing.T) {
	f, c := newFake(t)
	f.fail = func(j *bq.Job) *bq.ErrorProto {
		if l := j.Configuration.Load; l != nil &&
			strings.Contains(l.DestinationTable.TableId, "portraits") {
			return &bq.ErrorProto{
				Reason:   "invalid",
				Location: "gs://stage/x.parquet",
				Message:  "Error while reading data",
			}
		}
		return nil
	}
	_, err := Publish(context.Background(), c, localPlan(t), testConfig(), testOptions(t))
	if err == nil {
		t.Fatal("a failed load job went unnoticed")
	}
	for _, want := range []string{"table portraits", "job portraits_20261121_portraits_load-",
		"location EU", "Error while reading data", "and a second reason"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestAuthorizedViewAndLaterTables(t *testing.T) {
	f, c := newFake(t)
	plan := localPlan(t)
	cfg := testConfig()
	opts := testOptions(t)
	opts.AuthorizeViews = true
	// The segment stage's table arrives: its view follows.
	if _, err := Publish(context.Background(), c, plan, cfg, opts); err != nil {
		t.Fatal(err)
	}
	f.tables["shop_analytics.segment_summary"] = &bq.Table{
		TableReference: &bq.TableReference{
			ProjectId: f.project,
			DatasetId: "shop_analytics",
			TableId:   "segment_summary",
		},
		Type:   "TABLE",
		Schema: &bq.TableSchema{Fields: []*bq.TableFieldSchema{{Name: "segment", Type: "STRING"}}},
	}
	out, err := Publish(context.Background(), c, plan, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.Created, "segment_sizes_daily") ||
		!slices.Contains(out.Created, "person_reachability") ||
		slices.ContainsFunc(
			out.Waiting,
			func(w string) bool { return strings.Contains(w, "segment_s") },
		) {
		t.Errorf("views %+v", out)
	}
	v := f.tables["shop_analytics.person_reachability"]
	if v == nil || !strings.Contains(v.View.Query, "`test-project.shop_restricted.portraits`") ||
		strings.Contains(v.View.Query, "phone_masked,") {
		t.Fatalf("person_reachability %+v", v)
	}
	n := 0
	for _, a := range f.datasets["shop_restricted"].Access {
		if a.View != nil && a.View.DatasetId == "shop_analytics" &&
			a.View.TableId == "person_reachability" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the view is authorized %d times on the restricted dataset, want once", n)
	}
}

func TestRemoteRunLoadsInPlace(t *testing.T) {
	f, c := newFake(t)
	local := localPlan(t)
	plan := &publish.Plan{
		Date:  date,
		RunID: "r",
		Dir:   "gs://runs/out/dt=" + date,
		Mode:  publish.Full,
	}
	for _, tb := range local.Tables {
		data, err := os.ReadFile(tb.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		uri := plan.Dir + "/" + tb.Name + "/part-00000.parquet"
		f.objects[uri] = data
		tb.Files = []string{uri}
		plan.Tables = append(plan.Tables, tb)
	}
	cfg := testConfig()
	cfg.Staging = ""
	cfg.Parallel = 3
	if _, err := Publish(context.Background(), c, plan, cfg, testOptions(t)); err != nil {
		t.Fatal(err)
	}
	for _, call := range f.calls {
		if strings.HasPrefix(call, "POST upload") {
			t.Errorf("a gs:// run was uploaded again: %s", call)
		}
	}
	if got := f.parts["shop_analytics.portraits"][date]; got.Files != plan.Dir+
		"/portraits/part-00000.parquet" ||
		got.Rows != 20 {
		t.Errorf("portraits partition %+v", got)
	}
}

func TestLocalRunNeedsStaging(t *testing.T) {
	_, c := newFake(t)
	cfg := testConfig()
	cfg.Staging = ""
	_, err := Publish(context.Background(), c, localPlan(t), cfg, testOptions(t))
	if err == nil || !strings.Contains(err.Error(), "staging") {
		t.Errorf("err = %v", err)
	}
}

func TestDescribeCallsNothing(t *testing.T) {
	plan := localPlan(t)
	var b strings.Builder
	if err := Describe(&b, plan, testConfig(), testOptions(t)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"test-project:shop_analytics", "test-project:shop_restricted",
		"upload   " + filepath.Join(plan.Dir, "users", "part-00000.parquet") +
			" -> gs://stage/portraits/dt=2026-11-21/users/part-00000.parquet, removed after",
		"`test-project.shop_restricted._staging_users_20261121` (PARQUET), expiring after a " +
			"day, dropped after",
		"analytics  `test-project.shop_analytics.users`, 11 columns, without phone_hash, " +
			"phone_masked, email_hash",
		"portraits (snapshot): 20 rows in 1 files; partitioned by day on snapshot_date, partitions " +
			"expire after 400 days, " +
			"partition filter required, clustered by person_id",
		"users (current): 20 rows in 1 files; partitioned by day on snapshot_date",
		"replaced when the night is the newest",
		"analytics  not held", "clustered by person_id",
		"value_concentration reads analytics.portraits", "person_reachability: skipped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
}
