package quality

import (
	"fmt"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// pairs makes n (key, 1) pairs per key, as a DoFn that counts per element emits them.
func pairs(s beam.Scope, n int, keys ...string) beam.PCollection {
	var kvs []pairKV
	for _, k := range keys {
		for range n {
			kvs = append(kvs, pairKV{Key: k, N: 1})
		}
	}
	return beam.ParDo(s, fromPairKV, beam.CreateList(s, kvs))
}

type pairKV struct {
	Key string
	N   int64
}

func fromPairKV(p pairKV) (string, int64) { return p.Key, p.N }

// fewerThanIn says the 1,600 pairs in left as fewer: summed per bundle.
func fewerThanIn(n int) bool { return n < 1600 }

func pairText(k string, n int64) string { return fmt.Sprintf("%s=%d", k, n) }

// TestFlattenSums folds per-element pairs of several streams per bundle: each key's total is kept,
// and fewer pairs leave than came in.
func TestFlattenSums(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	all := Flatten(s, pairs(s, 500, "a", "b"), pairs(s, 300, "b", "c"))
	passert.Equals(s, beam.ParDo(s, pairText, stats.SumPerKey(s, all)), "a=500", "b=800", "c=300")
	passert.True(s, stats.CountElms(s, beam.DropValue(s, all)), fewerThanIn)
	ptest.RunAndValidate(t, p)
}

func init() {
	register.Function1x2(fromPairKV)
	register.Function2x1(pairText)
	register.Function1x1(fewerThanIn)
}
