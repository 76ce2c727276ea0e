package scorecard

import (
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/shopportraits/portraits/schemas"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// TestBuild grades the population in a pipeline: every buyer graded, five fifths of contribution,
// one card.
func TestBuild(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	out := Build(s, Inputs{Portraits: beam.CreateList(s, population())})
	grades := beam.ParDo(s, contributionOf, out.Graded)
	passert.Count(s, out.Card, "cards", 1)
	want := []any{int32(0)}
	for g := int32(1); g <= 5; g++ {
		for range 20 {
			want = append(want, g)
		}
	}
	passert.Equals(s, grades, want...)
	ptest.RunAndValidate(t, p)
}

func contributionOf(p schemas.Portrait) int32 { return p.ContributionGrade }

func init() { beam.RegisterFunction(contributionOf) }
