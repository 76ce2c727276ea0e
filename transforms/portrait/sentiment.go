package portrait

import (
	"cmp"
	"container/heap"
	"fmt"
	"strings"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/portrait/sentiment"
)

// ratedText is a review with text and a telling rating: a training example of the text model.
type ratedText struct {
	ID       string
	Text     string
	Positive bool
}

// ratedReview labels a review for training: 4-5 stars positive, 1-2 negative; 3 stars, no rating
// and no text give no example.
func ratedReview(r schemas.Review, emit func(ratedText)) {
	if strings.TrimSpace(r.Text) == "" {
		return
	}
	switch r.Rating {
	case 4, 5:
		emit(ratedText{ID: r.ReviewID, Text: r.Text, Positive: true})
	case 1, 2:
		emit(ratedText{ID: r.ReviewID, Text: r.Text})
	}
}

// trained is the night's text model: the marshalled model (nil without one) and its card.
type trained struct {
	Model []byte
	Card  SentimentCard
}

// pickTexts keeps the max examples with the smallest hash of their review id (then id, text and
// label): a sample that does not depend on the order they come in, held in bounded memory.
func pickTexts(iter func(*ratedText) bool, max int) []ratedText {
	h := &textHeap{}
	var t ratedText
	for iter(&t) {
		x := hashedText{hash: hash64("review\x1f" + t.ID), text: t}
		if h.Len() < max {
			heap.Push(h, x)
		} else if textOrder(x, (*h)[0]) < 0 {
			(*h)[0] = x
			heap.Fix(h, 0)
		}
	}
	out := make([]ratedText, len(*h))
	for i, x := range *h {
		out[i] = x.text
	}
	return out
}

// hashedText is an example with the hash that orders the sample.
type hashedText struct {
	hash uint64
	text ratedText
}

func textOrder(a, b hashedText) int {
	return cmp.Or(
		cmp.Compare(a.hash, b.hash),
		cmp.Compare(a.text.ID, b.text.ID),
		cmp.Compare(a.text.Text, b.text.Text),
		cmp.Compare(b2i(a.text.Positive), b2i(b.text.Positive)),
	)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// textHeap is a max-heap by textOrder: its root is the example to drop first.
type textHeap []hashedText

func (h textHeap) Len() int           { return len(h) }
func (h textHeap) Less(i, j int) bool { return textOrder(h[i], h[j]) > 0 }
func (h textHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *textHeap) Push(x any)        { *h = append(*h, x.(hashedText)) }
func (h *textHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// trainText trains the night's model on the examples, HoldoutPercent of them (by a hash of the
// review id) kept out to measure accuracy. Too few examples of a class give no model and a card
// that says why; training itself never fails the run.
func trainText(examples []ratedText, r SentimentRules) trained {
	var card SentimentCard
	var texts, holdout []string
	var labels, holdoutLabels []bool
	for _, t := range examples {
		if t.Positive {
			card.Positive++
		} else {
			card.Negative++
		}
		if hash64("holdout\x1f"+t.ID)%100 < uint64(r.HoldoutPercent) {
			holdout, holdoutLabels = append(holdout, t.Text), append(holdoutLabels, t.Positive)
			continue
		}
		texts, labels = append(texts, t.Text), append(labels, t.Positive)
	}
	card.TrainTexts, card.HoldoutTexts = len(texts), len(holdout)
	pos := 0
	for _, p := range labels {
		pos += b2i(p)
	}
	if neg := len(labels) - pos; pos < r.MinClassTexts || neg < r.MinClassTexts {
		card.Reason = fmt.Sprintf(
			"too few rated reviews to train on: %d positive and %d negative (after holding out %d%%), "+
				"sentiment.min_class_texts is %d",
			pos,
			neg,
			r.HoldoutPercent,
			r.MinClassTexts,
		)
		return trained{Card: card}
	}
	m, err := sentiment.Train(texts, labels, sentiment.Options{})
	if err != nil {
		card.Reason = err.Error()
		return trained{Card: card}
	}
	data, err := m.MarshalBinary()
	if err != nil {
		card.Reason = err.Error()
		return trained{Card: card}
	}
	if len(holdout) > 0 {
		acc := sentiment.Accuracy(m, holdout, holdoutLabels)
		card.Accuracy = &acc
	}
	card.Trained, card.ModelBytes = true, len(data)
	return trained{Model: data, Card: card}
}

// trainFn trains the model once, on one worker, from the rated reviews as a side input.
type trainFn struct {
	Rules SentimentRules
}

func (f *trainFn) ProcessElement(_ []byte, rated func(*ratedText) bool, emit func(trained)) {
	emit(trainText(pickTexts(rated, f.Rules.MaxTexts), f.Rules))
}

// textModel decodes the model side input; nil when there is none.
func textModel(iter func(*trained) bool) (*sentiment.Model, error) {
	var t trained
	if !iter(&t) || t.Model == nil {
		return nil, nil
	}
	m := &sentiment.Model{}
	if err := m.UnmarshalBinary(t.Model); err != nil {
		return nil, fmt.Errorf("portrait: decoding the text model: %w", err)
	}
	return m, nil
}

// score scores a text with the model, when there is one and the text is not blank.
func score(m *sentiment.Model, text string) Text {
	if m == nil || strings.TrimSpace(text) == "" {
		return Text{}
	}
	return Text{Scored: true, Positive: m.Positive(text)}
}
