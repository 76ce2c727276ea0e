package linkage

import (
	"math"
	"testing"
)

func TestJaroWinklerKnownValues(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.9611},
		{"DWAYNE", "DUANE", 0.84},
		{"DIXON", "DICKSONX", 0.8133},
		{"same", "same", 1},
		{"abc", "xyz", 0},
		{"", "abc", 0},
	} {
		if got := JaroWinkler(c.a, c.b); math.Abs(got-c.want) > 5e-5 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.4f", c.a, c.b, got, c.want)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"kitten", "sitting", 3},
		{"", "abc", 3},
		{"flaw", "lawn", 2},
		{"same", "same", 0},
		{"上海市", "上海", 1}, // runes, not bytes
	} {
		if got := Levenshtein(c.a, c.b); got != c.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func checkLevels(t *testing.T, name string, c Comparator, cases [][3]string) {
	t.Helper()
	levels := c.Levels()
	for _, tc := range cases {
		got := c.Compare(tc[0], tc[1])
		gotName := "missing"
		if got != Missing {
			gotName = levels[got]
		}
		if gotName != tc[2] {
			t.Errorf(
				"%s.Compare(%q, %q) = %s, want %s (levels %v)",
				name,
				tc[0],
				tc[1],
				gotName,
				tc[2],
				levels,
			)
		}
	}
}

func TestExact(t *testing.T) {
	checkLevels(t, "Exact", Exact{}, [][3]string{
		{"a", "a", "exact"}, {"a", "b", "else"}, {"", "b", "missing"}, {"a", "", "missing"},
	})
}

func TestJaroWinklerLevels(t *testing.T) {
	c := JaroWinklerLevels{Thresholds: []float64{0.92, 0.8}}
	checkLevels(t, "JaroWinklerLevels", c, [][3]string{
		{"martha", "martha", "exact"},
		{"martha", "marhta", "jw>=0.92"}, // 0.9611
		{"dwayne", "duane", "jw>=0.8"},   // 0.84
		{"martha", "jones", "else"},
		{"", "jones", "missing"},
	})
}

func TestLevenshteinLevels(t *testing.T) {
	c := LevenshteinLevels{Thresholds: []int{1, 2}}
	checkLevels(t, "LevenshteinLevels", c, [][3]string{
		{"8638391", "8638391", "exact"},
		{"8638391", "8638491", "edits<=1"},
		{"8638391", "8368391", "edits<=2"},
		{"8638391", "1234567", "else"},
		{"8638391", "", "missing"},
	})
}

func TestDateLevels(t *testing.T) {
	c := DateLevels{Transposed: true, Days: []int{7, 31}, Edits: 1}
	checkLevels(t, "DateLevels", c, [][3]string{
		{"19231114", "19231114", "exact"},
		{"19230511", "19231105", "transposed"},
		{"19231114", "19231118", "within7d"},
		{"19231114", "19231201", "within31d"},
		{"19231114", "19331114", "edits<=1"}, // a decade off, one keystroke
		{"19231114", "19231164", "edits<=1"}, // does not parse
		{"19231114", "19570302", "else"},
		{"19231114", "1923x1x", "else"},
		{"", "19231114", "missing"},
	})
	iso := DateLevels{Layout: "2006-01-02", Days: []int{3}}
	checkLevels(t, "DateLevels(iso)", iso, [][3]string{
		{"2024-03-01", "2024-02-28", "within3d"}, // across a month end, leap year
		{"2024-03-01", "2024-01-03", "else"},     // transposition level not configured
	})
	if got := (DateLevels{}).Levels(); len(got) != 2 {
		t.Errorf("bare DateLevels levels = %v, want [exact else]", got)
	}
}

func TestNumericLevels(t *testing.T) {
	abs := NumericLevels{Thresholds: []float64{1, 5}}
	checkLevels(t, "NumericLevels", abs, [][3]string{
		{"42", "42", "exact"},
		{"42", "42.0", "exact"},
		{"42", "43", "within1"},
		{"42", "46.5", "within5"},
		{"42", "60", "else"},
		{"42", "forty-two", "else"},
		{"", "42", "missing"},
	})
	rel := NumericLevels{Thresholds: []float64{0.1}, Relative: true}
	checkLevels(t, "NumericLevels(relative)", rel, [][3]string{
		{"1000", "1090", "within10%"},
		{"10", "12", "else"},
	})
}

func TestSoundex(t *testing.T) {
	for in, want := range map[string]string{
		"Robert": "R163", "Rupert": "R163", "Ashcraft": "A261", "Tymczak": "T522",
		"Pfister": "P236", "Honeyman": "H555", "lee": "L000", "o'brien": "O165", "": "", "123": "",
	} {
		if got := Soundex(in); got != want {
			t.Errorf("Soundex(%q) = %q, want %q", in, got, want)
		}
	}
}
