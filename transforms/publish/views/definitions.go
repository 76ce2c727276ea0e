package views

// All are the views of the analytics zone, in creation order: a <table>_latest view of every
// snapshot table, then the BI views.
var All = append(latestViews(), biViews...)

// biViews are the BI views. Sums are cast to BIGINT (an alias of INT64 in BigQuery), because DuckDB
// sums BIGINT into HUGEINT, which BI drivers read poorly. A view over several nights reads the
// nights the snapshot tables keep, from {{first}} to {{latest}}: constants, so BigQuery prunes
// partitions (and accepts the query on tables that require a partition filter).
var biViews = []View{
	{
		Name: "quality_daily",
		Doc:  "records in, out, rejected and deduplicated per day, source and stage",
		query: `
SELECT snapshot_date, source, stage,
       CAST(SUM(CASE WHEN measure = 'in' THEN count END) AS BIGINT) AS records_in,
       CAST(SUM(CASE WHEN measure = 'out' THEN count END) AS BIGINT) AS records_out,
       CAST(COALESCE(SUM(CASE WHEN measure = 'rejected' THEN count END), 0) AS BIGINT) AS rejected,
       CAST(COALESCE(SUM(CASE WHEN measure = 'deduplicated' THEN count END), 0) AS ` +
			`BIGINT) AS deduplicated
FROM {{analytics "quality"}}
WHERE snapshot_date BETWEEN {{first}} AND {{latest}}
GROUP BY 1, 2, 3
ORDER BY snapshot_date, source, stage`,
	},

	{
		Name: "rejects_by_reason_daily",
		Doc:  "rejected records per day, source, stage and reason",
		query: `
SELECT snapshot_date, source, stage, reason, COUNT(*) AS rejects
FROM {{analytics "rejects"}}
WHERE snapshot_date BETWEEN {{first}} AND {{latest}}
GROUP BY 1, 2, 3, 4
ORDER BY snapshot_date, rejects DESC, source, stage, reason`,
	},

	// Every stage appears every day, with 0 persons when empty, so funnel charts keep their steps.
	{
		Name: "lifecycle_funnel",
		Doc: "persons per lifecycle stage per day, in funnel order (stage_order), with their share " +
			"of the day's persons",
		query: `
WITH stages AS (
  SELECT 'unaware' AS stage, 1 AS stage_order UNION ALL
  SELECT 'aware', 2 UNION ALL
  SELECT 'interested', 3 UNION ALL
  SELECT 'first_purchase', 4 UNION ALL
  SELECT 'repeat', 5 UNION ALL
  SELECT 'loyal', 6 UNION ALL
  SELECT 'dormant', 7 UNION ALL
  SELECT 'churn_risk', 8
),
days AS (
  SELECT DISTINCT snapshot_date FROM {{analytics "portraits"}}
  WHERE snapshot_date BETWEEN {{first}} AND {{latest}}
),
counts AS (
  SELECT snapshot_date, lifecycle AS stage, COUNT(*) AS persons
  FROM {{analytics "portraits"}}
  WHERE snapshot_date BETWEEN {{first}} AND {{latest}}
  GROUP BY 1, 2
)
SELECT d.snapshot_date, s.stage, s.stage_order,
       COALESCE(c.persons, 0) AS persons,
       COALESCE(c.persons, 0) / SUM(COALESCE(c.persons, 0)) OVER (PARTITION BY ` +
			`d.snapshot_date) AS share
FROM days d
CROSS JOIN stages s
LEFT JOIN counts c ON c.snapshot_date = d.snapshot_date AND c.stage = s.stage
ORDER BY d.snapshot_date, s.stage_order`,
	},

	{
		Name: "rfm_grid",
		Doc:  "buyers and their GMV in fen per recency score x frequency score, newest published night",
		query: `
SELECT snapshot_date, r_score, f_score,
       COUNT(*) AS persons,
       CAST(SUM(gmv_fen) AS BIGINT) AS gmv_fen
FROM {{analytics "portraits"}}
WHERE snapshot_date = {{latest}}
  AND r_score IS NOT NULL AND f_score IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY r_score DESC, f_score DESC`,
	},

	// The top 20% are the first ceil(buyers / 5) buyers by GMV (ties by person id), tested as
	// 5 * rank <= buyers + 4: integers mean the same in both dialects, where 0.2 would be a DECIMAL in
	// DuckDB and a FLOAT64 in BigQuery.
	{
		Name: "value_concentration",
		Doc: "per day: buyers (GMV above 0), the top 20% of them by GMV, and the " +
			"share of GMV those hold",
		query: `
WITH ranked AS (
  SELECT snapshot_date, gmv_fen,
         ROW_NUMBER() OVER (PARTITION BY snapshot_date ORDER BY gmv_fen DESC, ` +
			`person_id) AS gmv_rank,
         COUNT(*) OVER (PARTITION BY snapshot_date) AS buyers
  FROM {{analytics "portraits"}}
  WHERE snapshot_date BETWEEN {{first}} AND {{latest}} AND gmv_fen > 0
)
SELECT snapshot_date,
       MAX(buyers) AS buyers,
       CAST(SUM(CASE WHEN 5 * gmv_rank <= buyers + 4 THEN 1 ELSE 0 END) AS BIGINT) AS top_buyers,
       CAST(SUM(gmv_fen) AS BIGINT) AS gmv_fen,
       CAST(SUM(CASE WHEN 5 * gmv_rank <= buyers + 4 THEN gmv_fen ELSE 0 END) AS ` +
			`BIGINT) AS top_gmv_fen,
       SUM(CASE WHEN 5 * gmv_rank <= buyers + 4 THEN gmv_fen ELSE 0 END) / SUM(gmv_fen) AS top_share
FROM ranked
GROUP BY 1
ORDER BY snapshot_date`,
	},

	{
		Name: "segment_sizes_daily",
		Doc:  "persons per segment per day and their share of all persons",
		query: `
SELECT snapshot_date, segment, size, share
FROM {{analytics "segment_summary"}}
WHERE snapshot_date BETWEEN {{first}} AND {{latest}}
ORDER BY snapshot_date, size DESC, segment`,
	},

	// Authorized: analysts see whether a person can be reached by phone, never the phone.
	{
		Name:       "person_reachability",
		Authorized: true,
		Doc: "per day and person: whether a phone is on file (has_phone), read from the restricted " +
			"portraits without exposing it",
		query: `
SELECT snapshot_date, person_id, phone_masked IS NOT NULL AS has_phone
FROM {{restricted "portraits"}}
WHERE snapshot_date BETWEEN {{first}} AND {{latest}}`,
	},
}
