package kmeans

import (
	"errors"
	"math/rand/v2"
	"slices"
)

// errTooFewDistinct reports fewer distinct points than clusters.
var errTooFewDistinct = errors.New("kmeans: fewer distinct points than clusters")

// fit is one k-means run in the fitted space.
type fit struct {
	centers    []float64 // k×d, row-major
	labels     []int
	sizes      []int
	inertia    float64
	silhouette float64
}

// sqDist is the squared Euclidean distance of a and b.
func sqDist(a, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		dv := v - b[j]
		s += dv * dv
	}
	return s
}

// seedPlusPlus picks k centers by k-means++: the first uniformly, each next
// one with probability proportional to its squared distance to the nearest
// center chosen so far.
func seedPlusPlus(data []float64, d, k int, rng *rand.Rand) ([]float64, error) {
	n := len(data) / d
	centers := make([]float64, 0, k*d)
	first := rng.IntN(n)
	centers = append(centers, data[first*d:(first+1)*d]...)
	near := make([]float64, n)
	total := 0.0
	for i := range near {
		near[i] = sqDist(data[i*d:(i+1)*d], centers)
		total += near[i]
	}
	for c := 1; c < k; c++ {
		if total == 0 {
			return nil, errTooFewDistinct
		}
		target := rng.Float64() * total
		pick := -1
		for i, w := range near {
			if w > 0 {
				pick = i
				if target -= w; target < 0 {
					break
				}
			}
		}
		centers = append(centers, data[pick*d:(pick+1)*d]...)
		cen := centers[c*d:]
		total = 0
		for i := range near {
			near[i] = min(near[i], sqDist(data[i*d:(i+1)*d], cen))
			total += near[i]
		}
	}
	return centers, nil
}

// tolerance stops Lloyd's iterations once the centers move, in squared
// distance summed over all centers, less than this share of the mean
// per-feature variance: scikit-learn's default tol.
const tolerance = 1e-4

// lloyd seeds k centers and runs Lloyd's iterations until no point changes
// cluster, the centers barely move (tol, the tolerance times the mean
// per-feature variance) or maxIter is reached, then assigns every point to
// its nearest center.
func lloyd(data []float64, d, k, maxIter int, tol float64, rng *rand.Rand) (*fit, error) {
	centers, err := seedPlusPlus(data, d, k, rng)
	if err != nil {
		return nil, err
	}
	n := len(data) / d
	f := &fit{centers: centers, labels: make([]int, n), sizes: make([]int, k)}
	dist := make([]float64, n)
	for i := range f.labels {
		f.labels[i] = -1
	}
	for it := 0; it < maxIter; it++ {
		if !f.assign(data, d, dist) {
			break
		}
		if f.update(data, d, dist) <= tol {
			break
		}
	}
	f.assign(data, d, dist)
	f.inertia = 0
	for _, v := range dist {
		f.inertia += v
	}
	return f, nil
}

// assign moves every point to its nearest center (the lowest index on a
// tie), records the squared distances, counts the sizes and tells whether
// any label changed.
func (f *fit) assign(data []float64, d int, dist []float64) bool {
	changed := false
	clear(f.sizes)
	k := len(f.sizes)
	for i := range f.labels {
		p := data[i*d : (i+1)*d]
		best, bestD := 0, sqDist(p, f.centers[:d])
		for c := 1; c < k; c++ {
			if dc := sqDist(p, f.centers[c*d:(c+1)*d]); dc < bestD {
				best, bestD = c, dc
			}
		}
		if f.labels[i] != best {
			f.labels[i] = best
			changed = true
		}
		dist[i] = bestD
		f.sizes[best]++
	}
	return changed
}

// update moves every center to the mean of its points and returns how far
// they moved (squared distances summed). An empty cluster takes the point
// farthest from its center (from a cluster of two or more).
func (f *fit) update(data []float64, d int, dist []float64) float64 {
	for c, size := range f.sizes {
		if size > 0 {
			continue
		}
		far := -1
		for i, v := range dist {
			if f.sizes[f.labels[i]] > 1 && (far < 0 || v > dist[far]) {
				far = i
			}
		}
		f.sizes[f.labels[far]]--
		f.labels[far], f.sizes[c], dist[far] = c, 1, 0
	}
	old := slices.Clone(f.centers)
	clear(f.centers)
	for i, c := range f.labels {
		cen := f.centers[c*d : (c+1)*d]
		for j, v := range data[i*d : (i+1)*d] {
			cen[j] += v
		}
	}
	for c, size := range f.sizes {
		for j := range f.centers[c*d : (c+1)*d] {
			f.centers[c*d+j] /= float64(size)
		}
	}
	return sqDist(old, f.centers)
}

// meanVariance is the mean over features of each feature's population
// variance.
func meanVariance(data []float64, d int) float64 {
	n := float64(len(data) / d)
	total := 0.0
	for j := 0; j < d; j++ {
		sum, sq := 0.0, 0.0
		for i := j; i < len(data); i += d {
			sum += data[i]
		}
		mean := sum / n
		for i := j; i < len(data); i += d {
			sq += (data[i] - mean) * (data[i] - mean)
		}
		total += sq / n
	}
	return total / float64(d)
}
