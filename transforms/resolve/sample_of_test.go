package resolve

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

// sampleText renders a sample: its counts and, per model and side, the keys in order.
func sampleText(smp sample) string {
	var b strings.Builder
	fmt.Fprint(&b, smp.Counts)
	for m := range models {
		for _, side := range [][]candidate{smp.Weak[m], smp.Accounts[m]} {
			b.WriteString(" |")
			for _, c := range side {
				b.WriteString(" " + c.Key)
			}
		}
	}
	return b.String()
}

// TestSampleOfCollections draws the same sample from three collections sampled apart and merged
// as from their flatten in one combine, with more candidates per model and side than it keeps.
func TestSampleOfCollections(t *testing.T) {
	var cols [3][]candidate
	for i := range 3 * sampleSize * 2 {
		c := candidate{
			Model: int8(i % len(models)),
			Weak:  i%5 < 2,
			Key:   fmt.Sprintf("k%05d", i%(2*sampleSize*2)),
		}
		cols[i%3] = append(cols[i%3], c)
	}
	p, s := beam.NewPipelineWithRoot()
	in := []beam.PCollection{
		beam.CreateList(s, cols[0]),
		beam.CreateList(s, cols[1]),
		beam.CreateList(s, cols[2]),
	}
	want := beam.ParDo(
		s,
		sampleText,
		beam.Combine(s, &sampleFn{K: sampleSize}, beam.Flatten(s, in...)),
	)
	got := beam.ParDo(s, sampleText, sampleOf(s, in...))
	passert.Equals(s, got, want)
	ptest.RunAndValidate(t, p)
}

func init() {
	register.Function1x1(sampleText)
}
