package fanin

import (
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

func double(n int) int { return 2 * n }

// TestParDo runs the DoFn on every collection and gives every result once.
func TestParDo(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	got := ParDo(s, double, beam.Create(s, 1, 2), beam.Create(s, 3), beam.Create(s, 4, 5))
	passert.Equals(s, got, 2, 4, 6, 8, 10)
	one := ParDo(s, double, beam.Create(s, 7))
	passert.Equals(s, one, 14)
	ptest.RunAndValidate(t, p)
}

func init() {
	register.Function1x1(double)
}
