package duckdb

// View is one BI view the warehouse gets.
type View struct {
	Name, SQL string
}

// Views are created (or replaced) on every publish. They read only the tables the nightly job writes
// today; the portrait and segment views arrive with those tables.
var Views = []View{
	{"quality_daily", `CREATE OR REPLACE VIEW quality_daily AS
SELECT snapshot_date, source, stage,
       sum(count) FILTER (WHERE measure = 'in') AS records_in,
       sum(count) FILTER (WHERE measure = 'out') AS records_out,
       coalesce(sum(count) FILTER (WHERE measure = 'rejected'), 0) AS rejected,
       coalesce(sum(count) FILTER (WHERE measure = 'deduplicated'), 0) AS deduplicated
FROM quality GROUP BY ALL ORDER BY snapshot_date, source, stage`},
	{"rejects_by_reason_daily", `CREATE OR REPLACE VIEW rejects_by_reason_daily AS
SELECT snapshot_date, source, stage, reason, count(*) AS rejects
FROM rejects GROUP BY ALL ORDER BY snapshot_date, rejects DESC`},
}
