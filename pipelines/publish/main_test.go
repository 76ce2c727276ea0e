package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
)

// flags are the command's defaults with a run and a warehouse.
func flags(run, warehouse string) options {
	return options{
		Run:          run,
		Warehouse:    warehouse,
		SnapshotDays: 400,
		Timezone:     "Asia/Shanghai",
		Salt:         saltflag.Flags{Env: "PORTRAITS_SALT"},
	}
}

func TestFlagsAreChecked(t *testing.T) {
	ctx := context.Background()
	run := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", nil)
	badTests := filepath.Join(t.TempDir(), "tests.yaml")
	if err := os.WriteFile(badTests,
		[]byte("tests:\n  - {test: unique, table: portraits, columns: [nobody]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, tc := range []struct {
		o      options
		want   string
		config bool // exit code 2
	}{
		{flags("", "duckdb://x"), "--run", true},
		{flags(t.TempDir()+"/dt=2026-11-21", "duckdb://x"), "not finished", false},
		{flags("out/dt=2026-11-21", "postgres://x"), "want duckdb://FILE or bigquery://", true},
		{flags(run, "bigquery://my-project/shop"), "location is required", true},
		{func() options { o := flags(run, "duckdb://x"); o.Timezone = "Mars/Olympus"; return o }(),
			"--timezone", true},
		{func() options { o := flags(run, "duckdb://x"); o.SnapshotDays = 0; return o }(),
			"--snapshot-days 0", true},
		{func() options { o := flags(run, "duckdb://x"); o.DataTests = badTests; return o }(),
			`line 2: unique(nobody): table portraits has no column "nobody"`, true},
		{func() options {
			o := flags(run, "bigquery://p/d?location=EU")
			o.ReadOnlyCopy = "c.duckdb"
			return o
		}(), "--read-only-copy", true},
	} {
		err := publishRun(ctx, &out, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) ||
			errors.As(err, new(configError)) != tc.config || (exitCode(err) == 2) != tc.config {
			t.Errorf(
				"%+v: err = %v, want %q (configuration error %v)",
				tc.o,
				err,
				tc.want,
				tc.config,
			)
		}
	}
}

func TestBigQueryDryRunCallsNothing(t *testing.T) {
	dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", publishtest.Run(0, 4))
	var out strings.Builder
	o := flags(dir, "bigquery://my-project/shop?location=EU&staging=gs://bucket/stage")
	o.DryRun = true
	if err := publishRun(context.Background(), &out, o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"my-project:shop_analytics",
		"-> gs://bucket/stage/dt=2026-11-21/users/part-00000.parquet",
		"restricted `my-project.shop_restricted.identity_map`",
		"partitions expire after 400 days, partition filter required"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains("\n"+out.String(), "\npublished ") {
		t.Error("a dry run says it published")
	}
}
