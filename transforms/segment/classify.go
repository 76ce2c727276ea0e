package segment

import (
	"context"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/segment/rfm"
	"github.com/shopportraits/portraits/transforms/segment/rules"
)

// classifyFn puts each portrait in the all_persons row, its rule segments and its RFM segment,
// and sends a person who matched an activated segment on to activation.
type classifyFn struct {
	Rules []Rule

	progs   []*rules.Program
	unknown []beam.Counter
}

func (f *classifyFn) Setup() error {
	f.progs = make([]*rules.Program, len(f.Rules))
	f.unknown = make([]beam.Counter, len(f.Rules))
	for i, r := range f.Rules {
		// Persons a rule could not decide (a null value it needed, or a run-time error).
		f.unknown[i] = beam.NewCounter("segment", r.Name+".unknown")
		prg, err := rules.Compile(r.Expression)
		if err != nil {
			return fmt.Errorf("segment %q (line %d): expression: %w", r.Name, r.Line, err)
		}
		f.progs[i] = prg
	}
	return nil
}

func (f *classifyFn) ProcessElement(
	ctx context.Context,
	p schemas.Portrait,
	members func(member),
	candidates func(string, candidate),
) {
	members(newMember(&p, KindAll, allPersons))
	var c candidate
	for i, r := range f.Rules {
		ok, err := f.progs[i].Match(&p)
		if err != nil {
			f.unknown[i].Inc(ctx, 1)
		}
		if !ok {
			continue
		}
		members(newMember(&p, KindRule, r.Name))
		if r.Activate {
			c.Picks = append(c.Picks, pick{Segment: r.Name, Priority: int32(r.Priority)})
		}
	}
	if seg := rfmSegment(&p); seg != "" {
		members(newMember(&p, KindRFM, seg))
	}
	if len(c.Picks) > 0 {
		c.Consent = p.MarketingConsent && !p.Unsubscribed
		c.Complaints = p.OpenComplaints
		c.Touches7d = p.TouchesReceived7d
		candidates(p.PersonID, c)
	}
}

// rfmSegment is a buyer's RFM segment from the three scores; "" for a non-buyer.
func rfmSegment(p *schemas.Portrait) string {
	return rfm.Segment(int(p.RScore), int(p.FScore), int(p.MScore))
}

// tallyFn writes the membership rows (all but the all_persons row) and sums the members of each
// segment per bundle.
type tallyFn struct {
	sums map[string]stats
}

func (f *tallyFn) ProcessElement(
	m member,
	rows func(schemas.SegmentMembership),
	_ func(string, stats),
) {
	if f.sums == nil {
		f.sums = map[string]stats{}
	}
	k := statKey(m.Kind, m.Segment)
	f.sums[k] = f.sums[k].add(stats{Size: 1, GMV: m.GMV, CLV: m.CLV})
	if m.Kind != KindAll {
		rows(schemas.SegmentMembership{PersonID: m.Person, Segment: m.Segment, Kind: m.Kind})
	}
}

func (f *tallyFn) FinishBundle(_ func(schemas.SegmentMembership), parts func(string, stats)) {
	for k, s := range f.sums {
		parts(k, s)
	}
	f.sums = nil
}

func addStats(a, b stats) stats { return a.add(b) }

// summaryFn writes segment_summary once, from the summed stats and the cluster model.
type summaryFn struct {
	Rules    []Rule
	Previous []schemas.SegmentSummary
}

func (f *summaryFn) ProcessElement(
	_ []byte,
	sums func(*string, *stats) bool,
	model func(*string) bool,
	emit func(schemas.SegmentSummary),
) error {
	byKey := map[string]stats{}
	var k string
	var s stats
	for sums(&k, &s) {
		byKey[k] = s
	}
	m, err := readModel(model)
	if err != nil {
		return err
	}
	clusters := 0
	if m != nil {
		clusters = m.K
	}
	for _, r := range summarise(byKey, summaryRows(f.Rules, clusters), f.Previous) {
		emit(r)
	}
	return nil
}

func typeOf[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

func init() {
	fnreg.DoFn4x0[context.Context, schemas.Portrait, func(member), func(string, candidate)](
		&classifyFn{},
	)
	fnreg.DoFn3x0[member, func(schemas.SegmentMembership), func(string, stats)](&tallyFn{})
	fnreg.DoFn4x1[[]byte, func(*string, *stats) bool, func(*string) bool,
		func(schemas.SegmentSummary), error](
		&summaryFn{},
	)
	register.Function2x1(addStats)
	register.Emitter1[member]()
	register.Emitter2[string, candidate]()
	register.Emitter1[schemas.SegmentMembership]()
	register.Emitter2[string, stats]()
	register.Emitter1[schemas.SegmentSummary]()
	register.Iter2[string, stats]()
	register.Iter1[string]()
}
