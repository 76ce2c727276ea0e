package segment

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/settle"
)

// valueCutsOf cuts the value deciles of the portraits' buyers (orders > 0) by gmv_fen. The
// deciles need every buyer's gmv_fen on one worker: 8 bytes a buyer, 80 MB at ten million buyers.
func valueCutsOf(s beam.Scope, portraits beam.PCollection) beam.PCollection {
	s = s.Scope("values.Cut")
	return beam.Combine(s, &cutsFn{}, beam.ParDo(s, buyerGMV, portraits))
}

// values puts every buyer in its value decile of cuts, and the top fifth in value_top_20pct.
func values(s beam.Scope, portraits, cuts beam.PCollection) beam.PCollection {
	return beam.ParDo(
		s.Scope("values"),
		&valueFn{},
		portraits,
		beam.SideInput{Input: settle.Whole(s, cuts)},
	)
}

func buyerGMV(p schemas.Portrait, emit func(int64)) {
	if p.Orders > 0 {
		emit(p.GMVFen)
	}
}

// gmvAcc holds buyers' gmv_fen values.
type gmvAcc struct{ V []int64 }

// cutsFn gathers every buyer's gmv_fen and cuts the deciles.
type cutsFn struct{}

func (cutsFn) CreateAccumulator() gmvAcc            { return gmvAcc{} }
func (cutsFn) AddInput(a gmvAcc, v int64) gmvAcc    { a.V = append(a.V, v); return a }
func (cutsFn) MergeAccumulators(a, b gmvAcc) gmvAcc { a.V = append(a.V, b.V...); return a }
func (cutsFn) ExtractOutput(a gmvAcc) valueCuts     { return cutValues(a.V) }

// valueFn emits the value segments of a buyer; the cuts are read once per worker.
type valueFn struct {
	cuts *valueCuts
}

func (f *valueFn) ProcessElement(
	p schemas.Portrait,
	cuts func(*valueCuts) bool,
	emit func(member),
) {
	if f.cuts == nil {
		var c valueCuts
		if !cuts(&c) {
			return // no buyers
		}
		f.cuts = &c
	}
	if p.Orders <= 0 {
		return
	}
	emit(newMember(&p, KindValue, decileName(f.cuts.decile(p.GMVFen))))
	if p.GMVFen >= f.cuts.Top20Min {
		emit(newMember(&p, KindValue, top20Name))
	}
}

func init() {
	beam.RegisterType(typeOf[gmvAcc]())
	beam.RegisterType(typeOf[valueCuts]())
	register.Function2x0(buyerGMV)
	register.Combiner3[gmvAcc, int64, valueCuts](&cutsFn{})
	fnreg.DoFn3x0[schemas.Portrait, func(*valueCuts) bool, func(member)](&valueFn{})
	register.Emitter1[int64]()
	register.Iter1[valueCuts]()
}
