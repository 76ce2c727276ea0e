package main

import (
	"context"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

func TestFlagsAreChecked(t *testing.T) {
	ctx := context.Background()
	var out strings.Builder
	for _, tc := range []struct {
		o    options
		want string
	}{
		{options{Warehouse: "duckdb://x"}, "--run"},
		{options{Run: t.TempDir() + "/dt=2026-11-21", Warehouse: "duckdb://x"}, "not finished"},
		{options{Run: "out/dt=2026-11-21", Warehouse: "postgres://x"}, "want duckdb://FILE or bigquery://"},
		{options{Run: publishtest.WriteRun(t, t.TempDir(), "2026-11-21", nil), Warehouse: "bigquery://my-project/shop"}, "location is required"},
	} {
		if err := publishRun(ctx, &out, tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestBigQueryDryRunCallsNothing(t *testing.T) {
	dir := publishtest.WriteRun(t, t.TempDir(), "2026-11-21", publishtest.Run(0, 4))
	var out strings.Builder
	err := publishRun(context.Background(), &out, options{Run: dir, DryRun: true,
		Warehouse: "bigquery://my-project/shop?location=EU&staging=gs://bucket/stage"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"my-project:shop_analytics", "-> gs://bucket/stage/dt=2026-11-21/users/part-00000.parquet", "restricted `my-project.shop_restricted.identity_map`"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "published") {
		t.Error("a dry run says it published")
	}
}
