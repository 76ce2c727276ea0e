//go:build cgo

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

func TestDuckDB(t *testing.T) {
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", publishtest.Run(0, 4))
	var w strings.Builder
	err := publishRun(context.Background(), &w, options{Run: dir, Warehouse: "duckdb://" + filepath.Join(out, "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(5 tables, 16 rows)", "views: quality_daily,", "view not created yet: segment_sizes_daily"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, w.String())
		}
	}
}
