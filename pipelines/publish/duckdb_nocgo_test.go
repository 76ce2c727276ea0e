//go:build !cgo

package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

func TestDuckDBNeedsCgo(t *testing.T) {
	out := t.TempDir()
	dir := publishtest.WriteRun(t, out, "2026-11-21", nil)
	var w strings.Builder
	err := publishRun(
		context.Background(),
		&w,
		flags(dir, "duckdb://"+filepath.Join(out, "w.duckdb")),
	)
	if err == nil || !strings.Contains(err.Error(), "needs a build with cgo") ||
		!errors.As(err, new(configError)) {
		t.Errorf("err = %v", err)
	}
}
