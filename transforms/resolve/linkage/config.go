package linkage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config describes a linkage model. It is read from YAML by Parse or Load:
//
//	id_column: rec_id
//	fields:
//	  - {name: surname, compare: jaro_winkler, levels: [0.92, 0.8]}
//	  - {name: soc_sec_id, compare: levenshtein, levels: [1, 2]}
//	  - {name: date_of_birth, compare: date, format: "20060102", transposed: true,
//	     days: [31], edits: 1}
//	  - {name: age, column: age_years, compare: numeric, levels: [1, 5]}
//	  - {name: state, compare: exact}
//	blocking:
//	  - {name: ssn, keys: [soc_sec_id]}
//	  - {name: surname_initial, keys: ["soundex(surname)", "first(given_name, 1)"]}
//	threshold: {probability: 0.9}
//	em: {max_iterations: 200, tolerance: 1e-6, random_pairs: 100000, seed: 1}
type Config struct {
	// IDColumn is the column holding each record's id.
	IDColumn string `yaml:"id_column"`
	// Fields are the compared fields.
	Fields []FieldConfig `yaml:"fields"`
	// Blocking lists the blocking rules; candidate pairs are the union of their pairs.
	Blocking []BlockingRule `yaml:"blocking"`
	// MaxBlockSize skips blocks with more records than this (0: 1000); skipped blocks are reported.
	MaxBlockSize int `yaml:"max_block_size"`
	// Threshold decides which pairs are matches.
	Threshold Threshold `yaml:"threshold"`
	// EM tunes the estimation of m and u.
	EM EMConfig `yaml:"em"`
}

// FieldConfig is one compared field.
type FieldConfig struct {
	// Name names the field in reports and blocking keys.
	Name string `yaml:"name"`
	// Column is the input column; Name when empty.
	Column string `yaml:"column"`
	// Compare is the comparison: exact, jaro_winkler, levenshtein, date or numeric.
	Compare string `yaml:"compare"`
	// Levels are the level thresholds: decreasing similarities for jaro_winkler, increasing edit
	// distances for levenshtein, increasing differences for numeric.
	Levels []float64 `yaml:"levels"`
	// Format is the date layout (Go time layout, default "20060102").
	Format string `yaml:"format"`
	// Transposed adds a date level for swapped day and month.
	Transposed bool `yaml:"transposed"`
	// Days are increasing date-difference thresholds, one level each.
	Days []int `yaml:"days"`
	// Edits adds a date level for strings within this many edits (typing errors).
	Edits int `yaml:"edits"`
	// Relative makes numeric thresholds relative to the larger absolute value.
	Relative bool `yaml:"relative"`
	// TermFrequency adjusts the weight of an exact agreement by how common the value is: by
	// log2(s / f), f being the share of records with the value and s the chance that two random
	// records agree (the sum of the squared shares), so a rare surname weighs more than a common one
	// and a value of average frequency keeps the fitted weight.
	TermFrequency bool `yaml:"term_frequency"`
}

// BlockingRule makes candidate pairs of the records that agree on every key. A key is a column
// or field name, optionally wrapped in a transform: soundex(x), first(x, N), last(x, N),
// digits(x) (only the digits), or sorted(x) (the words in sorted order). Records with an empty
// key are not blocked by the rule.
type BlockingRule struct {
	// Name names the rule in reports; "rule<i>" when empty.
	Name string `yaml:"name"`
	// Keys are the key expressions.
	Keys []string `yaml:"keys"`
}

// Threshold picks matches by total match weight (sum of log2(m/u) over the fields, prior
// excluded) or by posterior match probability; exactly one must be set.
type Threshold struct {
	// Weight is the minimum total match weight.
	Weight *float64 `yaml:"weight"`
	// Probability is the minimum posterior match probability.
	Probability *float64 `yaml:"probability"`
}

// EMConfig tunes the estimation.
type EMConfig struct {
	// MaxIterations caps the EM iterations (0: 100).
	MaxIterations int `yaml:"max_iterations"`
	// Tolerance stops EM when no parameter moves more than this (0: 1e-6).
	Tolerance float64 `yaml:"tolerance"`
	// RandomPairs is the number of random record pairs that initialise u (0: 100000).
	RandomPairs int `yaml:"random_pairs"`
	// Seed seeds the random pairs.
	Seed uint64 `yaml:"seed"`
	// FixU keeps u at its random-pair estimate and lets EM estimate only m and the match share.
	FixU bool `yaml:"fix_u"`
	// InitialMatchShare is the starting share of matches among candidate pairs (0: 0.1).
	InitialMatchShare float64 `yaml:"initial_match_share"`
}

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

// Parse decodes and validates a YAML config strictly: unknown keys, wrong types and invalid
// values are errors of the form "NAME:LINE: message".
func Parse(data []byte, name string) (*Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty config", name)
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: %s", name, strings.Join(te.Errors, "; "))
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	v := validator{name: name, root: &root}
	cfg.validate(&v)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	cfg.setDefaults()
	return &cfg, nil
}

