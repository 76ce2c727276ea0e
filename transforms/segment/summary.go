package segment

import (
	"maps"
	"slices"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/segment/rfm"
)

// Kinds of segment.
const (
	KindAll     = "all"
	KindRule    = "rule"
	KindRFM     = "rfm"
	KindValue   = "value"
	KindCluster = "cluster"
)

// allPersons is the summary row of every person.
const allPersons = "all_persons"

// stats are the sums over a segment's members that its summary row needs.
type stats struct {
	Size int64
	GMV  int64 // gmv_fen
	CLV  int64 // clv_12m_fen, 0 when null
}

func (a stats) add(b stats) stats { return stats{a.Size + b.Size, a.GMV + b.GMV, a.CLV + b.CLV} }

const keySep = "\x1f"

// statKey keys a segment's stats.
func statKey(kind, segment string) string { return kind + keySep + segment }

// segmentRef names one summary row.
type segmentRef struct{ Kind, Segment string }

// summaryRows lists the rows of segment_summary, in order: all persons, the rule segments in
// config order, the RFM segments, the value segments and the clusters. Every configured or
// built-in segment has a row even when empty.
func summaryRows(rs []Rule, clusters int) []segmentRef {
	refs := []segmentRef{{KindAll, allPersons}}
	for _, r := range rs {
		refs = append(refs, segmentRef{KindRule, r.Name})
	}
	for _, s := range rfm.Segments {
		refs = append(refs, segmentRef{KindRFM, s})
	}
	for d := 1; d <= deciles; d++ {
		refs = append(refs, segmentRef{KindValue, decileName(d)})
	}
	refs = append(refs, segmentRef{KindValue, top20Name})
	for c := 1; c <= clusters; c++ {
		refs = append(refs, segmentRef{KindCluster, clusterName(c)})
	}
	return refs
}

// summarise makes the segment_summary rows from the members' sums (by statKey), the previous
// night's rows and the list of rows to write. Shares are of all persons (the all_persons row).
func summarise(
	byKey map[string]stats,
	refs []segmentRef,
	previous []schemas.SegmentSummary,
) []schemas.SegmentSummary {
	prev := map[string]int64{}
	for _, p := range previous {
		prev[statKey(p.Kind, p.Segment)] = p.Size
	}
	total := byKey[statKey(KindAll, allPersons)]
	seen := map[string]bool{}
	var out []schemas.SegmentSummary
	row := func(kind, segment string) {
		k := statKey(kind, segment)
		if seen[k] {
			return
		}
		seen[k] = true
		s := byKey[k]
		r := schemas.SegmentSummary{
			Segment:      segment,
			Kind:         kind,
			Size:         s.Size,
			PreviousSize: prev[k],
		}
		r.Change = r.Size - r.PreviousSize
		r.Share = ratio(float64(s.Size), float64(total.Size))
		r.GMVShare = ratio(float64(s.GMV), float64(total.GMV))
		r.AvgCLVFen = ratio(float64(s.CLV), float64(s.Size))
		out = append(out, r)
	}
	for _, ref := range refs {
		row(ref.Kind, ref.Segment)
	}
	// A segment outside the list (none is expected) still gets its row.
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		kind, segment, _ := strings.Cut(k, keySep)
		row(kind, segment)
	}
	return out
}

// ratio is a / b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
