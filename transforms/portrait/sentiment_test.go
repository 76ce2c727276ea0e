package portrait

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/schemas"
)

func TestRatedReview(t *testing.T) {
	var got []ratedText
	emit := func(r ratedText) { got = append(got, r) }
	for _, r := range []schemas.Review{
		{ReviewID: "a", Rating: 5, Text: "好"}, {ReviewID: "b", Rating: 4, Text: "还行"},
		{ReviewID: "c", Rating: 3, Text: "一般"},
		{ReviewID: "d", Rating: 2, Text: "差"}, {ReviewID: "e", Rating: 1, Text: "  "},
		{ReviewID: "f", Text: "没评分"},
	} {
		ratedReview(r, emit)
	}
	want := []ratedText{
		{ID: "a", Text: "好", Positive: true},
		{ID: "b", Text: "还行", Positive: true},
		{ID: "d", Text: "差"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("labelled %v, want %v", got, want)
	}
}

func iterOf[T any](items []T) func(*T) bool {
	i := 0
	return func(v *T) bool {
		if i == len(items) {
			return false
		}
		*v = items[i]
		i++
		return true
	}
}

// synthetic makes n positive and n negative short reviews.
func synthetic(n int) []ratedText {
	pos := []string{"很好", "满意", "喜欢", "不错", "推荐", "质量好"}
	neg := []string{"太差", "失望", "退货", "垃圾", "破损", "不推荐"}
	var out []ratedText
	for i := range n {
		out = append(
			out,
			ratedText{
				ID:       fmt.Sprintf("p%d", i),
				Text:     pos[i%6] + "，" + pos[(i/6)%6] + "，物流" + fmt.Sprint(i),
				Positive: true,
			},
		)
		out = append(
			out,
			ratedText{
				ID:   fmt.Sprintf("n%d", i),
				Text: neg[i%6] + "，" + neg[(i/6)%6] + "，物流" + fmt.Sprint(i),
			},
		)
	}
	return out
}

func TestPickTextsIsBoundedAndOrderIndependent(t *testing.T) {
	all := synthetic(100)
	a := pickTexts(iterOf(all), 50)
	shuffled := append([]ratedText(nil), all...)
	rand.New(rand.NewPCG(3, 4)).
		Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b := pickTexts(iterOf(shuffled), 50)
	if len(a) != 50 || len(b) != 50 {
		t.Fatalf("kept %d and %d, want 50", len(a), len(b))
	}
	ids := func(ts []ratedText) map[string]bool {
		m := map[string]bool{}
		for _, x := range ts {
			m[x.ID] = true
		}
		return m
	}
	if fmt.Sprint(ids(a)) != fmt.Sprint(ids(b)) {
		t.Error("the sample depends on the input order")
	}
	if got := pickTexts(iterOf(all[:10]), 50); len(got) != 10 {
		t.Errorf("kept %d of 10", len(got))
	}
}

func TestTrainText(t *testing.T) {
	r := DefaultRules().Sentiment
	few := trainText(synthetic(10), r)
	if few.Card.Trained || few.Model != nil ||
		!strings.Contains(few.Card.Reason, "too few rated reviews") {
		t.Errorf("10 of each class: %+v", few.Card)
	}
	got := trainText(synthetic(200), r)
	c := got.Card
	if !c.Trained || c.Positive != 200 || c.Negative != 200 || c.TrainTexts+c.HoldoutTexts != 400 ||
		c.HoldoutTexts < 40 ||
		c.HoldoutTexts > 120 || c.Accuracy == nil ||
		*c.Accuracy < 0.95 ||
		c.ModelBytes != len(got.Model) {
		t.Fatalf("card %+v", c)
	}
	m, err := textModel(iterOf([]trained{got}))
	if err != nil || m == nil {
		t.Fatalf("decoding the model: %v", err)
	}
	if s := score(m, "很好，满意"); !s.Scored || s.Positive < 0.5 {
		t.Errorf("positive text scored %+v", s)
	}
	if s := score(m, "太差，退货"); !s.Scored || s.Positive > 0.5 {
		t.Errorf("negative text scored %+v", s)
	}
	if s := score(m, "  "); s.Scored {
		t.Error("a blank text was scored")
	}
	if m, err := textModel(iterOf([]trained{few})); m != nil || err != nil {
		t.Errorf("no model: %v %v", m, err)
	}
	if _, err := textModel(iterOf([]trained{{Model: []byte("junk")}})); err == nil {
		t.Error("a corrupt model decodes")
	}
}

// TestTrainTextOnLabelledReviews trains on the labelled shopping reviews of ../shared/data as if
// their labels were star ratings, and checks the held-out accuracy the model card reports.
func TestTrainTextOnLabelledReviews(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "reviews", "online_shopping_dev.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf(
			"labelled reviews not available at %s (DESIGN.md, Real data to check against): %v",
			path,
			err,
		)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var examples []ratedText
	for i, row := range rows[1:] {
		examples = append(
			examples,
			ratedText{ID: fmt.Sprint(i), Text: row[2], Positive: row[1] == "1"},
		)
	}
	got := trainText(examples, DefaultRules().Sentiment)
	t.Logf("%d reviews: %+v, accuracy %.3f", len(examples), got.Card, *got.Card.Accuracy)
	if !got.Card.Trained || *got.Card.Accuracy < 0.88 {
		t.Errorf("held-out accuracy %.3f, want at least 0.88", *got.Card.Accuracy)
	}
}