// validator collects errors with the line of the offending YAML node.
type validator struct {
	name string
	root *yaml.Node
	errs []error
}

// errorf records an error at the node found by path (map keys and sequence indices); when the
// path is only partly present, the line of its deepest present part is used.
func (v *validator) errorf(path []any, format string, args ...any) {
	line := nodeLine(v.root, path)
	v.errs = append(v.errs, fmt.Errorf("%s:%d: %s", v.name, line, fmt.Sprintf(format, args...)))
}

func nodeLine(n *yaml.Node, path []any) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch key := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == key {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && key < len(n.Content) {
				next = n.Content[key]
			}
		}
		if next == nil {
			return line
		}
		n, line = next, next.Line
	}
	return line
}

var comparisons = []string{"exact", "jaro_winkler", "levenshtein", "date", "numeric"}

func (c *Config) validate(v *validator) {
	if c.IDColumn == "" {
		v.errorf(nil, "id_column is required")
	}
	if len(c.Fields) == 0 {
		v.errorf(nil, "fields: at least one field is required")
	}
	names := map[string]bool{}
	for i, f := range c.Fields {
		at := func(key string) []any { return []any{"fields", i, key} }
		if f.Name == "" {
			v.errorf(at("name"), "fields[%d]: name is required", i)
		} else if names[f.Name] {
			v.errorf(at("name"), "fields[%d]: duplicate field %q", i, f.Name)
		}
		names[f.Name] = true
		switch f.Compare {
		case "exact":
			if len(f.Levels) > 0 {
				v.errorf(at("levels"), "field %q: exact takes no levels", f.Name)
			}
		case "jaro_winkler":
			for j, t := range f.Levels {
				if !(t > 0 && t < 1) || (j > 0 && t >= f.Levels[j-1]) {
					v.errorf(
						at("levels"),
						"field %q: jaro_winkler levels must decrease within (0, 1), got %v",
						f.Name,
						f.Levels,
					)
					break
				}
			}
		case "levenshtein":
			for j, t := range f.Levels {
				if !(t >= 1) || t != float64(int(t)) || (j > 0 && t <= f.Levels[j-1]) {
					v.errorf(
						at("levels"),
						"field %q: levenshtein levels must be increasing whole edit counts ≥ 1, got %v",
						f.Name,
						f.Levels,
					)
					break
				}
			}
		case "numeric":
			for j, t := range f.Levels {
				if !(t >= 0) || math.IsInf(t, 1) || (j > 0 && t <= f.Levels[j-1]) {
					v.errorf(
						at("levels"),
						"field %q: numeric levels must be increasing non-negative differences, got %v",
						f.Name,
						f.Levels,
					)
					break
				}
			}
		case "date":
			if len(f.Levels) > 0 {
				v.errorf(
					at("levels"),
					"field %q: date takes days, transposed and edits, not levels",
					f.Name,
				)
			}
			for j, d := range f.Days {
				if d < 1 || (j > 0 && d <= f.Days[j-1]) {
					v.errorf(
						at("days"),
						"field %q: days must be increasing and ≥ 1, got %v",
						f.Name,
						f.Days,
					)
					break
				}
			}
			if f.Edits < 0 {
				v.errorf(at("edits"), "field %q: edits must be ≥ 0", f.Name)
			}
		case "":
			v.errorf(
				[]any{"fields", i},
				"field %q: compare is required (one of %s)",
				f.Name,
				strings.Join(comparisons, ", "),
			)
		default:
			v.errorf(
				at("compare"),
				"field %q: unknown compare %q (one of %s)",
				f.Name,
				f.Compare,
				strings.Join(comparisons, ", "),
			)
		}
		if f.Compare != "date" &&
			(f.Format != "" || f.Transposed || len(f.Days) > 0 || f.Edits != 0) {
			v.errorf(
				[]any{"fields", i},
				"field %q: format, transposed, days and edits apply only to date",
				f.Name,
			)
		}
		if f.Compare != "numeric" && f.Relative {
			v.errorf(at("relative"), "field %q: relative applies only to numeric", f.Name)
		}
	}
	if len(c.Blocking) == 0 {
		v.errorf(
			nil,
			"blocking: at least one rule is required (comparing all pairs does not scale)",
		)
	}
	for i, r := range c.Blocking {
		if len(r.Keys) == 0 {
			v.errorf([]any{"blocking", i}, "blocking[%d]: keys are required", i)
		}
		for j, k := range r.Keys {
			if _, err := parseKey(k); err != nil {
				v.errorf([]any{"blocking", i, "keys", j}, "blocking[%d]: %v", i, err)
			}
		}
	}
	if c.MaxBlockSize < 0 {
		v.errorf([]any{"max_block_size"}, "max_block_size must be ≥ 0")
	}
	t := c.Threshold
	switch {
	case t.Weight == nil && t.Probability == nil:
		v.errorf([]any{"threshold"}, "threshold: set weight or probability")
	case t.Weight != nil && t.Probability != nil:
		v.errorf([]any{"threshold"}, "threshold: set weight or probability, not both")
	case t.Weight != nil && (math.IsNaN(*t.Weight) || math.IsInf(*t.Weight, 0)):
		v.errorf([]any{"threshold", "weight"}, "threshold: weight must be a finite number")
	case t.Probability != nil && !(*t.Probability > 0 && *t.Probability < 1):
		v.errorf([]any{"threshold", "probability"}, "threshold: probability must be in (0, 1)")
	}
	em := c.EM
	if em.MaxIterations < 0 || !(em.Tolerance >= 0) || math.IsInf(em.Tolerance, 0) ||
		em.RandomPairs < 0 {
		v.errorf([]any{"em"}, "em: max_iterations, tolerance and random_pairs must be ≥ 0")
	}
	if !(em.InitialMatchShare >= 0 && em.InitialMatchShare < 1) {
		v.errorf([]any{"em", "initial_match_share"}, "em: initial_match_share must be in (0, 1)")
	}
}

