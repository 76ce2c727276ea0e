package duckdb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// createViews creates or replaces, in the analytics schema, every view whose tables exist.
func createViews(ctx context.Context, tx *sql.Tx, opts Options) (views.Outcome, error) {
	exists := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = current_database()`)
	if err != nil {
		return views.Outcome{}, fmt.Errorf("listing tables: %w", err)
	}
	for rows.Next() {
		var schema, table string
		if err := rows.Scan(&schema, &table); err != nil {
			rows.Close()
			return views.Outcome{}, fmt.Errorf("listing tables: %w", err)
		}
		exists[schema+"."+table] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return views.Outcome{}, fmt.Errorf("listing tables: %w", err)
	}
	ready, waiting := views.Ready(opts.AuthorizeViews, func(z publish.Zone, t string) bool { return exists[string(z)+"."+t] })
	out := views.Outcome{Waiting: waiting}
	for _, v := range ready {
		query, err := v.SQL(qualified)
		if err != nil {
			return out, err
		}
		name := qualified(publish.Analytics, v.Name)
		for _, s := range []string{"CREATE OR REPLACE VIEW " + name + " AS\n" + query, "COMMENT ON VIEW " + name + " IS " + literal(v.Doc)} {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return out, fmt.Errorf("view %s: %w", v.Name, err)
			}
		}
		out.Created = append(out.Created, v.Name)
	}
	return out, nil
}
