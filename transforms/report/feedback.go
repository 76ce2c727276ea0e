package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/sink"
)

// feedback gathers what customers said: ratings of reviews and review-site posts, the words of
// the low- and high-rated texts, and tickets by category.
type feedback struct {
	ratings [5]int64
	// low and high count each term's texts among 1-2 and 4-5 star texts; lowN and highN the texts.
	low, high   map[string]int64
	lowN, highN int64
	tickets     map[string][2]int64 // category → all, still open
}

func newFeedback() *feedback {
	return &feedback{low: map[string]int64{}, high: map[string]int64{},
		tickets: map[string][2]int64{}}
}

// rated counts a rated text.
func (f *feedback) rated(stars int32, text string) {
	if stars < 1 || stars > 5 {
		return
	}
	f.ratings[stars-1]++
	switch {
	case stars <= 2:
		f.lowN++
		for t := range terms(text) {
			f.low[t]++
		}
	case stars >= 4:
		f.highN++
		for t := range terms(text) {
			f.high[t]++
		}
	}
}

// terms are a text's distinct terms: pairs of adjacent Han characters (Chinese writes words
// without spaces, and most words are two characters, so a pair is the usual unit of a theme:
// 物流, 质量, 客服) and lower-cased Latin words of three letters or more. Masked phones and
// e-mails (digits and asterisks) give none.
func terms(text string) map[string]bool {
	out := map[string]bool{}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		switch {
		case unicode.Is(unicode.Han, rs[i]):
			if i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1]) {
				out[string(rs[i:i+2])] = true
			}
		case unicode.IsLetter(rs[i]) && rs[i] < unicode.MaxASCII:
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) && rs[j] < unicode.MaxASCII {
				j++
			}
			if j-i >= 3 {
				out[strings.ToLower(string(rs[i:j]))] = true
			}
			i = j - 1
		}
	}
	return out
}

// theme is a term over-represented in low-rated texts.
type theme struct {
	term      string
	low, high int64
	z         float64
}

// minThemeTexts is how many low-rated texts a term needs to be a theme.
const minThemeTexts = 3

// themes are the terms most over-represented in low-rated texts against high-rated ones, by the
// log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin'
// Words"), the prior being the term's share of all texts: rare terms are not ranked high by
// chance, and terms common to every text ("商品", "购买") fall out. At most n, z-score first.
func (f *feedback) themes(n int) []theme {
	if f.lowN == 0 || f.highN == 0 {
		return nil
	}
	const alpha0 = 100.0 // prior strength, in texts
	all := float64(f.lowN + f.highN)
	var out []theme
	for t, lo := range f.low {
		if lo < minThemeTexts {
			continue
		}
		hi := f.high[t]
		a := alpha0 * float64(lo+hi) / all
		dl := math.Log((float64(lo)+a)/(float64(f.lowN)+alpha0-float64(lo)-a)) -
			math.Log((float64(hi)+a)/(float64(f.highN)+alpha0-float64(hi)-a))
		v := 1/(float64(lo)+a) + 1/(float64(hi)+a)
		if z := dl / math.Sqrt(v); z > 1.96 {
			out = append(out, theme{term: t, low: lo, high: hi, z: z})
		}
	}
	slices.SortFunc(out, func(a, b theme) int {
		return cmp.Or(cmp.Compare(b.z, a.z), cmp.Compare(a.term, b.term))
	})
	return out[:min(n, len(out))]
}

// feedbackFromRun is the feedback section of a run's reviews, posts and tickets.
func feedbackFromRun(
	ctx context.Context,
	output, date string,
	m *sink.Manifest,
	_ Options,
) ([]Section, error) {
	f, err := feedbackOf(ctx, output, date, m)
	if err != nil {
		return nil, err
	}
	sec, err := f.section()
	return []Section{sec}, err
}

// feedbackOf reads the run's reviews, review-site posts and tickets.
func feedbackOf(ctx context.Context, output, date string, m *sink.Manifest) (*feedback, error) {
	f := newFeedback()
	for _, table := range []string{"reviews", "site_posts", "tickets"} {
		info, ok := m.Tables[table]
		if !ok {
			continue
		}
		err := streamTable(ctx, output, date, table, info.Files, func(row any) {
			switch r := row.(type) {
			case schemas.Review:
				f.rated(r.Rating, r.Text)
			case schemas.SitePost:
				f.rated(r.Rating, r.Text)
			case schemas.Ticket:
				c := f.tickets[r.Category]
				c[0]++
				if r.Status != "closed" {
					c[1]++
				}
				f.tickets[r.Category] = c
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// section is the feedback section: the ratings, the themes of the low-rated texts, and the
// tickets by category.
func (f *feedback) section() (Section, error) {
	sec := Section{ID: "feedback", Title: tr("Feedback"),
		Intro: tr("What customers said: the stars of their reviews and review-site posts, the " +
			"words that set the low-rated texts (1-2 stars) apart from the high-rated ones (4-5 " +
			"stars), and their service tickets.")}
	var rated int64
	for _, n := range f.ratings {
		rated += n
	}
	if rated == 0 && len(f.tickets) == 0 {
		sec.Note = tr("This run has no rated review, post or ticket.")
		return sec, nil
	}
	stars := series{Name: tr("texts"), Color: colourTonight}
	rt := &Table{Caption: tr("Texts per rating"), Head: trList("stars", "texts", "share")}
	var cats []string
	for i, n := range f.ratings {
		cats = append(cats, strconv.Itoa(i+1))
		stars.Values = append(stars.Values, float64(n))
		rt.Rows = append(rt.Rows, []Cell{txt(strconv.Itoa(i + 1)), num(count(n)),
			num(percent(ratio(n, rated)))})
	}
	chart, err := vbar("chart-ratings", tr("Reviews and posts per rating"), tr("stars"),
		tr("texts"), cats, []series{stars})
	if err != nil {
		return sec, err
	}
	sec.Blocks = append(sec.Blocks, Block{Chart: chart, Table: rt}, Block{Table: f.themeTable()},
		Block{Table: f.ticketTable()})
	return sec, nil
}

// themeTable lists the themes of the low-rated texts.
func (f *feedback) themeTable() *Table {
	t := &Table{Caption: trf("Negative themes: words of the %s low-rated texts, against the %s "+
		"high-rated ones", count(f.lowN), count(f.highN)),
		Head: trList("word", "low-rated texts", "share of low-rated", "share of high-rated",
			"z")}
	for _, th := range f.themes(15) {
		t.Rows = append(t.Rows, []Cell{txt(th.term), num(count(th.low)),
			num(percent(ratio(th.low, f.lowN))), num(percent(ratio(th.high, f.highN))),
			num(fmt.Sprintf("%.1f", th.z))})
	}
	return t
}

// ticketTable counts the tickets per category, the most frequent first.
func (f *feedback) ticketTable() *Table {
	t := &Table{Caption: tr("Service tickets by category"),
		Head: trList("ticket type", "tickets", "still open")}
	cats := make([]string, 0, len(f.tickets))
	for c := range f.tickets {
		cats = append(cats, c)
	}
	slices.SortFunc(cats, func(a, b string) int {
		return cmp.Or(cmp.Compare(f.tickets[b][0], f.tickets[a][0]), cmp.Compare(a, b))
	})
	for _, c := range cats {
		t.Rows = append(t.Rows, []Cell{txt(trCode(c)), num(count(f.tickets[c][0])),
			num(count(f.tickets[c][1]))})
	}
	return t
}
