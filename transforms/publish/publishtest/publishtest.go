// Package publishtest writes small finished runs for the warehouse loaders' tests: Parquet files
// and a manifest laid out as the sink writes them, from rows of the schemas structs.
package publishtest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// WriteRun writes a finished run of date under out (a local folder or gs://), one Parquet file per
// table, and returns its folder.
func WriteRun(t testing.TB, out, date string, tables map[string][]any) string {
	t.Helper()
	ctx := context.Background()
	dir := sink.RunDir(out, date)
	m := sink.Manifest{
		SchemaVersion: schemas.Version,
		RunID:         "run-" + date,
		Date:          date,
		Tables:        map[string]sink.TableInfo{},
	}
	for table, rows := range tables {
		tb, err := schemas.Lookup(table)
		if err != nil {
			t.Fatal(err)
		}
		buf := tb.NewBuffer()
		for _, r := range rows {
			if err := buf.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		rel := table + "/part-00000.parquet"
		if err := sink.WriteFile(ctx, sink.Join(dir, rel), buf.Flush); err != nil {
			t.Fatal(err)
		}
		m.Tables[table] = sink.TableInfo{Files: []string{rel}, Rows: int64(len(rows))}
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.WriteBytes(ctx, sink.Join(dir, sink.ManifestName), data); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Lifecycles are the portrait lifecycle stages in funnel order.
var Lifecycles = []string{
	"unaware",
	"aware",
	"interested",
	"first_purchase",
	"repeat",
	"loyal",
	"dormant",
	"churn_risk",
}

// Run is a run's tables: quality counts, rejects, accounts with contact points, the identity map
// and portraits. Portraits vary with seed: persons p000.. with lifecycles, scores and GMV spread so
// that every view has something to count (15 buyers per 20 persons: a top 20% of exactly 3).
func Run(seed, persons int) map[string][]any {
	var users, links, portraits []any
	for i := 0; i < persons; i++ {
		id := fmt.Sprintf("p%03d", i)
		users = append(
			users,
			schemas.User{
				UserID:       fmt.Sprintf("u%03d", i),
				PhoneHash:    "ph" + id,
				PhoneMasked:  "138****" + fmt.Sprintf("%04d", i),
				EmailHash:    "eh" + id,
				City:         "Hangzhou",
				RegisteredAt: 1_700_000_000_000_000,
				UpdatedAt:    1_700_000_000_000_000 + int64(seed),
				Source:       "users",
			},
		)
		links = append(
			links,
			schemas.IdentityLink{
				IDType:   "account",
				IDHash:   "ih" + id,
				PersonID: id,
				LinkedBy: "alone",
				Score:    1,
			},
		)
		p := schemas.Portrait{
			PersonID:        id,
			Accounts:        1,
			Lifecycle:       Lifecycles[(i*3+seed)%len(Lifecycles)],
			VendorInterests: []string{"tea"},
			Tags:            []string{"t"},
		}
		if i%2 == 0 {
			p.PhoneMasked = "139****" + fmt.Sprintf("%04d", i)
		}
		if i%4 != 3 { // three persons in four bought
			p.Orders = int32(1 + i%3)
			p.GMVFen = int64((i*37+seed*11)%500+1) * 100
			p.RScore = int32(1 + (i+seed)%5)
			p.FScore = int32(1 + (i*2)%5)
		}
		portraits = append(portraits, p)
	}
	return map[string][]any{
		"quality": {
			schemas.QualityCount{
				Source:  "events",
				Stage:   "ingest",
				Measure: "in",
				Count:   10 + int64(seed),
			},
			schemas.QualityCount{
				Source:  "events",
				Stage:   "ingest",
				Measure: "out",
				Count:   9 + int64(seed),
			},
			schemas.QualityCount{
				Source:  "events",
				Stage:   "ingest",
				Measure: "rejected",
				Reason:  "bad_json",
				Count:   1,
			},
		},
		"rejects": {
			schemas.Reject{
				Source: "events",
				Stage:  "ingest",
				Reason: "bad_json",
				File:   "e.jsonl",
				Line:   2,
			},
		},
		"users":        users,
		"identity_map": links,
		"portraits":    portraits,
	}
}

// Sensitive are the column names no analytics table may have, whatever the schemas' tags say.
var Sensitive = []string{
	"phone_hash",
	"email_hash",
	"phone_masked",
	"id_hash",
	"nickname_hash",
	"phone_hint",
	"vendor_key",
}
