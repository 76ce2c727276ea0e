package report

import (
	"math"
)

// bin is one bar of a histogram of amounts in minor units: [Lo, Hi), or everything from Lo up when
// Open.
type bin struct {
	Lo, Hi int64
	Open   bool
	Count  int64
}

// label names the bin in the currency: ¥100 – ¥200, or ≥ ¥2,000 for the open last bin.
func (b bin) label() string {
	if b.Open {
		return "≥ " + amountShort(b.Lo)
	}
	return amountShort(b.Lo) + " – " + amountShort(b.Hi)
}

// amountShort drops the minor unit of a whole amount: ¥1,200 rather than ¥1,200.00.
func amountShort(minor int64) string {
	scale := money.perMajor()
	if minor%scale == 0 {
		if minor < 0 {
			return "-" + money.Symbol + count(-minor/scale)
		}
		return money.Symbol + count(minor/scale)
	}
	return amount(minor)
}

// histogram bins sorted amounts in about `bins` bars of a round width (1, 2 or 5 times a power of
// ten fen) from 0 (or the smallest value, when negative) to the 99th percentile; values above the
// last bar go to one open bar, so that a few very large values do not squash the rest.
func histogram(sorted []int64, bins int) []bin {
	n := len(sorted)
	if n == 0 {
		return nil
	}
	bins = max(bins, 1)
	top := quantile(sorted, 0.99)
	start := min(0, sorted[0])
	width := niceWidth(float64(top-start) / float64(bins))
	start = floorTo(start, width)
	regular := int((top-start)/width) + 1
	out := make([]bin, regular)
	for i := range out {
		out[i] = bin{Lo: start + int64(i)*width, Hi: start + int64(i+1)*width}
	}
	end := out[regular-1].Hi
	if sorted[n-1] >= end {
		out = append(out, bin{Lo: end, Open: true})
	}
	for _, v := range sorted {
		out[min(int((v-start)/width), len(out)-1)].Count++
	}
	return out
}

// niceWidth is the smallest width of 1, 2 or 5 times a power of ten that is at least raw (and 1).
func niceWidth(raw float64) int64 {
	if raw <= 1 {
		return 1
	}
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if float64(m*p) >= raw {
				return m * p
			}
		}
		if p > math.MaxInt64/100 {
			return p * 10
		}
	}
}

// floorTo rounds v down to a multiple of step.
func floorTo(v, step int64) int64 {
	q := v / step
	if v%step != 0 && v < 0 {
		q--
	}
	return q * step
}

// quantile is the nearest-rank q-quantile of sorted values (q in (0, 1]).
func quantile(sorted []int64, q float64) int64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
