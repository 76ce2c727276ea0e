package kmeans

import "math"

// Silhouette is the mean silhouette of points labelled 0..k-1: for each
// point, (b-a)/max(a,b) with a its mean Euclidean distance to the rest of
// its cluster and b the least mean distance to another non-empty cluster; 0
// for a point alone in its cluster. It is 0 when fewer than two clusters are
// non-empty, and NaN when labels do not match points or lie outside [0, k).
// It costs O(n²) distances.
func Silhouette(points [][]float64, labels []int, k int) float64 {
	if len(points) != len(labels) || len(points) == 0 {
		return math.NaN()
	}
	for _, c := range labels {
		if c < 0 || c >= k {
			return math.NaN()
		}
	}
	d := len(points[0])
	for _, p := range points {
		if len(p) != d {
			return math.NaN()
		}
	}
	rows := make([]int, len(points))
	for i := range rows {
		rows[i] = i
	}
	return sampleSilhouette(flatten(points, d), d, labels, k, rows)
}

// sampleSilhouette is the mean silhouette of the given rows of data, among
// themselves.
func sampleSilhouette(data []float64, d int, labels []int, k int, rows []int) float64 {
	m := len(rows)
	sizes := make([]int, k)
	for _, r := range rows {
		sizes[labels[r]]++
	}
	nonEmpty := 0
	for _, s := range sizes {
		if s > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 2 {
		return 0
	}
	// sums[i*k+c]: sum of distances from rows[i] to the rows of cluster c.
	sums := make([]float64, m*k)
	for i, ri := range rows {
		p := data[ri*d : (ri+1)*d]
		for j := i + 1; j < m; j++ {
			rj := rows[j]
			dist := math.Sqrt(sqDist(p, data[rj*d:(rj+1)*d]))
			sums[i*k+labels[rj]] += dist
			sums[j*k+labels[ri]] += dist
		}
	}
	total := 0.0
	for i, ri := range rows {
		own := labels[ri]
		if sizes[own] == 1 {
			continue
		}
		a := sums[i*k+own] / float64(sizes[own]-1)
		b := math.Inf(1)
		for c, s := range sizes {
			if c != own && s > 0 {
				b = min(b, sums[i*k+c]/float64(s))
			}
		}
		if den := max(a, b); den > 0 {
			total += (b - a) / den
		}
	}
	return total / float64(m)
}
