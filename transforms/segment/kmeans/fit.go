package kmeans

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Options configure Fit.
type Options struct {
	// K is the number of clusters; 0 chooses it in [KMin, KMax] by the mean
	// silhouette, the smaller k on a tie.
	K int
	// KMin and KMax bound the search when K is 0 (defaults 2 and 10; KMax
	// is capped at the number of points).
	KMin, KMax int
	// Restarts is the number of seeded k-means++ runs, the lowest inertia
	// kept (default 10). MaxIter bounds Lloyd's iterations of a run
	// (default 300); a run stops earlier when no point changes cluster or
	// the centroids move less than 1e-4 of the mean feature variance in
	// total (scikit-learn's tol). Points are then assigned to their nearest
	// centroid.
	Restarts, MaxIter int
	// Seed makes the fit reproducible.
	Seed uint64
	// Standardize fits on z-scores of each feature instead of raw values.
	Standardize bool
}

// SilhouetteSample bounds the points the silhouette is computed on (it costs
// the square of their number): larger inputs use a sample of this many
// points drawn with the seed.
const SilhouetteSample = 2000

// Model is a fitted clustering.
type Model struct {
	// K is the number of clusters.
	K int
	// Centroids[c] is the mean of cluster c, in the original units.
	Centroids [][]float64
	// Mean and Std are the per-feature mean and population standard
	// deviation (1 for a constant feature) used to standardise; nil when
	// the model was fitted on raw values.
	Mean, Std []float64
	// Sizes[c] is the number of points in cluster c; sizes descend.
	Sizes []int
	// Inertia is the sum of squared distances of the points to their
	// centroids, in the space the model was fitted in.
	Inertia float64
	// Silhouette is the mean silhouette in that space, on at most
	// SilhouetteSample points; 0 when K is 1.
	Silhouette float64
}

// withDefaults checks opt and fills in its defaults.
func (opt Options) withDefaults(n int) (Options, error) {
	if opt.K < 0 || opt.KMin < 0 || opt.KMax < 0 || opt.Restarts < 0 || opt.MaxIter < 0 {
		return opt, fmt.Errorf("kmeans: negative option in %+v", opt)
	}
	if opt.K > n {
		return opt, fmt.Errorf("kmeans: k = %d but only %d points", opt.K, n)
	}
	if opt.Restarts == 0 {
		opt.Restarts = 10
	}
	if opt.MaxIter == 0 {
		opt.MaxIter = 300
	}
	if opt.K == 0 {
		if opt.KMin == 0 {
			opt.KMin = 2
		}
		if opt.KMax == 0 {
			opt.KMax = 10
		}
		if opt.KMin < 2 || opt.KMin > opt.KMax {
			return opt, fmt.Errorf(
				"kmeans: choosing k needs 2 <= k-min <= k-max, got [%d, %d]",
				opt.KMin,
				opt.KMax,
			)
		}
		if opt.KMin > n {
			return opt, fmt.Errorf("kmeans: k-min = %d but only %d points", opt.KMin, n)
		}
		opt.KMax = min(opt.KMax, n)
	}
	return opt, nil
}

// Fit clusters points (one row per point, the same number of features each).
// A NaN or infinite value is an error naming its row and feature (0-based
// indexes into points).
func Fit(points [][]float64, opt Options) (*Model, error) {
	n := len(points)
	if n == 0 {
		return nil, errors.New("kmeans: no points")
	}
	opt, err := opt.withDefaults(n)
	if err != nil {
		return nil, err
	}
	d, err := checkPoints(points)
	if err != nil {
		return nil, err
	}
	data := flatten(points, d)
	var mean, std []float64
	if opt.Standardize {
		mean, std = standardize(data, d)
	}
	sample := sampleRows(n, opt.Seed)

	ks := []int{opt.K}
	if opt.K == 0 {
		ks = nil
		for k := opt.KMin; k <= opt.KMax; k++ {
			ks = append(ks, k)
		}
	}
	var best *fit
	for _, k := range ks {
		f, err := bestOfRestarts(data, d, k, opt)
		if errors.Is(err, errTooFewDistinct) && best != nil {
			break // larger k cannot do better
		}
		if err != nil {
			return nil, fmt.Errorf("k = %d: %w", k, err)
		}
		f.silhouette = sampleSilhouette(data, d, f.labels, k, sample)
		if best == nil || f.silhouette > best.silhouette {
			best = f
		}
	}
	return best.model(d, mean, std), nil
}

