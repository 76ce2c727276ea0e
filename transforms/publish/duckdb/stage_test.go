package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/publishtest"
)

// stagingTables counts the staging tables a connection sees, its own temporary ones included.
func stagingTables(t *testing.T, conn *sql.Conn) int64 {
	t.Helper()
	var n int64
	err := conn.QueryRowContext(context.Background(),
		`SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '_staging_')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNoStagingLeftOnTheConnection: the staging tables are temporary, so only the connection that
// publishes sees them; on that connection, none is left after a night goes in, nor after one is
// refused.
func TestNoStagingLeftOnTheConnection(t *testing.T) {
	ctx := context.Background()
	nights, _ := publishtest.World{Persons: 6, Start: "2026-11-12", Nights: 2}.Build()
	out := t.TempDir()
	db := open(t, filepath.Join(out, "w.duckdb"))
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	opts := options(t)
	if opts.Settings, err = opts.Settings.WithDefaults(); err != nil {
		t.Fatal(err)
	}
	warehouseOf := func(n publishtest.Night) *warehouse {
		plan, err := publish.Load(ctx, publishtest.WriteNight(t, out, n))
		if err != nil {
			t.Fatal(err)
		}
		return &warehouse{conn: conn, plan: plan, opts: opts}
	}

	// The count sees the publishing connection's staging tables; another connection sees none.
	w := warehouseOf(nights[0])
	if err := w.stage(ctx); err != nil {
		t.Fatal(err)
	}
	n, blind := stagingTables(t, conn), stagingTables(t, other)
	if n != int64(len(w.plan.Tables)) || blind != 0 {
		t.Fatalf("staged %d tables: the connection sees %d, another %d", len(w.plan.Tables), n,
			blind)
	}
	w.unstage(ctx)

	var rep publish.Report
	if err := w.publish(ctx, &rep); err != nil {
		t.Fatal(err)
	}
	if n := stagingTables(t, conn); n != 0 {
		t.Errorf("%d staging tables left after a night went in", n)
	}
	broken := copyNight(nights[1])
	broken.Tables["portraits"] = append(broken.Tables["portraits"], broken.Tables["portraits"][0])
	if err := warehouseOf(broken).publish(ctx, &rep); !errors.Is(err, publish.ErrTestsFailed) {
		t.Fatalf("err = %v, want the data tests failed", err)
	}
	if n := stagingTables(t, conn); n != 0 {
		t.Errorf("%d staging tables left after a night was refused", n)
	}
}
