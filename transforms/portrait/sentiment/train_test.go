package sentiment

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

var (
	products = []string{"衣服", "手机", "水果", "酒店", "洗发水", "平板", "book", "耳机"}
	praises  = []string{"很好", "非常满意", "质量不错", "很喜欢", "推荐购买", "物超所值", "GOOD"}
	blames   = []string{"太差了", "很失望", "质量很差", "不推荐", "退货了", "做工粗糙", "BAD"}
)

// corpus returns every product with every praise (positive) and blame
// (negative), leaving out the pairs for which keep is false.
func corpus(keep func(product, phrase int) bool) (texts []string, positive []bool) {
	for p, product := range products {
		for i := range praises {
			if keep(p, i) {
				texts = append(texts, product+praises[i]+"!", product+blames[i]+"。")
				positive = append(positive, true, false)
			}
		}
	}
	return texts, positive
}

// split leaves the pairs with (product+phrase)%4 == 0 out of training.
func split() (trainX []string, trainY []bool, testX []string, testY []bool) {
	trainX, trainY = corpus(func(p, i int) bool { return (p+i)%4 != 0 })
	testX, testY = corpus(func(p, i int) bool { return (p+i)%4 == 0 })
	return
}

func TestTrainLearnsInventedReviews(t *testing.T) {
	trainX, trainY, testX, testY := split()
	m, err := Train(trainX, trainY, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if acc := Accuracy(m, testX, testY); acc != 1 {
		for i, x := range testX {
			t.Logf("%s positive=%v P=%.3f", x, testY[i], m.Positive(x))
		}
		t.Errorf("accuracy on unseen product-phrase pairs = %v, want 1", acc)
	}
	// Width and case do not matter.
	if a, b := m.Positive("手机质量不错!"), m.Positive("手机质量不错！"); a != b {
		t.Errorf("half-width %v and full-width %v punctuation score differently", a, b)
	}
	if a, b := m.Positive("耳机good"), m.Positive("耳机ＧＯＯＤ"); a != b || a <= 0.5 {
		t.Errorf("耳机good %v, 耳机ＧＯＯＤ %v: want the same, above 0.5", a, b)
	}
	for _, blank := range []string{"", " ", "\u3000"} {
		if p := m.Positive(blank); p != 0.5 {
			t.Errorf("Positive(%q) = %v, want 0.5", blank, p)
		}
	}
	for _, x := range []string{"✨😀", strings.Repeat("很好", 5000),
		strings.Repeat("太差了", 5000), "\xff\xfe"} {
		if p := m.Positive(x); !(p >= 0 && p <= 1) {
			t.Errorf("Positive(%.20q) = %v, outside [0, 1]", x, p)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	x, y, _, _ := split()
	allPositive := make([]bool, len(x))
	for i := range allPositive {
		allPositive[i] = true
	}
	for name, c := range map[string]struct {
		x    []string
		y    []bool
		opt  Options
		want string
	}{
		"lengths":       {x, y[1:], Options{}, "labels"},
		"empty":         {nil, nil, Options{}, "no positive"},
		"no negative":   {x, allPositive, Options{}, "no negative"},
		"no positive":   {x, make([]bool, len(x)), Options{}, "no positive"},
		"order":         {x, y, Options{MaxOrder: 6}, "MaxOrder"},
		"bits low":      {x, y, Options{HashBits: 7}, "HashBits"},
		"bits high":     {x, y, Options{HashBits: 25}, "HashBits"},
		"smoothing":     {x, y, Options{Smoothing: -1}, "Smoothing"},
		"smoothing ∞":   {x, y, Options{Smoothing: math.Inf(1)}, "Smoothing"},
		"epochs":        {x, y, Options{Epochs: -1}, "Epochs"},
		"rate NaN":      {x, y, Options{LearningRate: math.NaN()}, "LearningRate"},
		"rate negative": {x, y, Options{LearningRate: -0.1}, "LearningRate"},
	} {
		m, err := Train(c.x, c.y, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Train = %v, %v; want an error about %q", name, m, err, c.want)
		}
	}
}

func TestTrainDeterministic(t *testing.T) {
	x, y, _, _ := split()
	first := marshal(t, train(t, x, y))
	if again := marshal(t, train(t, x, y)); !bytes.Equal(first, again) {
		t.Error("training twice on the same data gave different model bytes")
	}
	// The same examples listed in another order give the same model.
	rx, ry := make([]string, len(x)), make([]bool, len(y))
	for i := range x {
		rx[len(x)-1-i], ry[len(y)-1-i] = x[i], y[i]
	}
	if reversed := marshal(t, train(t, rx, ry)); !bytes.Equal(first, reversed) {
		t.Error("the same examples in reverse order gave different model bytes")
	}
	// Different data give a different model.
	if other := marshal(t, train(t, x[2:], y[2:])); bytes.Equal(first, other) {
		t.Error("different training data gave the same model bytes")
	}
}

func TestAccuracy(t *testing.T) {
	x, y, _, _ := split()
	m := train(t, x, y)
	flipped := make([]bool, len(y))
	for i := range y {
		flipped[i] = !y[i]
	}
	acc, inv := Accuracy(m, x, y), Accuracy(m, x, flipped)
	if acc <= 0.5 || math.Abs(acc+inv-1) > 1e-12 {
		t.Errorf(
			"accuracy %v on the training data and %v with labels flipped: want above 0.5, summing to 1",
			acc,
			inv,
		)
	}
	if !math.IsNaN(Accuracy(m, x, y[1:])) || !math.IsNaN(Accuracy(m, nil, nil)) {
		t.Error("Accuracy with lengths that differ or no text should be NaN")
	}
}

func train(t *testing.T, x []string, y []bool) *Model {
	t.Helper()
	m, err := Train(x, y, Options{HashBits: 16})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func marshal(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