// checkPoints returns the number of features, or an error naming the first
// ragged row or non-finite value.
func checkPoints(points [][]float64) (int, error) {
	d := len(points[0])
	if d == 0 {
		return 0, errors.New("kmeans: points have no features")
	}
	for i, p := range points {
		if len(p) != d {
			return 0, fmt.Errorf("kmeans: row %d has %d features, row 0 has %d", i, len(p), d)
		}
		for j, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf(
					"kmeans: row %d, feature %d is %v: values must be finite",
					i,
					j,
					v,
				)
			}
		}
	}
	return d, nil
}

func flatten(points [][]float64, d int) []float64 {
	data := make([]float64, 0, len(points)*d)
	for _, p := range points {
		data = append(data, p...)
	}
	return data
}

// standardize turns data into z-scores in place and returns the means and
// population standard deviations (1 for a constant feature).
func standardize(data []float64, d int) (mean, std []float64) {
	n := len(data) / d
	mean, std = make([]float64, d), make([]float64, d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			mean[j] += data[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			dv := data[i*d+j] - mean[j]
			std[j] += dv * dv
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if std[j] == 0 || math.IsInf(std[j], 0) {
			std[j] = 1
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			data[i*d+j] = (data[i*d+j] - mean[j]) / std[j]
		}
	}
	return mean, std
}

// sampleRows returns the rows the silhouette is computed on: all of them, or
// SilhouetteSample drawn with the seed, ascending.
func sampleRows(n int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, math.MaxUint64))
	rows := rng.Perm(n)
	if n > SilhouetteSample {
		rows = rows[:SilhouetteSample]
	}
	slices.Sort(rows)
	return rows
}

// bestOfRestarts runs opt.Restarts seeded k-means++ runs in parallel and
// keeps the one of least inertia (the first on a tie).
func bestOfRestarts(data []float64, d, k int, opt Options) (*fit, error) {
	tol := tolerance * meanVariance(data, d)
	fits := make([]*fit, opt.Restarts)
	errs := make([]error, opt.Restarts)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), opt.Restarts); w++ {
		wg.Go(func() {
			for r := range next {
				rng := rand.New(rand.NewPCG(opt.Seed, uint64(k)<<32|uint64(r)))
				fits[r], errs[r] = lloyd(data, d, k, opt.MaxIter, tol, rng)
			}
		})
	}
	for r := range fits {
		next <- r
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	best := fits[0]
	for _, f := range fits[1:] {
		if f.inertia < best.inertia {
			best = f
		}
	}
	return best, nil
}

// model renumbers f's clusters by size descending, then centroid, and
// returns them in original units.
func (f *fit) model(d int, mean, std []float64) *Model {
	k := len(f.sizes)
	m := &Model{K: k, Mean: mean, Std: std, Inertia: f.inertia, Silhouette: f.silhouette}
	for c := 0; c < k; c++ {
		cen := slices.Clone(f.centers[c*d : (c+1)*d])
		if std != nil {
			for j := range cen {
				cen[j] = cen[j]*std[j] + mean[j]
			}
		}
		m.Centroids = append(m.Centroids, cen)
	}
	order := make([]int, k)
	for c := range order {
		order[c] = c
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(f.sizes[b], f.sizes[a]); c != 0 {
			return c
		}
		return slices.Compare(m.Centroids[a], m.Centroids[b])
	})
	cents := make([][]float64, k)
	m.Sizes = make([]int, k)
	for to, from := range order {
		cents[to] = m.Centroids[from]
		m.Sizes[to] = f.sizes[from]
	}
	m.Centroids = cents
	return m
}
