package kmeans

import "testing"

// BenchmarkFit fits 100,000 four-feature points in five blobs with k = 5
// and the default ten restarts.
func BenchmarkFit(b *testing.B) {
	points, _ := blobs(
		[][]float64{{0, 0, 0, 0}, {4, 0, 1, 2}, {0, 5, 2, 1}, {3, 3, 3, 3}, {6, 1, 0, 4}},
		[]int{30000, 25000, 20000, 15000, 10000},
		1,
		1,
	)
	for b.Loop() {
		if _, err := Fit(points, Options{K: 5, Seed: 1, Standardize: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChooseK fits the same points for every k in [2, 8] and scores
// each by the silhouette on a 2,000-point sample.
func BenchmarkChooseK(b *testing.B) {
	points, _ := blobs(
		[][]float64{{0, 0, 0, 0}, {4, 0, 1, 2}, {0, 5, 2, 1}, {3, 3, 3, 3}, {6, 1, 0, 4}},
		[]int{30000, 25000, 20000, 15000, 10000},
		1,
		1,
	)
	for b.Loop() {
		m, err := Fit(points, Options{KMin: 2, KMax: 8, Seed: 1, Standardize: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.K), "k")
	}
}
