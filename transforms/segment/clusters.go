package segment

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/segment/kmeans"
	"github.com/shopportraits/portraits/transforms/settle"
)

// sampled is one person's model features in the training sample.
type sampled struct {
	Hash   uint64
	Person string
	X      []float64
}

// sampleAcc keeps the persons of least hash, at most N, sorted by hash then person id.
type sampleAcc struct {
	Rows []sampled
}

// fitClusters trains k-means on a seeded sample of at most cfg.Sample portraits, in one step on
// one worker (about 100 bytes a sampled person), and returns the model as a JSON string; no
// model when there are fewer than two persons.
func fitClusters(s beam.Scope, portraits beam.PCollection, cfg ClusterConfig) beam.PCollection {
	s = s.Scope("clusters.Fit")
	rows := beam.ParDo(s, &sampleRowFn{Seed: cfg.Seed, Features: cfg.Features}, portraits)
	sample := beam.Combine(s, &sampleFn{N: cfg.Sample}, rows)
	return beam.ParDo(s, &fitFn{Cfg: cfg}, sample)
}

// sampleRowFn computes a portrait's model features and its sampling hash.
type sampleRowFn struct {
	Seed     uint64
	Features string
}

func (f *sampleRowFn) ProcessElement(p schemas.Portrait) sampled {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatUint(f.Seed, 10) + "\x00" + p.PersonID))
	return sampled{Hash: h.Sum64(), Person: p.PersonID, X: clusterFeatures(&p, f.Features)}
}

// sampleFn keeps the N sampled rows of least hash: the same persons whatever the bundling.
type sampleFn struct {
	N int
}

func (f *sampleFn) CreateAccumulator() sampleAcc { return sampleAcc{} }

func (f *sampleFn) AddInput(a sampleAcc, r sampled) sampleAcc {
	a.Rows = append(a.Rows, r)
	if len(a.Rows) >= 2*f.N {
		a = f.trim(a)
	}
	return a
}

func (f *sampleFn) MergeAccumulators(a, b sampleAcc) sampleAcc {
	return f.trim(sampleAcc{Rows: append(a.Rows, b.Rows...)})
}

func (f *sampleFn) ExtractOutput(a sampleAcc) sampleAcc { return f.trim(a) }

// trim sorts the rows by hash, then person id, and keeps the first N.
func (f *sampleFn) trim(a sampleAcc) sampleAcc {
	slices.SortFunc(a.Rows, func(x, y sampled) int {
		if c := cmp.Compare(x.Hash, y.Hash); c != 0 {
			return c
		}
		return cmp.Compare(x.Person, y.Person)
	})
	a.Rows = slices.Clip(a.Rows[:min(len(a.Rows), f.N)])
	return a
}

// fitFn fits the model on the sample, k capped by the distinct points.
type fitFn struct {
	Cfg ClusterConfig
}

// clusterModel is the fitted model, the feature set it was fitted on and the size of its
// training sample.
type clusterModel struct {
	kmeans.Model
	Features     string
	TrainingSize int
	Labels       []string
}

func (f *fitFn) ProcessElement(a sampleAcc, emit func(string)) error {
	points := make([][]float64, len(a.Rows))
	distinct := map[string]bool{}
	for i, r := range a.Rows {
		points[i] = r.X
		distinct[fmt.Sprint(r.X)] = true
	}
	if len(points) < 2 {
		return nil
	}
	opt := kmeans.Options{K: f.Cfg.K, KMin: f.Cfg.KMin, KMax: f.Cfg.KMax, Restarts: f.Cfg.Restarts,
		Seed: f.Cfg.Seed, Standardize: true}
	d := len(distinct)
	switch {
	case d == 1:
		opt.K = 1
	case opt.K > 0:
		opt.K = min(opt.K, d)
	default:
		opt.KMin, opt.KMax = min(opt.KMin, d), min(opt.KMax, d)
	}
	m, err := kmeans.Fit(points, opt)
	if err != nil {
		return fmt.Errorf("segment: clustering %d persons: %w", len(points), err)
	}
	var names []string
	if f.Cfg.Features == FeaturesGrades {
		names = uniqueLabels(m.Centroids, gradeLabel)
	} else {
		names = labels(m.Centroids, m.Mean, m.Std)
	}
	data, err := json.Marshal(
		clusterModel{Model: *m, Features: f.Cfg.Features, TrainingSize: len(points),
			Labels: names},
	)
	if err != nil {
		return fmt.Errorf("segment: encoding the cluster model: %w", err)
	}
	emit(string(data))
	return nil
}

// readModel decodes the model side input; nil when there is none.
func readModel(iter func(*string) bool) (*clusterModel, error) {
	var data string
	if !iter(&data) {
		return nil, nil
	}
	var m clusterModel
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, fmt.Errorf("segment: decoding the cluster model: %w", err)
	}
	return &m, nil
}

// profileAcc sums one cluster's members' raw features in thousandths, as integers: float sums
// depend on the order the runner adds them in, and the profiles must not change between reruns.
type profileAcc struct {
	N   int64
	Sum []int64
}

// profileScale is the fixed point of profileAcc's sums: a GMV of 10^10 fen for each of 10^6
// persons still fits an int64.
const profileScale = 1000

// memberProfile is one member's contribution to its cluster's profile.
func memberProfile(raw []float64) profileAcc {
	a := profileAcc{N: 1, Sum: make([]int64, len(raw))}
	for j, v := range raw {
		a.Sum[j] = int64(math.Round(v * profileScale))
	}
	return a
}

