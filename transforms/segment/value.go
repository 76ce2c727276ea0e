package segment

import (
	"fmt"
	"slices"
)

// valueCuts are the thresholds of the value segments.
type valueCuts struct {
	// Min[d-1] is the least gmv_fen of decile d or better: a buyer's decile is the first d with
	// gmv_fen >= Min[d-1].
	Min []int64
	// Top20Min is the gmv_fen of the buyer ranked ceil(20% of buyers) from the top: the buyers
	// reaching it are the top fifth (a little more when several share that value).
	Top20Min int64
	// Buyers is the number of buyers.
	Buyers int64
}

// deciles is the number of value segments.
const deciles = 10

// cutValues computes the deciles of the buyers' gmv_fen values (sorted in place, descending).
// A buyer's decile is 1 + floor(10 * G / N), G the buyers with a strictly higher gmv_fen and N
// all buyers: 1 is the top tenth, equal values share a decile, and a decile left empty by ties
// is skipped.
func cutValues(gmv []int64) valueCuts {
	slices.SortFunc(gmv, func(a, b int64) int { return int(sign(b - a)) })
	n := int64(len(gmv))
	c := valueCuts{Min: make([]int64, deciles), Buyers: n}
	if n > 0 {
		c.Top20Min = gmv[(n*2+9)/10-1]
	}
	for i, v := range gmv {
		if i > 0 && gmv[i-1] == v {
			continue
		}
		for d := 1 + int64(i)*deciles/n; d <= deciles; d++ {
			c.Min[d-1] = v
		}
	}
	return c
}

func sign(v int64) int64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// decile is the value decile of a buyer's gmv_fen, 1 (top) to 10.
func (c valueCuts) decile(gmv int64) int {
	for d, m := range c.Min {
		if gmv >= m {
			return d + 1
		}
	}
	return deciles
}

// decileName is the segment name of value decile d.
func decileName(d int) string { return fmt.Sprintf("value_decile_%02d", d) }

// top20Name is the value segment of the top fifth of buyers: its gmv_share is the 80/20 figure.
const top20Name = "value_top_20pct"
