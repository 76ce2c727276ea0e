package segment

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
)

// ActivationStage is the quality stage of the activation counts; their source is
// segment:<name>.
const ActivationStage = "activation"

// activateFn decides, for a person who matched activated segments, in which audiences they go
// (activation rows and CSV lines keyed by segment) and why not in the others (quality counts),
// and gives each decision keyed by the person, for the audience changes.
type activateFn struct {
	WeeklyCap int

	counts quality.Tally
}

func (f *activateFn) ProcessElement(
	_ context.Context,
	person string,
	cands func(*candidate) bool,
	phones func(*phoneRec) bool,
	rows func(schemas.Activation),
	_ func(string, int64),
	lines func(string, string),
	decisions func(string, status),
) {
	var c candidate
	if !cands(&c) {
		return // a person with a phone but no activated segment
	}
	var p phoneRec
	hasPhone := phones(&p)
	if f.counts == nil {
		f.counts = quality.Tally{}
	}
	for _, d := range decide(c, hasPhone, f.WeeklyCap) {
		source := "segment:" + d.Segment
		f.counts.Add(quality.Key{Source: source, Stage: ActivationStage, Measure: quality.In}, 1)
		if d.Reason != "" {
			f.counts.Add(
				quality.Key{
					Source:  source,
					Stage:   ActivationStage,
					Measure: quality.Rejected,
					Reason:  d.Reason,
				},
				1,
			)
			decisions(person, status{Segment: d.Segment, Reason: d.Reason})
			continue
		}
		f.counts.Add(quality.Key{Source: source, Stage: ActivationStage, Measure: quality.Out}, 1)
		rows(
			schemas.Activation{
				PersonID:    person,
				Segment:     d.Segment,
				Priority:    d.Priority,
				Slot:        d.Slot,
				PhoneMD5:    p.MD5,
				PhoneSHA256: p.SHA256,
			},
		)
		line := audienceLine(p.MD5, p.SHA256)
		lines(d.Segment, line)
		decisions(person, status{Segment: d.Segment, Line: line})
	}
}

func (f *activateFn) FinishBundle(ctx context.Context, _ func(schemas.Activation),
	counts func(string, int64),
	_ func(string, string), _ func(string, status)) {
	f.counts.Emit(ctx, counts)
}

func init() {
	fnreg.DoFn8x0[context.Context, string, func(*candidate) bool, func(*phoneRec) bool,
		func(schemas.Activation), func(string, int64), func(string, string),
		func(string, status)](&activateFn{})
	register.Iter1[candidate]()
	register.Emitter1[schemas.Activation]()
	register.Emitter2[string, int64]()
}