func addProfiles(a, b profileAcc) profileAcc {
	if a.Sum == nil {
		a.Sum = make([]int64, nFeatures+nGrades)
	}
	out := profileAcc{N: a.N + b.N, Sum: slices.Clone(a.Sum)}
	for j, v := range b.Sum {
		out.Sum[j] += v
	}
	return out
}

// assignClusters puts every portrait in its nearest cluster (the model a side input of every
// worker) and writes the cluster_profiles rows from the members' sums.
func assignClusters(
	s beam.Scope,
	portraits, model beam.PCollection,
) (members, profiles beam.PCollection) {
	s = s.Scope("clusters.Assign")
	members, parts := beam.ParDo2(
		s,
		&assignFn{},
		portraits,
		beam.SideInput{Input: settle.Whole(s, model)},
	)
	sums := beam.CombinePerKey(s, addProfiles, parts)
	profiles = beam.ParDo(
		s,
		&profileFn{},
		beam.Impulse(s),
		beam.SideInput{Input: model},
		beam.SideInput{Input: sums},
	)
	return members, profiles
}

// assignFn assigns portraits to clusters and sums each cluster's raw features per bundle.
type assignFn struct {
	model *clusterModel
	sums  map[int]profileAcc
}

func (f *assignFn) ProcessElement(
	p schemas.Portrait,
	model func(*string) bool,
	members func(member),
	_ func(int, profileAcc),
) error {
	if f.model == nil {
		m, err := readModel(model)
		if err != nil || m == nil {
			return err
		}
		f.model = m
	}
	if f.sums == nil {
		f.sums = map[int]profileAcc{}
	}
	x := clusterFeatures(&p, f.model.Features)
	c := f.model.Assign(x) + 1
	if c < 1 {
		return fmt.Errorf("segment: person %s: features %v fit no cluster", p.PersonID, x)
	}
	members(newMember(&p, KindCluster, clusterName(c)))
	f.sums[c] = addProfiles(f.sums[c], memberProfile(profileFeatures(&p)))
	return nil
}

func (f *assignFn) FinishBundle(_ func(*string) bool, _ func(member), parts func(int, profileAcc)) {
	for c, a := range f.sums {
		parts(c, a)
	}
	f.sums = nil
}

// profileFn writes one cluster_profiles row per cluster, in cluster order.
type profileFn struct{}

func (profileFn) ProcessElement(
	_ []byte,
	model func(*string) bool,
	sums func(*int, *profileAcc) bool,
	emit func(schemas.ClusterProfile),
) error {
	m, err := readModel(model)
	if err != nil || m == nil {
		return err
	}
	byCluster := map[int]profileAcc{}
	var persons int64
	var c int
	var a profileAcc
	for sums(&c, &a) {
		byCluster[c] = a
		persons += a.N
	}
	for c := 1; c <= m.K; c++ {
		a := byCluster[c]
		mean := make([]float64, nFeatures+nGrades)
		for j := range mean {
			if a.N > 0 {
				mean[j] = float64(a.Sum[j]) / profileScale / float64(a.N)
			}
		}
		emit(
			schemas.ClusterProfile{
				Cluster: int32(c),
				Segment: clusterName(c),
				Label:   m.Labels[c-1],
				Size:    a.N,
				Share: ratio(
					float64(a.N),
					float64(persons),
				),
				K:          int32(m.K),
				Silhouette: m.Silhouette,
				TrainingSize: int64(
					m.TrainingSize,
				),
				Frequency:          mean[fFrequency],
				RecencyDays:        mean[fRecency],
				MonetaryValueFen:   mean[fMonetary],
				GMVFen:             mean[fGMV],
				ActiveDays30d:      mean[fActive30],
				Sessions:           mean[fSessions],
				DiscountOrderShare: mean[fDiscount],
				DaysSinceLastSeen:  mean[fSinceSeen],
				Features: cmp.Or(
					m.Features,
					FeaturesBehaviour,
				),
				ContributionGrade: mean[nFeatures+gContribution],
				ActivityGrade:     mean[nFeatures+gActivity],
				LoyaltyGrade:      mean[nFeatures+gLoyalty],
				CreditGrade:       mean[nFeatures+gCredit],
			},
		)
	}
	return nil
}

func init() {
	beam.RegisterType(typeOf[sampled]())
	beam.RegisterType(typeOf[sampleAcc]())
	beam.RegisterType(typeOf[profileAcc]())
	fnreg.DoFn1x1[schemas.Portrait, sampled](&sampleRowFn{})
	register.Combiner3[sampleAcc, sampled, sampleAcc](&sampleFn{})
	fnreg.DoFn2x1[sampleAcc, func(string), error](&fitFn{})
	register.Function2x1(addProfiles)
	fnreg.DoFn4x1[schemas.Portrait, func(*string) bool, func(member), func(int, profileAcc), error](
		&assignFn{},
	)
	fnreg.DoFn4x1[[]byte, func(*string) bool, func(*int, *profileAcc) bool,
		func(schemas.ClusterProfile), error](
		&profileFn{},
	)
	register.Emitter1[string]()
	register.Emitter2[int, profileAcc]()
	register.Emitter1[schemas.ClusterProfile]()
	register.Iter2[int, profileAcc]()
}
