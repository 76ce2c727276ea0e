package kmeans

import (
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// blobs draws sizes[b] points around centers[b] with standard deviation
// spread, and returns them with their blob numbers.
func blobs(centers [][]float64, sizes []int, spread float64, seed uint64) ([][]float64, []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	var points [][]float64
	var truth []int
	for b, c := range centers {
		for i := 0; i < sizes[b]; i++ {
			p := make([]float64, len(c))
			for j := range p {
				p[j] = c[j] + spread*rng.NormFloat64()
			}
			points = append(points, p)
			truth = append(truth, b)
		}
	}
	rng.Shuffle(len(points), func(i, j int) {
		points[i], points[j] = points[j], points[i]
		truth[i], truth[j] = truth[j], truth[i]
	})
	return points, truth
}

// Three blobs on features of very different scales (income-like and
// count-like), largest first.
var (
	blobCenters = [][]float64{{1000, 2, 0}, {5000, 10, 1}, {9000, 2, 0}}
	blobSizes   = []int{300, 200, 100}
)

func scaledBlobs(seed uint64) ([][]float64, []int) {
	points, truth := blobs([][]float64{{0, 0, 0}, {1, 1, 1}, {2, 0, 0}}, blobSizes, 0.05, seed)
	for _, p := range points {
		p[0] = 1000 + 4000*p[0]
		p[1] = 2 + 8*p[1]
	}
	return points, truth
}

func TestRecoversBlobs(t *testing.T) {
	for _, standardize := range []bool{false, true} {
		points, truth := scaledBlobs(1)
		m, err := Fit(points, Options{K: 3, Seed: 42, Standardize: standardize})
		if err != nil {
			t.Fatal(err)
		}
		// Each blob maps to one cluster, the blobs to different clusters;
		// clusters are numbered by size, so blob b is cluster b.
		for i, p := range points {
			if c := m.Assign(p); c != truth[i] {
				t.Fatalf(
					"standardize=%v: point %d of blob %d assigned to cluster %d",
					standardize,
					i,
					truth[i],
					c,
				)
			}
		}
		if !reflect.DeepEqual(m.Sizes, blobSizes) || m.K != 3 {
			t.Errorf(
				"standardize=%v: k %d sizes %v, want 3 %v",
				standardize,
				m.K,
				m.Sizes,
				blobSizes,
			)
		}
		for c, cen := range m.Centroids {
			for j, v := range cen {
				if tol := 0.05 * []float64{4000, 8, 1}[j]; math.Abs(v-blobCenters[c][j]) > tol {
					t.Errorf(
						"standardize=%v: centroid %d = %v, blob centre %v",
						standardize,
						c,
						cen,
						blobCenters[c],
					)
				}
			}
		}
		if m.Silhouette < 0.8 {
			t.Errorf(
				"standardize=%v: silhouette %v on well-separated blobs",
				standardize,
				m.Silhouette,
			)
		}
		if (m.Mean != nil) != standardize || (m.Std != nil) != standardize {
			t.Errorf("standardize=%v: mean %v std %v", standardize, m.Mean, m.Std)
		}
	}
}

// TestFixedPoint checks Lloyd's optimality conditions on the result: every
// point is nearest its own centroid, every centroid is the mean of its
// points (these blobs converge before the tolerance stops a run), and
// Inertia is the sum of squared standardised distances.
func TestFixedPoint(t *testing.T) {
	points, _ := blobs([][]float64{{0, 0}, {3, 1}, {1, 4}, {5, 5}}, []int{80, 60, 50, 40}, 1.2, 3)
	for i := range points {
		points[i] = append(points[i], 7) // a constant feature: std 1
	}
	m, err := Fit(points, Options{K: 4, Seed: 9, Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Std[2] != 1 || m.Mean[2] != 7 {
		t.Errorf("constant feature: mean %v std %v, want 7 and 1", m.Mean[2], m.Std[2])
	}
	sums := make([][]float64, m.K)
	sizes := make([]int, m.K)
	inertia := 0.0
	for _, p := range points {
		c := m.Assign(p)
		z := make([]float64, len(p))
		for j := range p {
			z[j] = (p[j] - m.Mean[j]) / m.Std[j]
			zc := (m.Centroids[c][j] - m.Mean[j]) / m.Std[j]
			inertia += (z[j] - zc) * (z[j] - zc)
		}
		if sums[c] == nil {
			sums[c] = make([]float64, len(p))
		}
		for j, v := range p {
			sums[c][j] += v
		}
		sizes[c]++
	}
	if !reflect.DeepEqual(sizes, m.Sizes) {
		t.Errorf("assigned sizes %v, model sizes %v", sizes, m.Sizes)
	}
	for c := range sums {
		for j := range sums[c] {
			if mean := sums[c][j] / float64(sizes[c]); math.Abs(mean-m.Centroids[c][j]) > 1e-9 {
				t.Errorf(
					"centroid %d feature %d = %v, mean of its points %v",
					c,
					j,
					m.Centroids[c][j],
					mean,
				)
			}
		}
	}
	if math.Abs(inertia-m.Inertia) > 1e-9*inertia {
		t.Errorf("inertia %v, recomputed %v", m.Inertia, inertia)
	}
	for i := 1; i < m.K; i++ {
		if m.Sizes[i-1] < m.Sizes[i] {
			t.Errorf("sizes not descending: %v", m.Sizes)
		}
	}
}

func TestDeterministic(t *testing.T) {
	points, _ := blobs([][]float64{{0, 0}, {3, 1}, {1, 4}}, []int{200, 150, 100}, 1.5, 5)
	opt := Options{K: 3, Seed: 123, Standardize: true}
	a, err := Fit(points, opt)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1) // restarts run one at a time
	b, err := Fit(points, opt)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different models:\n%+v\n%+v", a, b)
	}
	// On well-separated blobs every seed finds the same clusters, numbered
	// the same way whatever order they were seeded in.
	separated, _ := scaledBlobs(2)
	ref, err := Fit(separated, Options{K: 3, Seed: 1, Restarts: 1})
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(2); seed < 12; seed++ {
		m, err := Fit(separated, Options{K: 3, Seed: seed, Restarts: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Sizes, ref.Sizes) {
			t.Fatalf("seed %d: sizes %v, seed 1: %v", seed, m.Sizes, ref.Sizes)
		}
		for c := range m.Centroids {
			for j := range m.Centroids[c] {
				if math.Abs(
					m.Centroids[c][j]-ref.Centroids[c][j],
				) > 1e-6*math.Abs(
					ref.Centroids[c][j],
				)+1e-9 {
					t.Errorf(
						"seed %d: centroid %d = %v, seed 1: %v",
						seed,
						c,
						m.Centroids[c],
						ref.Centroids[c],
					)
				}
			}
		}
	}
}

func TestChoosesK(t *testing.T) {
	centers := [][]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}}
	points, _ := blobs(centers, []int{150, 120, 100, 80}, 0.8, 11)
	m, err := Fit(points, Options{KMin: 2, KMax: 8, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if m.K != 4 {
		t.Errorf("chose k = %d (silhouette %v), want 4", m.K, m.Silhouette)
	}
	// The chosen model's silhouette beats each other k's.
	for k := 2; k <= 8; k++ {
		if k == 4 {
			continue
		}
		o, err := Fit(points, Options{K: k, Seed: 4})
		if err != nil {
			t.Fatal(err)
		}
		if o.Silhouette >= m.Silhouette {
			t.Errorf("k = %d silhouette %v >= chosen %v", k, o.Silhouette, m.Silhouette)
		}
	}
	// More points than the silhouette sample: still bounded, still right.
	big, _ := blobs(centers, []int{1500, 1200, 1000, 800}, 0.8, 12)
	m, err = Fit(big, Options{Seed: 4, KMax: 6})
	if err != nil || m.K != 4 {
		t.Errorf("4,500 points: k = %v, %v; want 4", m, err)
	}
}

func TestSilhouetteByHand(t *testing.T) {
	points := [][]float64{{0}, {1}, {10}, {11}}
	// a = 1 for every point; b = 10.5 for the outer points, 9.5 for the
	// inner ones.
	want := (9.5/10.5 + 8.5/9.5) / 2
	if got := Silhouette(points, []int{0, 0, 1, 1}, 2); math.Abs(got-want) > 1e-15 {
		t.Errorf("silhouette %v, want %v", got, want)
	}
	// A point alone in its cluster scores 0: (9/10 ... ) for {0,1} | {10}.
	// point 0: a 1, b 10; point 1: a 1, b 9.
	want = (0.9 + 8.0/9 + 0) / 3
	if got := Silhouette(points[:3], []int{1, 1, 0}, 2); math.Abs(got-want) > 1e-15 {
		t.Errorf("with a singleton: %v, want %v", got, want)
	}
	if got := Silhouette(points, []int{0, 0, 0, 0}, 1); got != 0 {
		t.Errorf("one cluster: %v, want 0", got)
	}
	for _, labels := range [][]int{{0, 0, 2, 1}, {0, 1}, {-1, 0, 1, 1}} {
		if got := Silhouette(points, labels, 2); !math.IsNaN(got) {
			t.Errorf("labels %v: %v, want NaN", labels, got)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		points [][]float64
		opt    Options
		want   string
	}{
		{nil, Options{K: 2}, "no points"},
		{[][]float64{{1, 2}, {3}}, Options{K: 1}, "row 1 has 1 features, row 0 has 2"},
		{[][]float64{{1, 2}, {3, 4}, {5, math.NaN()}}, Options{K: 2}, "row 2, feature 1 is NaN"},
		{[][]float64{{1, math.Inf(-1)}, {3, 4}}, Options{K: 2}, "row 0, feature 1 is -Inf"},
		{[][]float64{{1}, {2}}, Options{K: 3}, "k = 3 but only 2 points"},
		{[][]float64{{1}, {1}, {1}}, Options{K: 2}, "k = 2: kmeans: fewer distinct points than clusters"},
		{[][]float64{{1}, {2}, {3}}, Options{KMin: 3, KMax: 2}, "2 <= k-min <= k-max"},
		{[][]float64{{1}, {2}, {3}}, Options{K: -1}, "negative option"},
		{[][]float64{{}, {}}, Options{K: 1}, "no features"},
	} {
		_, err := Fit(c.points, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %+v: error %v, want one containing %q", c.points, c.opt, err, c.want)
		}
	}
	// Choosing k stops at the number of distinct points.
	m, err := Fit([][]float64{{1}, {1}, {5}, {5}, {9}}, Options{Seed: 1})
	if err != nil || m.K != 3 {
		t.Errorf("three distinct points: %+v, %v; want k = 3", m, err)
	}
}

func TestAssignRejects(t *testing.T) {
	m := &Model{K: 2, Centroids: [][]float64{{0, 0}, {1, 1}}}
	for _, p := range [][]float64{{0}, {0, 0, 0}, {math.NaN(), 0}} {
		if c := m.Assign(p); c != -1 {
			t.Errorf("Assign(%v) = %d, want -1", p, c)
		}
	}
	if c := m.Assign([]float64{0.9, 0.8}); c != 1 {
		t.Errorf("Assign = %d, want 1", c)
	}
}
