package linkage

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Record is an input row prepared for linkage.
type Record struct {
	// ID is the record id.
	ID string
	// Values holds the normalised value of each configured field, in Config.Fields order.
	Values []string
	// Keys holds the record's key for each blocking rule, "" when the record is not blocked by
	// that rule (an empty key part).
	Keys []string
}

// Vector is a comparison vector: one level (or Missing) per field.
type Vector []int8

// Linker is a compiled Config bound to an input header.
type Linker struct {
	cfg         *Config
	idCol       int
	fieldCols   []int
	comparators []Comparator
	ruleKeys    [][]boundKey
}

type boundKey struct {
	expr keyExpr
	col  int // input column
}

// New compiles cfg against the column names of the input. Column names are matched after
// trimming spaces.
func New(cfg *Config, header []string) (*Linker, error) {
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(h)] = i
	}
	col := func(name string) (int, error) {
		if i, ok := cols[name]; ok {
			return i, nil
		}
		return 0, fmt.Errorf("column %q not in the input header %v", name, header)
	}
	l := &Linker{cfg: cfg}
	var err error
	if l.idCol, err = col(cfg.IDColumn); err != nil {
		return nil, fmt.Errorf("id_column: %w", err)
	}
	fieldCol := map[string]int{}
	for _, f := range cfg.Fields {
		c, err := col(f.Column)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		l.fieldCols = append(l.fieldCols, c)
		l.comparators = append(l.comparators, f.comparator())
		fieldCol[f.Name] = c
	}
	for _, r := range cfg.Blocking {
		var keys []boundKey
		for _, k := range r.Keys {
			e, err := parseKey(k)
			if err != nil {
				return nil, fmt.Errorf("blocking rule %q: %w", r.Name, err)
			}
			c, ok := fieldCol[e.column]
			if !ok {
				if c, err = col(e.column); err != nil {
					return nil, fmt.Errorf("blocking rule %q: %w", r.Name, err)
				}
			}
			keys = append(keys, boundKey{expr: e, col: c})
		}
		l.ruleKeys = append(l.ruleKeys, keys)
	}
	return l, nil
}

// Config returns the linker's configuration.
func (l *Linker) Config() *Config { return l.cfg }

// normalize trims, lower-cases and collapses inner white space.
func normalize(v string) string {
	return strings.Join(strings.Fields(strings.ToLower(v)), " ")
}

// Normalize prepares one input row: the id, the normalised field values and the blocking keys.
// Missing columns at the end of a short row read as empty.
func (l *Linker) Normalize(row []string) Record {
	get := func(c int) string {
		if c < len(row) {
			return normalize(row[c])
		}
		return ""
	}
	r := Record{
		ID:     strings.TrimSpace(get0(row, l.idCol)),
		Values: make([]string, len(l.fieldCols)),
		Keys:   make([]string, len(l.ruleKeys)),
	}
	for i, c := range l.fieldCols {
		r.Values[i] = get(c)
	}
	for i, keys := range l.ruleKeys {
		parts := make([]string, len(keys))
		for j, k := range keys {
			parts[j] = k.expr.apply(get(k.col))
			if parts[j] == "" {
				parts = nil
				break
			}
		}
		if parts != nil {
			r.Keys[i] = strings.Join(parts, "\x1f")
		}
	}
	return r
}