func (c *Config) setDefaults() {
	if c.MaxBlockSize == 0 {
		c.MaxBlockSize = 1000
	}
	for i := range c.Fields {
		if c.Fields[i].Column == "" {
			c.Fields[i].Column = c.Fields[i].Name
		}
	}
	for i := range c.Blocking {
		if c.Blocking[i].Name == "" {
			c.Blocking[i].Name = "rule" + strconv.Itoa(i)
		}
	}
	if c.EM.MaxIterations == 0 {
		c.EM.MaxIterations = 100
	}
	if c.EM.Tolerance == 0 {
		c.EM.Tolerance = 1e-6
	}
	if c.EM.RandomPairs == 0 {
		c.EM.RandomPairs = 100000
	}
	if c.EM.InitialMatchShare == 0 {
		c.EM.InitialMatchShare = 0.1
	}
}

// comparator builds the field's Comparator.
func (f FieldConfig) comparator() Comparator {
	switch f.Compare {
	case "jaro_winkler":
		return JaroWinklerLevels{Thresholds: f.Levels}
	case "levenshtein":
		ts := make([]int, len(f.Levels))
		for i, t := range f.Levels {
			ts[i] = int(t)
		}
		return LevenshteinLevels{Thresholds: ts}
	case "date":
		return DateLevels{Layout: f.Format, Transposed: f.Transposed, Days: f.Days, Edits: f.Edits}
	case "numeric":
		return NumericLevels{Thresholds: f.Levels, Relative: f.Relative}
	default:
		return Exact{}
	}
}

// keyExpr is a parsed blocking key: a column with an optional transform.
type keyExpr struct {
	fn     string // "", soundex, first, last, digits, sorted
	column string
	n      int
}

var keyFuncs = map[string]bool{
	"soundex": false,
	"first":   true,
	"last":    true,
	"digits":  false,
	"sorted":  false,
}

// parseKey parses "col", "fn(col)" or "fn(col, N)".
func parseKey(s string) (keyExpr, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 {
		if s == "" || strings.ContainsAny(s, "),") {
			return keyExpr{}, fmt.Errorf("bad key %q", s)
		}
		return keyExpr{column: s}, nil
	}
	if !strings.HasSuffix(s, ")") {
		return keyExpr{}, fmt.Errorf("bad key %q: missing ')'", s)
	}
	fn := strings.TrimSpace(s[:open])
	takesN, ok := keyFuncs[fn]
	if !ok {
		known := make([]string, 0, len(keyFuncs))
		for k := range keyFuncs {
			known = append(known, k)
		}
		sort.Strings(known)
		return keyExpr{}, fmt.Errorf(
			"bad key %q: unknown transform %q (one of %s)",
			s,
			fn,
			strings.Join(known, ", "),
		)
	}
	args := strings.Split(s[open+1:len(s)-1], ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	k := keyExpr{fn: fn, column: args[0]}
	if k.column == "" {
		return keyExpr{}, fmt.Errorf("bad key %q: missing column", s)
	}
	switch {
	case takesN && len(args) != 2:
		return keyExpr{}, fmt.Errorf("bad key %q: %s takes a column and a length", s, fn)
	case takesN:
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return keyExpr{}, fmt.Errorf("bad key %q: length must be a whole number ≥ 1", s)
		}
		k.n = n
	case len(args) != 1:
		return keyExpr{}, fmt.Errorf("bad key %q: %s takes one column", s, fn)
	}
	return k, nil
}

// apply computes the key of a normalised value.
func (k keyExpr) apply(v string) string {
	switch k.fn {
	case "soundex":
		return Soundex(v)
	case "first":
		r := []rune(v)
		if len(r) > k.n {
			r = r[:k.n]
		}
		return string(r)
	case "last":
		r := []rune(v)
		if len(r) > k.n {
			r = r[len(r)-k.n:]
		}
		return string(r)
	case "digits":
		var b strings.Builder
		for _, c := range v {
			if c >= '0' && c <= '9' {
				b.WriteRune(c)
			}
		}
		return b.String()
	case "sorted":
		w := strings.Fields(v)
		sort.Strings(w)
		return strings.Join(w, " ")
	}
	return v
}
