package segment

import (
	"strings"

	"github.com/shopportraits/portraits/schemas"
)

// Feature sets the clusters can be fitted on (clusters.features).
const (
	// FeaturesBehaviour are purchase and visit figures (featureNames), log-scaled where skewed.
	FeaturesBehaviour = "behaviour"
	// FeaturesGrades are the four scorecard grades, 1 to 5, a null grade counted as 0: buyers
	// and persons never seen then sit apart from everyone graded.
	FeaturesGrades = "grades"
)

// The grades as features, in order.
const (
	gContribution = iota
	gActivity
	gLoyalty
	gCredit
	nGrades
)

// gradeFeatures are a portrait's four grades.
func gradeFeatures(p *schemas.Portrait) []float64 {
	return []float64{
		float64(p.ContributionGrade),
		float64(p.ActivityGrade),
		float64(p.LoyaltyGrade),
		float64(p.CreditGrade),
	}
}

// profileFeatures are what a cluster's profile averages: the behaviour features in portrait
// units, then the grades, whatever the model was fitted on.
func profileFeatures(p *schemas.Portrait) []float64 {
	return append(rawFeatures(p), gradeFeatures(p)...)
}

// clusterFeatures are a portrait's features as a model fitted on the named set sees them.
func clusterFeatures(p *schemas.Portrait, features string) []float64 {
	if features == FeaturesGrades {
		return gradeFeatures(p)
	}
	return modelFeatures(rawFeatures(p))
}

// gradeLabel describes a centroid of the grades model in grade units: what the members
// contribute, how active and loyal they are, and whether they pay reliably. Means below one half
// are persons without that grade.
func gradeLabel(c []float64) string {
	const high, low, none = 3.5, 2.5, 0.5
	var words []string
	switch g := c[gActivity]; {
	case g < none:
		words = append(words, "unseen")
	case g >= high:
		words = append(words, "active")
	case g < low:
		words = append(words, "quiet")
	}
	switch g := c[gLoyalty]; {
	case g >= high:
		words = append(words, "loyal")
	case g >= none && g < low:
		words = append(words, "new or one-off")
	}
	switch g := c[gContribution]; {
	case g < none:
		words = append(words, "non-buyers")
	case g >= high:
		words = append(words, "high contributors")
	case g < low:
		words = append(words, "low contributors")
	default:
		words = append(words, "mid contributors")
	}
	if g := c[gCredit]; g >= none && g < high {
		words = append(words, "with payment incidents")
	}
	return strings.Join(words, " ")
}
