package kmeans

import "math"

// Assign returns the cluster of the centroid nearest to p (in the space the
// model was fitted in; the lowest cluster on a tie), or -1 when p has the
// wrong number of features or a NaN.
func (m *Model) Assign(p []float64) int {
	if len(m.Centroids) == 0 || len(p) != len(m.Centroids[0]) {
		return -1
	}
	best, bestD := -1, math.Inf(1)
	for c, cen := range m.Centroids {
		s := 0.0
		for j, v := range p {
			dv := v - cen[j]
			if m.Std != nil {
				dv /= m.Std[j]
			}
			s += dv * dv
		}
		if s < bestD {
			best, bestD = c, s
		}
	}
	return best
}