func get0(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// Compare returns the comparison vector of records a and b.
func (l *Linker) Compare(a, b *Record) Vector {
	v := make(Vector, len(l.comparators))
	for i, c := range l.comparators {
		v[i] = int8(c.Compare(a.Values[i], b.Values[i]))
	}
	return v
}

// Levels returns the level names of each field, in Config.Fields order.
func (l *Linker) Levels() [][]string {
	out := make([][]string, len(l.comparators))
	for i, c := range l.comparators {
		out[i] = c.Levels()
	}
	return out
}

// Result is the outcome of Link.
type Result struct {
	// IDs are the record ids, in input order.
	IDs []string
	// ClusterIDs holds each record's cluster id (the smallest record id in its cluster), in
	// input order.
	ClusterIDs []string
	// Params are the estimated m and u probabilities.
	Params *Params
	// Stats describes the run.
	Stats Stats
}

// Stats describes a Link run.
type Stats struct {
	// Records is the number of input records.
	Records int
	// Blocking reports the candidate pairs.
	Blocking BlockStats
	// RandomPairs is the number of random pairs that initialised u.
	RandomPairs int
	// EM reports the estimation.
	EM EMStats
	// Matches is the number of candidate pairs at or above the threshold.
	Matches int
	// Clusters is the number of clusters, singletons included.
	Clusters int
	// Timings of each phase.
	Normalize, Block, Compare, Estimate, Score, Cluster time.Duration
}

// Link runs the whole model on rows (without the header): normalise, block, compare, estimate m
// and u by EM, keep the pairs at or above the threshold, and cluster them. Record ids must be
// unique and non-empty.
func (l *Linker) Link(rows [][]string) (*Result, error) {
	var st Stats
	t0 := time.Now()
	recs := make([]Record, len(rows))
	seen := make(map[string]int, len(rows))
	for i, row := range rows {
		recs[i] = l.Normalize(row)
		id := recs[i].ID
		if id == "" {
			return nil, fmt.Errorf("record %d: empty %s", i+1, l.cfg.IDColumn)
		}
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("records %d and %d share the id %q", j+1, i+1, id)
		}
		seen[id] = i
	}
	st.Records = len(recs)
	t1 := time.Now()
	st.Normalize = t1.Sub(t0)

	pairs, bst := l.Block(recs)
	st.Blocking = bst
	t2 := time.Now()
	st.Block = t2.Sub(t1)

	vectors := make([]Vector, len(pairs))
	for i, p := range pairs {
		vectors[i] = l.Compare(&recs[p.A], &recs[p.B])
	}
	t3 := time.Now()
	st.Compare = t3.Sub(t2)

	init, n := l.InitialParams(recs)
	st.RandomPairs = n
	params, est := EM(vectors, init, l.cfg.EM)
	st.EM = est
	t4 := time.Now()
	st.Estimate = t4.Sub(t3)

	tf := l.termFrequencies(recs)
	var kept []Pair
	for i, v := range vectors {
		if l.accept(params, v, tf.adjustment(v, &recs[pairs[i].A])) {
			kept = append(kept, pairs[i])
		}
	}
	st.Matches = len(kept)
	t5 := time.Now()
	st.Score = t5.Sub(t4)

	ids := make([]string, len(recs))
	for i := range recs {
		ids[i] = recs[i].ID
	}
	clusters := Cluster(ids, kept)
	distinct := map[string]bool{}
	for _, c := range clusters {
		distinct[c] = true
	}
	st.Clusters = len(distinct)
	st.Cluster = time.Since(t5)
	return &Result{IDs: ids, ClusterIDs: clusters, Params: params, Stats: st}, nil
}

// accept reports whether a comparison vector is a match under the configured threshold, with
// adjust bits added to its weight (the term-frequency adjustment).
func (l *Linker) accept(p *Params, v Vector, adjust float64) bool {
	w, _ := p.Score(v)
	w += adjust
	if t := l.cfg.Threshold.Weight; t != nil {
		return w >= *t
	}
	return p.Probability(w) >= *l.cfg.Threshold.Probability
}

// termFreqs are the value counts of the fields with term_frequency (nil for the others).
type termFreqs struct {
	counts []map[string]int
	total  []int
	agree  []float64 // the chance that two random records agree on the field
}

// termFrequencies counts the values of the fields with term_frequency over recs.
func (l *Linker) termFrequencies(recs []Record) termFreqs {
	n := len(l.cfg.Fields)
	tf := termFreqs{
		counts: make([]map[string]int, n),
		total:  make([]int, n),
		agree:  make([]float64, n),
	}
	for f, fc := range l.cfg.Fields {
		if !fc.TermFrequency {
			continue
		}
		counts := map[string]int{}
		for i := range recs {
			if v := recs[i].Values[f]; v != "" {
				counts[v]++
				tf.total[f]++
			}
		}
		// The sum of the squared shares, from the exact sum of the squared counts: a float sum
		// taken in a map's order would change in the last digit from one run to the next.
		var squares int64
		for _, c := range counts {
			squares += int64(c) * int64(c)
		}
		if n := float64(tf.total[f]); n > 0 {
			tf.agree[f] = float64(squares) / (n * n)
		}
		tf.counts[f] = counts
	}
	return tf
}

// adjustment is the term-frequency adjustment in bits of a pair with comparison vector v, a being
// one of its records: for each term_frequency field on which the pair agrees exactly,
// log2(agree / share of the value).
func (tf termFreqs) adjustment(v Vector, a *Record) float64 {
	adjust := 0.0
	for f, counts := range tf.counts {
		if counts == nil || v[f] != 0 {
			continue
		}
		if c := counts[a.Values[f]]; c > 0 {
			adjust += math.Log2(tf.agree[f] * float64(tf.total[f]) / float64(c))
		}
	}
	return adjust
}

// Score returns the total match weight of v (the sum of log2(m/u) over the non-missing fields)
// and its posterior match probability given the match share Lambda.
func (p *Params) Score(v Vector) (weight, probability float64) {
	for f, lv := range v {
		if lv == Missing {
			continue
		}
		weight += p.Weight(f, int(lv))
	}
	return weight, p.Probability(weight)
}

// Probability is the posterior match probability of a pair of total match weight w given the match
// share Lambda.
func (p *Params) Probability(w float64) float64 {
	prior := math.Log2(p.Lambda / (1 - p.Lambda))
	return 1 / (1 + math.Exp2(-(w + prior)))
}
