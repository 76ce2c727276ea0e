package report

import (
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	got := []string{}
	for term := range terms("物流太慢! Terrible box, ok 138****0000 a@b.com") {
		got = append(got, term)
	}
	slices.Sort(got)
	want := []string{"box", "com", "terrible", "太慢", "流太", "物流"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("terms %v, want %v", got, want)
	}
}

// TestThemesSetLowRatedTextsApart: words of the low-rated texts only rank first; words of every
// text (质量 in both) and words of a few texts only are no themes.
func TestThemesSetLowRatedTextsApart(t *testing.T) {
	f := newFeedback()
	for range 20 {
		f.rated(1, "质量很差，物流太慢")
		f.rated(5, "质量很好，物流很快")
		f.rated(4, "质量不错，物流不错")
	}
	f.rated(2, "包装破损") // in two low-rated texts only
	f.rated(2, "包装破损")
	f.rated(3, "一般") // neither low nor high
	var got []string
	for _, th := range f.themes(15) {
		got = append(got, th.term)
	}
	for _, w := range []string{"很差", "太慢"} {
		if !slices.Contains(got, w) {
			t.Errorf("themes %v lack %s", got, w)
		}
	}
	for _, w := range []string{"质量", "物流", "包装"} {
		if slices.Contains(got, w) {
			t.Errorf("themes %v hold %s", got, w)
		}
	}
	if f.ratings != [5]int64{20, 2, 1, 20, 20} || f.lowN != 22 || f.highN != 40 {
		t.Errorf("ratings %v, %d low and %d high texts", f.ratings, f.lowN, f.highN)
	}
}
