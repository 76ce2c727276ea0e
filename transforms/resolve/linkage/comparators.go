package linkage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/adrg/strutil/metrics"
)

// Missing is the comparison level of a pair in which either value is empty. A missing level has
// no m or u probability and contributes a weight of zero.
const Missing = -1

// Comparator maps a pair of normalised field values to a discrete agreement level: 0 is the
// closest agreement and len(Levels())-1 the catch-all "else" level; Missing means a value is
// absent. Implementations are safe for concurrent use.
type Comparator interface {
	// Levels names the levels, closest first; the last one is "else".
	Levels() []string
	// Compare returns the level of the pair (a, b), or Missing.
	Compare(a, b string) int
}

var (
	jaroWinkler = &metrics.JaroWinkler{CaseSensitive: true}
	levenshtein = metrics.NewLevenshtein()
)

// JaroWinkler returns the Jaro-Winkler similarity of a and b, in [0, 1], with the usual prefix
// scale 0.1 over at most four characters. It uses github.com/adrg/strutil, whose match window is
// max(len)/2 (one wider than the textbook max(len)/2-1), so very short transposed strings score
// somewhat higher than in the textbook definition.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	return jaroWinkler.Compare(a, b)
}

// Levenshtein returns the edit distance between a and b (insertions, deletions and
// substitutions of runes, each of cost 1).
func Levenshtein(a, b string) int {
	if a == b {
		return 0
	}
	return levenshtein.Distance(a, b)
}

// Exact compares by equality: levels "exact" and "else".
type Exact struct{}

// Levels implements Comparator.
func (Exact) Levels() []string { return []string{"exact", "else"} }

// Compare implements Comparator.
func (Exact) Compare(a, b string) int {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	return 1
}

// JaroWinklerLevels compares strings by Jaro-Winkler similarity: level "exact", then one level
// per threshold (similarity ≥ Thresholds[i], thresholds in decreasing order), then "else".
type JaroWinklerLevels struct {
	Thresholds []float64
}

// Levels implements Comparator.
func (c JaroWinklerLevels) Levels() []string {
	out := []string{"exact"}
	for _, t := range c.Thresholds {
		out = append(out, fmt.Sprintf("jw>=%g", t))
	}
	return append(out, "else")
}

// Compare implements Comparator.
func (c JaroWinklerLevels) Compare(a, b string) int {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	s := JaroWinkler(a, b)
	for i, t := range c.Thresholds {
		if s >= t {
			return i + 1
		}
	}
	return len(c.Thresholds) + 1
}

// LevenshteinLevels compares strings by edit distance: level "exact", then one level per
// threshold (distance ≤ Thresholds[i], thresholds in increasing order), then "else".
type LevenshteinLevels struct {
	Thresholds []int
}

// Levels implements Comparator.
func (c LevenshteinLevels) Levels() []string {
	out := []string{"exact"}
	for _, t := range c.Thresholds {
		out = append(out, fmt.Sprintf("edits<=%d", t))
	}
	return append(out, "else")
}

// Compare implements Comparator.
func (c LevenshteinLevels) Compare(a, b string) int {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	d := Levenshtein(a, b)
	for i, t := range c.Thresholds {
		if d <= t {
			return i + 1
		}
	}
	return len(c.Thresholds) + 1
}

// DateLevels compares dates written in Layout (a Go time layout, "20060102" when empty): level
// "exact"; "transposed" when Transposed is set and the day and month are swapped (same year);
// one level per Days threshold (|a-b| ≤ Days[i] days, increasing); "edits<=N" when Edits > 0 and
// the strings are within Edits edits of each other (keyboard errors that may not even parse);
// then "else". A value that does not parse can reach only the "exact", "edits" and "else" levels.
type DateLevels struct {
	Layout     string
	Transposed bool
	Days       []int
	Edits      int
}

func (c DateLevels) layout() string {
	if c.Layout == "" {
		return "20060102"
	}
	return c.Layout
}

// Levels implements Comparator.
func (c DateLevels) Levels() []string {
	out := []string{"exact"}
	if c.Transposed {
		out = append(out, "transposed")
	}
	for _, d := range c.Days {
		out = append(out, fmt.Sprintf("within%dd", d))
	}
	if c.Edits > 0 {
		out = append(out, fmt.Sprintf("edits<=%d", c.Edits))
	}
	return append(out, "else")
}

// Compare implements Comparator.
func (c DateLevels) Compare(a, b string) int {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	level := 1
	ta, errA := time.Parse(c.layout(), a)
	tb, errB := time.Parse(c.layout(), b)
	parsed := errA == nil && errB == nil
	if c.Transposed {
		if parsed && ta.Year() == tb.Year() && int(ta.Month()) == tb.Day() &&
			ta.Day() == int(tb.Month()) {
			return level
		}
		level++
	}
	if parsed {
		diff := math.Abs(ta.Sub(tb).Hours()) / 24
		for i, d := range c.Days {
			if diff <= float64(d) {
				return level + i
			}
		}
	}
	level += len(c.Days)
	if c.Edits > 0 {
		if Levenshtein(a, b) <= c.Edits {
			return level
		}
		level++
	}
	return level
}

// NumericLevels compares numbers: level "exact", then one level per threshold on the absolute
// difference |a-b| ≤ Thresholds[i] (or, when Relative, on |a-b|/max(|a|,|b|)), increasing, then
// "else". Values that do not parse as numbers are equal only when their text is.
type NumericLevels struct {
	Thresholds []float64
	Relative   bool
}

// Levels implements Comparator.
func (c NumericLevels) Levels() []string {
	out := []string{"exact"}
	for _, t := range c.Thresholds {
		if c.Relative {
			out = append(out, fmt.Sprintf("within%g%%", t*100))
		} else {
			out = append(out, fmt.Sprintf("within%g", t))
		}
	}
	return append(out, "else")
}

// Compare implements Comparator.
func (c NumericLevels) Compare(a, b string) int {
	if a == "" || b == "" {
		return Missing
	}
	if a == b {
		return 0
	}
	x, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if errA != nil || errB != nil {
		return len(c.Thresholds) + 1
	}
	if x == y {
		return 0
	}
	diff := math.Abs(x - y)
	if c.Relative {
		diff /= math.Max(math.Abs(x), math.Abs(y))
	}
	for i, t := range c.Thresholds {
		if diff <= t {
			return i + 1
		}
	}
	return len(c.Thresholds) + 1
}

// Soundex returns the American Soundex code of s (a letter and three digits), or "" when s has
// no ASCII letter. Non-letters are ignored.
func Soundex(s string) string {
	const codes = "01230120022455012623010202" // a..z
	var out []byte
	var last byte
	for i := 0; i < len(s) && len(out) < 4; i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch < 'a' || ch > 'z' {
			continue
		}
		code := codes[ch-'a']
		if len(out) == 0 {
			out = append(out, ch-'a'+'A')
			last = code
			continue
		}
		switch {
		case ch == 'h' || ch == 'w':
			// h and w do not separate letters with the same code.
		case code == '0':
			last = 0 // vowels separate letters with the same code
		case code != last:
			out = append(out, code)
			last = code
		}
	}
	if len(out) == 0 {
		return ""
	}
	for len(out) < 4 {
		out = append(out, '0')
	}
	return string(out)
}
