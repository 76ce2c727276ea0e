package main

import (
	"context"
	"strings"
	"testing"
)

func TestFlagsAreChecked(t *testing.T) {
	ctx := context.Background()
	if err := publishRun(ctx, "", "duckdb://x"); err == nil || !strings.Contains(err.Error(), "--run") {
		t.Errorf("missing --run: %v", err)
	}
	if err := publishRun(ctx, t.TempDir()+"/dt=2026-11-21", "duckdb://x"); err == nil || !strings.Contains(err.Error(), "not finished") {
		t.Errorf("unfinished run: %v", err)
	}
}
