package linkage

import (
	"math"
	"math/rand/v2"
	"testing"
)

// draw picks a level from a distribution.
func draw(rng *rand.Rand, p []float64) int8 {
	x := rng.Float64()
	for l, q := range p {
		if x < q {
			return int8(l)
		}
		x -= q
	}
	return int8(len(p) - 1)
}

// TestEMRecoversKnownParameters generates comparison vectors from a known mixture and checks
// that EM, started from u measured on "random pairs" (a non-match-heavy sample) and the default
// m, recovers m, u and the match share.
func TestEMRecoversKnownParameters(t *testing.T) {
	truth := &Params{
		Fields: []string{"name", "dob", "city"},
		Levels: [][]string{
			{"exact", "close", "else"},
			{"exact", "else"},
			{"exact", "a", "b", "else"},
		},
		M:      [][]float64{{0.85, 0.10, 0.05}, {0.92, 0.08}, {0.70, 0.15, 0.10, 0.05}},
		U:      [][]float64{{0.02, 0.08, 0.90}, {0.05, 0.95}, {0.10, 0.10, 0.20, 0.60}},
		Lambda: 0.2,
	}
	rng := rand.New(rand.NewPCG(7, 11))
	const n = 200000
	vectors := make([]Vector, n)
	for i := range vectors {
		probs := truth.U
		if rng.Float64() < truth.Lambda {
			probs = truth.M
		}
		v := make(Vector, len(probs))
		for f := range probs {
			v[f] = draw(rng, probs[f])
			if rng.Float64() < 0.05 {
				v[f] = Missing // missing values must not bias the estimates
			}
		}
		vectors[i] = v
	}
	// u from random pairs: a sample with almost no matches.
	init := &Params{Fields: truth.Fields, Levels: truth.Levels, Lambda: 0.1}
	for f := range truth.U {
		counts := make([]float64, len(truth.U[f]))
		for k := 0; k < 5000; k++ {
			probs := truth.U[f]
			if rng.Float64() < 0.001 {
				probs = truth.M[f]
			}
			counts[draw(rng, probs)]++
		}
		u := make([]float64, len(counts))
		for l := range counts {
			u[l] = counts[l] / 5000
		}
		init.U = append(init.U, u)
		init.M = append(init.M, DefaultM(len(truth.M[f])))
	}
	before := init.Clone()

	got, st := EM(vectors, init, EMConfig{MaxIterations: 500, Tolerance: 1e-6})
	if !st.Converged || st.MaxChange >= 1e-6 {
		t.Fatalf("EM did not converge: %+v", st)
	}
	if st.Pairs != n || st.Patterns > 3*2*4*2*2*2 {
		t.Errorf("stats %+v", st)
	}
	t.Logf("EM: %d iterations, %d patterns, lambda %.4f", st.Iterations, st.Patterns, got.Lambda)
	const tol = 0.01
	if math.Abs(got.Lambda-truth.Lambda) > tol {
		t.Errorf("lambda = %.4f, want %.4f", got.Lambda, truth.Lambda)
	}
	for f := range truth.M {
		for l := range truth.M[f] {
			if d := math.Abs(got.M[f][l] - truth.M[f][l]); d > tol {
				t.Errorf(
					"m[%s][%s] = %.4f, want %.4f",
					truth.Fields[f],
					truth.Levels[f][l],
					got.M[f][l],
					truth.M[f][l],
				)
			}
			if d := math.Abs(got.U[f][l] - truth.U[f][l]); d > tol {
				t.Errorf(
					"u[%s][%s] = %.4f, want %.4f",
					truth.Fields[f],
					truth.Levels[f][l],
					got.U[f][l],
					truth.U[f][l],
				)
			}
		}
	}
	if before.M[0][0] != init.M[0][0] || before.U[0][0] != init.U[0][0] {
		t.Error("EM modified its init")
	}

	// The weights follow: exact name agreement is strong evidence, disagreement against.
	if w := got.Weight(0, 0); math.Abs(w-math.Log2(0.85/0.02)) > 0.2 {
		t.Errorf("weight name exact = %.2f, want about %.2f", w, math.Log2(0.85/0.02))
	}
	w, p := got.Score(Vector{0, 0, 0})
	if w < 8 || p < 0.99 {
		t.Errorf("all-exact score = %.2f, %.4f", w, p)
	}
	w, p = got.Score(Vector{2, 1, 3})
	if w > -3 || p > 0.01 {
		t.Errorf("all-else score = %.2f, %.4f", w, p)
	}
	if w, _ := got.Score(Vector{Missing, Missing, Missing}); w != 0 {
		t.Errorf("all-missing weight = %v, want 0", w)
	}

	// With FixU, u stays where it started and m is still recovered.
	fixed, st := EM(vectors, init, EMConfig{MaxIterations: 500, Tolerance: 1e-6, FixU: true})
	if !st.Converged {
		t.Fatalf("EM with fixed u did not converge: %+v", st)
	}
	for f := range init.U {
		for l := range init.U[f] {
			if fixed.U[f][l] != init.U[f][l] {
				t.Fatalf("FixU moved u[%d][%d]", f, l)
			}
			if d := math.Abs(fixed.M[f][l] - truth.M[f][l]); d > 0.02 {
				t.Errorf("FixU: m[%d][%d] = %.4f, want %.4f", f, l, fixed.M[f][l], truth.M[f][l])
			}
		}
	}
}

func TestEMStopsAtMaxIterations(t *testing.T) {
	init := &Params{
		Levels: [][]string{{"exact", "else"}},
		M:      [][]float64{{0.9, 0.1}},
		U:      [][]float64{{0.5, 0.5}},
		Lambda: 0.5,
	}
	vectors := []Vector{{0}, {1}, {0}, {0}, {1}}
	_, st := EM(vectors, init, EMConfig{MaxIterations: 1, Tolerance: 1e-12})
	if st.Iterations != 1 || st.Converged {
		t.Errorf("stats %+v, want one unconverged iteration", st)
	}
	got, st := EM(nil, init, EMConfig{})
	if !st.Converged || got.Lambda != 0.5 {
		t.Errorf("no vectors: %+v %v", st, got.Lambda)
	}
}

func TestDefaultM(t *testing.T) {
	for n := 1; n <= 6; n++ {
		m := DefaultM(n)
		sum := 0.0
		for _, x := range m {
			sum += x
		}
		if math.Abs(sum-1) > 1e-12 || m[0] < 0.5 {
			t.Errorf("DefaultM(%d) = %v", n, m)
		}
	}
}
