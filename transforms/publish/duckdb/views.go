package duckdb

import (
	"context"
	"fmt"

	"github.com/shopportraits/portraits/transforms/publish"
	"github.com/shopportraits/portraits/transforms/publish/views"
)

// createViews creates or replaces, in the analytics schema, every view whose tables exist, with
// latest as the newest published night.
func createViews(
	ctx context.Context,
	q querier,
	set publish.Settings,
	latest string,
) (created, waiting []string, err error) {
	held, err := tables(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	ready, waiting := views.Ready(
		set.AuthorizeViews,
		func(z publish.Zone, t string) bool { return held[string(z)+"."+t] },
	)
	nights := views.Nights{Latest: latest, Days: set.SnapshotDays}
	for _, v := range ready {
		query, err := v.SQL(qualified, nights)
		if err != nil {
			return nil, nil, err
		}
		name := qualified(publish.Analytics, v.Name)
		for _, s := range []string{"CREATE OR REPLACE VIEW " + name + " AS\n" + query,
			"COMMENT ON VIEW " + name + " IS " + literal(v.Doc)} {
			if _, err := q.ExecContext(ctx, s); err != nil {
				return nil, nil, fmt.Errorf("view %s: %w", v.Name, err)
			}
		}
		created = append(created, v.Name)
	}
	return created, waiting, nil
}
