package sentiment

import (
	"strings"
	"testing"
)

// BenchmarkTrainReviews trains on the labelled shopping reviews repeated to
// a million texts (about 58 characters on average) and reports reviews per
// second.
func BenchmarkTrainReviews(b *testing.B) {
	texts, labels := loadReviews(b)
	x := make([]string, 0, 1_000_000)
	y := make([]bool, 0, 1_000_000)
	for i := 0; len(x) < cap(x); i++ {
		x, y = append(x, texts[i%len(texts)]), append(y, labels[i%len(texts)])
	}
	benchmarkTrain(b, x, y)
}

// BenchmarkTrainSynthetic trains on 200,000 generated texts of 5 to 120
// characters drawn from 3,000 CJK characters, needing no data file.
func BenchmarkTrainSynthetic(b *testing.B) {
	x, y := synthetic(200_000)
	benchmarkTrain(b, x, y)
}

// BenchmarkPositive scores generated texts one at a time.
func BenchmarkPositive(b *testing.B) {
	x, y := synthetic(20_000)
	m, err := Train(x, y, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		m.Positive(x[i%len(x)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}

func benchmarkTrain(b *testing.B, x []string, y []bool) {
	b.ResetTimer()
	for range b.N {
		if _, err := Train(x, y, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds(), "reviews/s")
}

// synthetic returns n generated texts: characters of a seeded generator,
// the positive ones with a praise and the others with a blame.
func synthetic(n int) ([]string, []bool) {
	state := uint64(1)
	next := func(k int) int {
		state += 0x9e3779b97f4a7c15
		return int(fmix64(state) % uint64(k))
	}
	texts := make([]string, n)
	positive := make([]bool, n)
	var s strings.Builder
	for i := range texts {
		s.Reset()
		for range 5 + next(115) {
			s.WriteRune(rune(0x4e00 + next(3000)))
		}
		positive[i] = next(2) == 0
		if positive[i] {
			s.WriteString(praises[next(len(praises))])
		} else {
			s.WriteString(blames[next(len(blames))])
		}
		texts[i] = s.String()
	}
	return texts, positive
}
