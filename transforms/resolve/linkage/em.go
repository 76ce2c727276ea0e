package linkage

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Params are the Fellegi-Sunter parameters: for each field f and level l, M[f][l] is
// P(level l | match) and U[f][l] is P(level l | non-match); Lambda is the share of matches among
// the candidate pairs.
type Params struct {
	// Fields names the fields.
	Fields []string
	// Levels names each field's levels.
	Levels [][]string
	// M holds the m probabilities.
	M [][]float64
	// U holds the u probabilities.
	U [][]float64
	// Lambda is the match share.
	Lambda float64
}

// probFloor keeps probabilities, and so match weights, finite.
const probFloor = 1e-9

// Weight returns the match weight log2(m/u) of a field level.
func (p *Params) Weight(field, level int) float64 {
	return math.Log2(
		math.Max(p.M[field][level], probFloor) / math.Max(p.U[field][level], probFloor),
	)
}

// Clone returns a deep copy.
func (p *Params) Clone() *Params {
	c := &Params{Fields: p.Fields, Levels: p.Levels, Lambda: p.Lambda}
	for f := range p.M {
		c.M = append(c.M, slices.Clone(p.M[f]))
		c.U = append(c.U, slices.Clone(p.U[f]))
	}
	return c
}

// DefaultM returns starting m probabilities for a field with n levels (closest first, "else"
// last): most mass on exact agreement, decreasing geometrically, so that EM's first class is
// the one that agrees.
func DefaultM(n int) []float64 {
	m := make([]float64, n)
	if n == 1 {
		m[0] = 1
		return m
	}
	m[0] = 0.8
	rest := 0.2
	for l := 1; l < n; l++ {
		if l == n-1 {
			m[l] = rest
			break
		}
		m[l] = rest / 2
		rest /= 2
	}
	return m
}

// InitialParams returns starting parameters: u from the level frequencies of EM.RandomPairs
// random record pairs, or of every pair when there are no more than that (nearly all
// non-matches; add-one smoothed), m from DefaultM, and Lambda from
// EM.InitialMatchShare. It returns the number of random pairs used.
func (l *Linker) InitialParams(recs []Record) (*Params, int) {
	p := &Params{Lambda: l.cfg.EM.InitialMatchShare, Levels: l.Levels()}
	for _, f := range l.cfg.Fields {
		p.Fields = append(p.Fields, f.Name)
	}
	counts := make([][]float64, len(p.Levels))
	for f, lv := range p.Levels {
		counts[f] = make([]float64, len(lv))
		p.M = append(p.M, DefaultM(len(lv)))
	}
	add := func(a, b int) {
		for f, c := range l.comparators {
			if lv := c.Compare(recs[a].Values[f], recs[b].Values[f]); lv != Missing {
				counts[f][lv]++
			}
		}
	}
	n := 0
	if all := int64(len(recs)) * int64(len(recs)-1) / 2; all <= int64(l.cfg.EM.RandomPairs) {
		// Few records: every pair, exactly.
		for a := range recs {
			for b := a + 1; b < len(recs); b++ {
				add(a, b)
			}
		}
		n = int(all)
	} else {
		rng := rand.New(rand.NewPCG(l.cfg.EM.Seed, 0x6c696e6b))
		n = l.cfg.EM.RandomPairs
		for k := 0; k < n; k++ {
			a := rng.IntN(len(recs))
			b := rng.IntN(len(recs) - 1)
			if b >= a {
				b++
			}
			add(a, b)
		}
	}
	for f := range counts {
		total := 0.0
		for _, c := range counts[f] {
			total += c + 1
		}
		u := make([]float64, len(counts[f]))
		for lv, c := range counts[f] {
			u[lv] = (c + 1) / total
		}
		p.U = append(p.U, u)
	}
	return p, n
}

// EMStats reports an EM run.
type EMStats struct {
	// Pairs is the number of comparison vectors.
	Pairs int
	// Patterns is the number of distinct vectors.
	Patterns int
	// Iterations is the number of EM iterations run.
	Iterations int
	// Converged reports whether the last iteration moved no parameter more than the tolerance.
	Converged bool
	// MaxChange is the largest parameter change of the last iteration.
	MaxChange float64
}

// Pattern is a distinct comparison vector with the number of pairs that have it.
type Pattern struct {
	V     Vector
	Count float64
}

