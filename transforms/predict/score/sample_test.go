package score

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func sampleRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		id := fmt.Sprintf("P%04d", i)
		rows[i] = Row{
			PersonID: id,
			Key:      SampleKey(9, id),
			Buyer:    i%3 == 0,
			Bought:   i%5 == 0,
			X:        []float64{float64(i)},
		}
	}
	return rows
}

// smallest is the brute-force sample: the max rows of smallest key, sorted by id.
func smallest(rows []Row, max int) []Row {
	rows = slices.Clone(rows)
	slices.SortFunc(
		rows,
		func(a, b Row) int {
			return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.PersonID, b.PersonID))
		},
	)
	rows = rows[:min(max, len(rows))]
	slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.PersonID, b.PersonID) })
	return rows
}

// TestSampleIsTheSmallestKeysWhateverTheMerges: the kept persons are the same however the rows
// are split into accumulators and merged, and through the coder.
func TestSampleIsTheSmallestKeysWhateverTheMerges(t *testing.T) {
	rows := sampleRows(2000)
	var buyers []Row
	for _, r := range rows {
		if r.Buyer {
			buyers = append(buyers, r)
		}
	}
	one := NewSample(150)
	for _, r := range rows {
		one.Add(r)
	}
	all, b := one.Rows()
	if !reflect.DeepEqual(all, smallest(rows, 150)) ||
		!reflect.DeepEqual(b, smallest(buyers, 150)) {
		t.Fatal("the sample is not the rows of smallest key")
	}
	if one.Labelled != 2000 || one.Bought != 400 || one.BuyersLabelled != 667 ||
		one.BuyersBought != 134 {
		t.Errorf(
			"counts %d %d %d %d",
			one.Labelled,
			one.Bought,
			one.BuyersLabelled,
			one.BuyersBought,
		)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	shuffled := slices.Clone(rows)
	rng.Shuffle(
		len(shuffled),
		func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] },
	)
	parts := make([]*Sample, 7)
	for i := range parts {
		parts[i] = NewSample(150)
	}
	for i, r := range shuffled {
		parts[(i*i)%7].Add(r)
	}
	merged := NewSample(150)
	for _, p := range parts {
		data, err := encodeSample(p)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := decodeSample(data)
		if err != nil {
			t.Fatal(err)
		}
		merged.Merge(decoded)
	}
	if !reflect.DeepEqual(merged.Labelled, one.Labelled) ||
		merged.BuyersBought != one.BuyersBought {
		t.Error("merged counts differ")
	}
	ma, mb := merged.Rows()
	if !reflect.DeepEqual(ma, all) || !reflect.DeepEqual(mb, b) {
		t.Error("merged sample differs from the one-pass sample")
	}
}
