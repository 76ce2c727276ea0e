package segment

import (
	"fmt"
	"math"
	"strings"

	"github.com/shopportraits/portraits/schemas"
)

// The clustering features of a portrait, in order. Counts and money are skewed (a few persons
// buy a hundred times more than most), so the model sees log1p of them, then z-scores; the
// discount share is a share already. days_since_last_seen is capped at a year, and a person
// never seen counts as a year away. Those without orders have a discount share of 0. avg_rating
// is left out: most persons never rate, and any stand-in value would make its own cluster.
const (
	fFrequency = iota
	fRecency
	fMonetary
	fGMV
	fActive30
	fSessions
	fDiscount
	fSinceSeen
	nFeatures
)

// featureNames name the features as the portrait (and cluster_profiles) columns do.
var featureNames = [nFeatures]string{"frequency", "recency_days", "monetary_value_fen", "gmv_fen",
	"active_days_30d", "sessions", "discount_order_share", "days_since_last_seen"}

// logged marks the features the model sees as log1p.
var logged = [nFeatures]bool{true, true, true, true, true, true, false, true}

// maxDaysSinceSeen caps days_since_last_seen and stands in for persons never seen.
const maxDaysSinceSeen = 365

// rawFeatures are a portrait's features in its own units.
func rawFeatures(p *schemas.Portrait) []float64 {
	x := make([]float64, nFeatures)
	x[fFrequency] = p.Frequency
	x[fRecency] = p.RecencyDays
	x[fMonetary] = p.MonetaryValueFen
	x[fGMV] = float64(p.GMVFen)
	x[fActive30] = float64(p.ActiveDays30d)
	x[fSessions] = float64(p.Sessions)
	if p.DiscountOrderShare != nil {
		x[fDiscount] = *p.DiscountOrderShare
	}
	x[fSinceSeen] = maxDaysSinceSeen
	if p.DaysSinceLastSeen != nil {
		x[fSinceSeen] = math.Min(float64(*p.DaysSinceLastSeen), maxDaysSinceSeen)
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			x[j] = 0 // a broken figure weighs as nothing rather than failing the fit
		}
	}
	return x
}

// modelFeatures are the features as the model sees them (before its z-scores).
func modelFeatures(raw []float64) []float64 {
	x := make([]float64, len(raw))
	for j, v := range raw {
		if logged[j] {
			v = math.Log1p(v)
		}
		x[j] = v
	}
	return x
}

// clusterName is the segment name of cluster c (1-based).
func clusterName(c int) string { return fmt.Sprintf("cluster_%02d", c) }

// label describes a centroid given as z-scores of the model features (0 = the mean of the
// training sample): who buys (non-buyers, one-off or frequent buyers), how much they spend, how
// recently and how actively they visit, and whether they buy on discount.
func label(z []float64, buyers bool) string {
	const high, low = 0.5, -0.5
	var words []string
	switch {
	case z[fSinceSeen] >= 1:
		words = append(words, "lapsed")
	case z[fActive30] >= high || z[fSessions] >= 1:
		words = append(words, "active")
	case z[fActive30] <= low:
		words = append(words, "quiet")
	}
	if !buyers {
		return strings.Join(append(words, "non-buyers"), " ")
	}
	switch {
	case z[fFrequency] >= high:
		words = append(words, "frequent")
	case z[fFrequency] <= low:
		words = append(words, "one-off")
	}
	spend := (z[fGMV] + z[fMonetary]) / 2
	switch {
	case spend >= high:
		words = append(words, "high spenders")
	case spend <= low:
		words = append(words, "low spenders")
	default:
		words = append(words, "mid spenders")
	}
	if z[fDiscount] >= 1 {
		words = append(words, "on discount")
	}
	return strings.Join(words, " ")
}

// labels names every centroid of a behaviour model (centroids in model-feature units, with the
// model's means and deviations). A centroid whose mean gmv_fen is below one yuan is a cluster of
// non-buyers.
func labels(centroids [][]float64, mean, std []float64) []string {
	return uniqueLabels(centroids, func(cen []float64) string {
		z := make([]float64, len(cen))
		for j, v := range cen {
			z[j] = (v - mean[j]) / std[j]
		}
		return label(z, math.Expm1(cen[fGMV]) >= 100)
	})
}

// uniqueLabels names every centroid with name, adding " (2)", " (3)" ... to repeated labels.
func uniqueLabels(centroids [][]float64, name func([]float64) string) []string {
	out := make([]string, len(centroids))
	seen := map[string]int{}
	for c, cen := range centroids {
		l := name(cen)
		seen[l]++
		if seen[l] > 1 {
			l = fmt.Sprintf("%s (%d)", l, seen[l])
		}
		out[c] = l
	}
	return out
}
