package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

const clustersTable = "cluster_profiles"

// clustersFromRun is the section of the k-means clusters: each cluster's label, size and profile.
func clustersFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	_ Options,
) ([]Section, error) {
	if _, ok := m.Tables[clustersTable]; !ok {
		return []Section{missing("clusters", "Clusters", clustersTable)}, nil
	}
	rows, err := sink.ReadTable[schemas.ClusterProfile](ctx, output, date, clustersTable)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return []Section{clusterSection(rows)}, nil
}

// clusterSection lists the clusters, largest first, with what their members have in common: the
// mean of each feature the model was fitted on, and a bar of the members' GMV.
func clusterSection(rows []schemas.ClusterProfile) Section {
	sec := Section{ID: "clusters", Title: tr("Clusters"),
		Intro: tr("Persons grouped by k-means on their value and engagement; each cluster's " +
			"label is read from its centre, and its members form the segment named beside it.")}
	if len(rows) == 0 {
		sec.Note = tr("No clusters tonight (the segments file's clusters).")
		return sec
	}
	slices.SortFunc(rows, func(a, b schemas.ClusterProfile) int {
		return cmp.Or(cmp.Compare(b.Size, a.Size), cmp.Compare(a.Cluster, b.Cluster))
	})
	sec.Intro += trf(" k = %d, silhouette %.2f on a training sample of %s persons.",
		rows[0].K, rows[0].Silhouette, count(rows[0].TrainingSize))
	t := Table{Caption: tr("Cluster profiles (means of the members)"), Head: trList("cluster",
		"label", "segment", "persons", "share", "GMV", "frequency", "recency days",
		"active days (30)", "sessions", "discount order share", "days since last seen")}
	for _, r := range rows {
		t.Rows = append(t.Rows, []Cell{num(fmt.Sprint(r.Cluster)), txt(r.Label), txt(r.Segment),
			num(count(r.Size)), num(percent(r.Share)), num(amountF(r.GMVFen)),
			num(fmt.Sprintf("%.2f", r.Frequency)), num(fmt.Sprintf("%.1f", r.RecencyDays)),
			num(fmt.Sprintf("%.1f", r.ActiveDays30d)), num(fmt.Sprintf("%.1f", r.Sessions)),
			num(percent(r.DiscountOrderShare)), num(fmt.Sprintf("%.0f", r.DaysSinceLastSeen))})
	}
	sec.Blocks = []Block{{Table: &t}}
	return sec
}
