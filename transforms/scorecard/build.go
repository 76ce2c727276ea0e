package scorecard

import (
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/portrait"
)

// Inputs are the scorecard stage's inputs.
type Inputs struct {
	// Portraits are the night's scored portraits (schemas.Portrait): the histograms are cut from
	// them.
	Portraits beam.PCollection
	// Again gives the portraits once more as soon as some collections are complete (see
	// portrait.Again): the grading waits for the card and takes them from there, so no runner
	// holds them meanwhile. nil: Portraits, held by the runner (small inputs only).
	Again portrait.Again
}

// Output is what Build gives.
type Output struct {
	// Graded are the portraits with their four grades set.
	Graded beam.PCollection
	// Card is the night's cut points: exactly one Card.
	Card beam.PCollection
	// Again gives the graded portraits once more as soon as some collections are complete, for a
	// step that waits for a model fitted on them.
	Again portrait.Again
}

// Build cuts the night's histograms of every portrait into the Card, on one worker (a few
// kilobytes), and grades the portraits with it, the card a side input of one element.
func Build(s beam.Scope, in Inputs) Output {
	s = s.Scope("scorecard.Build")
	again := in.Again
	if again == nil {
		again = func(beam.Scope, ...beam.PCollection) beam.PCollection { return in.Portraits }
	}
	stats := beam.Combine(s, &statsFn{}, in.Portraits)
	card := beam.ParDo(s, cardOf, beam.Impulse(s), beam.SideInput{Input: stats})
	grade := func(s beam.Scope, after ...beam.PCollection) beam.PCollection {
		after = append(after[:len(after):len(after)], card)
		return beam.ParDo(s, &gradeFn{}, again(s, after...), beam.SideInput{Input: card})
	}
	return Output{
		Graded: grade(s),
		Card:   card,
		Again: func(s beam.Scope, after ...beam.PCollection) beam.PCollection {
			return grade(s.Scope("scorecard.Again"), after...)
		},
	}
}

// statsFn sums the portraits' histograms.
type statsFn struct{}

func (statsFn) CreateAccumulator() *Stats { return NewStats() }

func (statsFn) AddInput(s *Stats, p schemas.Portrait) *Stats {
	s.Add(&p)
	return s
}

func (statsFn) MergeAccumulators(a, b *Stats) *Stats {
	a.Merge(b)
	return a
}

func (statsFn) ExtractOutput(s *Stats) *Stats { return s }

// cardOf cuts the card once, from an impulse, so that there is one even without portraits.
func cardOf(_ []byte, stats func(**Stats) bool, emit func(Card)) {
	all := NewStats()
	var part *Stats
	for stats(&part) {
		all.Merge(part)
	}
	emit(all.Card())
}

// gradeFn sets each portrait's grades from the card.
type gradeFn struct {
	card *Card
}

func (f *gradeFn) ProcessElement(
	p schemas.Portrait,
	cards func(*Card) bool,
	emit func(schemas.Portrait),
) error {
	if f.card == nil {
		c := &Card{}
		if !cards(c) {
			return fmt.Errorf("scorecard: no card")
		}
		f.card = c
	}
	f.card.Apply(&p)
	emit(p)
	return nil
}

func init() {
	register.Combiner3[*Stats, schemas.Portrait, *Stats](&statsFn{})
	register.Function3x0(cardOf)
	fnreg.DoFn3x1[schemas.Portrait, func(*Card) bool, func(schemas.Portrait), error](&gradeFn{})
	register.Function1x2(encodeStats)
	register.Function1x2(decodeStats)
	register.Emitter1[Card]()
	register.Emitter1[schemas.Portrait]()
	register.Iter1[*Stats]()
	register.Iter1[Card]()
	beam.RegisterCoder(reflect.TypeOf((*Stats)(nil)), encodeStats, decodeStats)
	beam.RegisterType(reflect.TypeOf(Card{}))
}