// Patterns folds comparison vectors into distinct patterns with counts, in first-seen order.
func Patterns(vectors []Vector) []Pattern {
	index := map[string]int{}
	var pats []Pattern
	for _, v := range vectors {
		k := string(vectorKey(v))
		i, ok := index[k]
		if !ok {
			i = len(pats)
			index[k] = i
			pats = append(pats, Pattern{V: v})
		}
		pats[i].Count++
	}
	return pats
}

// EM estimates the parameters from unlabelled comparison vectors by expectation-maximisation of the
// two-class mixture (matches and non-matches, fields independent within a class), starting from
// init, with PseudoCount smoothing. Missing levels carry no information. It stops when no m, u or
// Lambda value moves more than opts.Tolerance, or after opts.MaxIterations. With opts.FixU, u stays
// at init's values. init is not modified.
func EM(vectors []Vector, init *Params, opts EMConfig) (*Params, EMStats) {
	// Distinct vectors with counts: EM then costs O(patterns) per iteration, not O(pairs).
	return EMPatterns(Patterns(vectors), init, opts)
}

// EMPatterns is EM over distinct comparison vectors with their counts, as a distributed job
// aggregates them.
func EMPatterns(pats []Pattern, init *Params, opts EMConfig) (*Params, EMStats) {
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 100
	}
	if opts.Tolerance <= 0 {
		opts.Tolerance = 1e-6
	}
	total := 0.0
	for _, pt := range pats {
		total += pt.Count
	}
	st := EMStats{Pairs: int(total), Patterns: len(pats)}
	p := init.Clone()
	if len(pats) == 0 {
		st.Converged = true
		return p, st
	}
	mAcc := make([][]float64, len(p.M))
	uAcc := make([][]float64, len(p.U))
	for f := range p.M {
		mAcc[f] = make([]float64, len(p.M[f]))
		uAcc[f] = make([]float64, len(p.U[f]))
	}
	for it := 1; it <= opts.MaxIterations; it++ {
		for f := range mAcc {
			clear(mAcc[f])
			clear(uAcc[f])
		}
		matches := 0.0
		lambda := p.Lambda
		for _, pt := range pats {
			// E step, in logs to stay finite with many fields.
			lm, lu := math.Log(lambda), math.Log(1-lambda)
			for f, lv := range pt.V {
				if lv == Missing {
					continue
				}
				lm += math.Log(math.Max(p.M[f][lv], probFloor))
				lu += math.Log(math.Max(p.U[f][lv], probFloor))
			}
			w := 1 / (1 + math.Exp(lu-lm))
			matches += w * pt.Count
			for f, lv := range pt.V {
				if lv == Missing {
					continue
				}
				mAcc[f][lv] += w * pt.Count
				uAcc[f][lv] += (1 - w) * pt.Count
			}
		}
		// M step.
		change := 0.0
		move := func(dst *float64, v float64) {
			change = math.Max(change, math.Abs(*dst-v))
			*dst = v
		}
		move(&p.Lambda, clamp(matches/total))
		for f := range p.M {
			normalizeInto(p.M[f], mAcc[f], move)
			if !opts.FixU {
				normalizeInto(p.U[f], uAcc[f], move)
			}
		}
		st.Iterations, st.MaxChange = it, change
		if change < opts.Tolerance {
			st.Converged = true
			break
		}
	}
	return p, st
}

// PseudoCount is added to every level's expected count in EM's M step (add-one smoothing), so
// that a level never seen in one class gets a small probability instead of zero and match
// weights stay moderate when the candidate pairs separate perfectly.
const PseudoCount = 1.0

// normalizeInto sets dst to the smoothed acc divided by its sum, unless acc is all zero (the
// field was missing in every pair), in which case dst stays.
func normalizeInto(dst, acc []float64, move func(*float64, float64)) {
	sum := 0.0
	for _, a := range acc {
		sum += a
	}
	if sum <= 0 {
		return
	}
	sum += PseudoCount * float64(len(acc))
	for l, a := range acc {
		move(&dst[l], math.Max((a+PseudoCount)/sum, probFloor))
	}
}

func clamp(x float64) float64 {
	return math.Min(math.Max(x, probFloor), 1-probFloor)
}

func vectorKey(v Vector) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}
