package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
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
	sec, err := clusterSection(rows)
	return []Section{sec}, err
}

// clusterSection lists the clusters, largest first, with what their members have in common: the
// mean of each feature, and a chart of each cluster's profile as indexes.
func clusterSection(rows []schemas.ClusterProfile) (Section, error) {
	sec := Section{ID: "clusters", Title: tr("Clusters"),
		Intro: tr("Persons grouped by k-means on their value and engagement; each cluster's " +
			"label is read from its centre, and its members form the segment named beside it.")}
	if len(rows) == 0 {
		sec.Note = tr("No clusters tonight (the segments file's clusters).")
		return sec, nil
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
	b, err := clusterIndexBlock(rows)
	sec.Blocks = []Block{{Table: &t}, b}
	return sec, err
}

// clusterFeatures are the features of a cluster's profile chart, with their means.
var clusterFeatures = []struct {
	name string
	of   func(schemas.ClusterProfile) float64
}{
	{"GMV", func(r schemas.ClusterProfile) float64 { return r.GMVFen }},
	{"frequency", func(r schemas.ClusterProfile) float64 { return r.Frequency }},
	{"recency days", func(r schemas.ClusterProfile) float64 { return r.RecencyDays }},
	{"active days (30)", func(r schemas.ClusterProfile) float64 { return r.ActiveDays30d }},
	{"sessions", func(r schemas.ClusterProfile) float64 { return r.Sessions }},
	{"discount order share", func(r schemas.ClusterProfile) float64 {
		return r.DiscountOrderShare
	}},
	{"days since last seen", func(r schemas.ClusterProfile) float64 { return r.DaysSinceLastSeen }},
}

// clusterIndexBlock draws each cluster's profile as indexes: a feature's mean among the cluster's
// members against its mean among all persons (the clusters' means weighted by their sizes), 100
// being the average, so that features of any unit share one axis; one bar per cluster and feature,
// the cluster named by its label, and the indexes in a table beside.
func clusterIndexBlock(rows []schemas.ClusterProfile) (Block, error) {
	var persons int64
	for _, r := range rows {
		persons += r.Size
	}
	avg := make([]float64, len(clusterFeatures))
	for i, f := range clusterFeatures {
		for _, r := range rows {
			avg[i] += f.of(r) * float64(r.Size) / float64(max(persons, 1))
		}
	}
	var cats []string
	for _, f := range clusterFeatures {
		cats = append(cats, tr(f.name))
	}
	t := &Table{Caption: tr("Cluster profiles as indexes (100 = the mean of all persons)"),
		Head: append(trList("cluster", "label"), cats...)}
	var ss []series
	for _, r := range rows {
		s := series{Name: fmt.Sprintf("%d %s", r.Cluster, r.Label)}
		row := []Cell{num(fmt.Sprint(r.Cluster)), txt(r.Label)}
		for i, f := range clusterFeatures {
			idx := 0.0
			if avg[i] > 0 {
				idx = math.Round(100 * f.of(r) / avg[i])
			}
			s.Values = append(s.Values, idx)
			row = append(row, num(fmt.Sprintf("%.0f", idx)))
		}
		ss = append(ss, s)
		t.Rows = append(t.Rows, row)
	}
	c, err := hbar("chart-clusters", tr("Cluster profiles (100 = the mean of all persons)"),
		tr("index"), cats, ss, false)
	return Block{Chart: c, Table: t}, err
}
