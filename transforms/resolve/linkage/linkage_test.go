package linkage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

const smallConfig = `id_column: id
fields:
  - {name: first, compare: jaro_winkler, levels: [0.92, 0.8]}
  - {name: last, compare: jaro_winkler, levels: [0.92, 0.8]}
  - {name: dob, compare: date, transposed: true, days: [31], edits: 1}
  - {name: phone, compare: levenshtein, levels: [1, 2]}
  - {name: city, compare: exact}
blocking:
  - {name: phone, keys: [phone]}
  - {name: last_dob, keys: ["soundex(last)", "first(dob, 4)"]}
  - {name: city, keys: [city]}
max_block_size: 3
threshold: {probability: 0.5}
em: {random_pairs: 20000}
`

func mustLinker(t *testing.T, text string, header []string) *Linker {
	t.Helper()
	cfg, err := Parse([]byte(text), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := New(cfg, header)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var smallHeader = []string{"id", "first", "last", "dob", "phone", "city"}

func TestBlockingUnionAndStats(t *testing.T) {
	l := mustLinker(t, smallConfig, smallHeader)
	rows := [][]string{
		{"r0", "Ann", "Lee", "19800101", "111", "Paris"},
		{"r1", "Anne", "Leigh", "19800101", "111", "paris "}, // phone and last_dob and city with r0
		{"r2", "Bob", "Lee", "19811231", "222", "PARIS"},
		{"r3", "Cid", "Roe", "19700101", "", "Paris"}, // city block of 4 is over max_block_size 3
		{"r4", "Dee", "Rowe", "", "333", "Lyon"},      // empty dob: not in last_dob
		{"r5", "Dee", "Roe", "19700101", "333", "Lyon"},
	}
	recs := make([]Record, len(rows))
	for i, r := range rows {
		recs[i] = l.Normalize(r)
	}
	if recs[3].Keys[0] != "" || recs[4].Keys[1] != "" || recs[1].Values[4] != "paris" {
		t.Fatalf("normalised records: %+v", recs)
	}
	pairs, st := l.Block(recs)
	want := []Pair{{0, 1}, {3, 5}, {4, 5}}
	if fmt.Sprint(pairs) != fmt.Sprint(want) {
		t.Errorf("pairs = %v, want %v", pairs, want)
	}
	if st.Candidates != 3 || st.AllPairs != 15 {
		t.Errorf("stats %+v", st)
	}
	// phone: {r0,r1} {r4,r5}; last_dob: {r3,r5} (R000 1970; Lee is L000 but Leigh L200);
	// city: paris skipped, lyon {r4,r5} already made.
	wantRules := []RuleStats{
		{Name: "phone", Blocks: 2, Pairs: 2, NewPairs: 2},
		{Name: "last_dob", Blocks: 1, Pairs: 1, NewPairs: 1},
		{Name: "city", Blocks: 2, Pairs: 1, NewPairs: 0, SkippedBlocks: 1, SkippedRecords: 4},
	}
	if fmt.Sprint(st.Rules) != fmt.Sprint(wantRules) {
		t.Errorf("rules = %+v\nwant %+v", st.Rules, wantRules)
	}
}

func TestLinkRejectsBadIDs(t *testing.T) {
	l := mustLinker(t, smallConfig, smallHeader)
	if _, err := l.Link([][]string{{"a"}, {"a"}}); err == nil ||
		!strings.Contains(err.Error(), `share the id "a"`) {
		t.Errorf("duplicate ids: %v", err)
	}
	if _, err := l.Link([][]string{{"a"}, {" "}}); err == nil ||
		!strings.Contains(err.Error(), "record 2: empty id") {
		t.Errorf("empty id: %v", err)
	}
}

// TestLinkSynthetic builds people with noisy duplicates and checks the clusters.
func TestLinkSynthetic(t *testing.T) {
	firsts := []string{
		"wei",
		"li",
		"ming",
		"hui",
		"jun",
		"yan",
		"ling",
		"tao",
		"fang",
		"jie",
		"anna",
		"maria",
		"john",
		"peter",
		"lucas",
		"emma",
	}
	lasts := []string{
		"wang",
		"zhang",
		"chen",
		"liu",
		"yang",
		"huang",
		"zhao",
		"zhou",
		"wu",
		"xu",
		"sun",
		"ma",
		"hu",
		"guo",
		"lin",
		"he",
		"smith",
		"brown",
	}
	cities := []string{
		"shanghai",
		"beijing",
		"shenzhen",
		"hangzhou",
		"chengdu",
		"wuhan",
		"xian",
		"nanjing",
	}
	rng := rand.New(rand.NewPCG(3, 5))
	typo := func(s string) string {
		if len(s) < 3 {
			return s
		}
		i := 1 + rng.IntN(len(s)-2)
		b := []byte(s)
		switch rng.IntN(3) {
		case 0:
			b[i], b[i+1] = b[i+1], b[i]
		case 1:
			b[i] = byte('a' + rng.IntN(26))
		default:
			b = append(b[:i], b[i+1:]...)
		}
		return string(b)
	}
	var rows [][]string
	var truth []string
	for p := 0; p < 400; p++ {
		base := []string{
			"", firsts[rng.IntN(len(firsts))], lasts[rng.IntN(len(lasts))],
			fmt.Sprintf("19%02d%02d%02d", 40+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28)),
			fmt.Sprintf("1%010d", rng.Int64N(1e10)), cities[rng.IntN(len(cities))],
		}
		copies := 1 + rng.IntN(3)
		for c := 0; c < copies; c++ {
			row := append([]string(nil), base...)
			row[0] = fmt.Sprintf("p%03d-%d", p, c)
			if c > 0 {
				for k := 0; k < 2; k++ { // two damaged fields per duplicate
					f := 1 + rng.IntN(5)
					if rng.IntN(4) == 0 {
						row[f] = ""
					} else {
						row[f] = typo(row[f])
					}
				}
			}
			rows = append(rows, row)
			truth = append(truth, fmt.Sprint(p))
		}
	}
	text := strings.Replace(smallConfig, "max_block_size: 3", "max_block_size: 200", 1)
	text = strings.Replace(
		text,
		"  - {name: city, keys: [city]}\n",
		"  - {name: first_city, keys: [first, city]}\n",
		1,
	)
	l := mustLinker(t, text, smallHeader)
	res, err := l.Link(rows)
	if err != nil {
		t.Fatal(err)
	}
	s := PairwiseScores(truth, res.ClusterIDs)
	t.Logf(
		"%d records, %d candidates of %d pairs, EM %+v, precision %.4f recall %.4f F1 %.4f",
		len(
			rows,
		),
		res.Stats.Blocking.Candidates,
		res.Stats.Blocking.AllPairs,
		res.Stats.EM,
		s.Precision,
		s.Recall,
		s.F1,
	)
	if s.F1 < 0.95 {
		t.Errorf("F1 %.4f < 0.95", s.F1)
	}
	if !res.Stats.EM.Converged {
		t.Errorf("EM did not converge: %+v", res.Stats.EM)
	}
	// Cluster ids are member ids, the smallest of each cluster.
	members := map[string][]string{}
	for i, c := range res.ClusterIDs {
		members[c] = append(members[c], res.IDs[i])
	}
	for c, ids := range members {
		for _, id := range ids {
			if id < c {
				t.Fatalf("cluster %s has the smaller member %s", c, id)
			}
		}
		if ids[0] != c && !contains(ids, c) {
			t.Fatalf("cluster id %s is not a member of %v", c, ids)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// TestTermFrequencyIsBitIdentical computes the chance that two records agree on a field of many
// values again and again: it must come out the same to the last bit (a sum in a map's order
// changes from one call to the next).
func TestTermFrequencyIsBitIdentical(t *testing.T) {
	l := mustLinker(t, `id_column: id
fields:
  - {name: last, compare: exact, term_frequency: true}
blocking:
  - {keys: [last]}
threshold: {weight: 10}
`, []string{"id", "last"})
	var recs []Record
	for i := range 3000 {
		recs = append(
			recs,
			l.Normalize([]string{fmt.Sprint("r", i), fmt.Sprint("name", i%(1+i%97))}),
		)
	}
	want := l.termFrequencies(recs).agree[0]
	for range 20 {
		if got := l.termFrequencies(recs).agree[0]; math.Float64bits(
			got,
		) != math.Float64bits(
			want,
		) {
			t.Fatalf("agree %v, then %v", want, got)
		}
	}
}

// TestTermFrequency adjusts an exact agreement by how common the value is: a surname two records
// share gains log2(s/f) bits, one a hundred share about nothing, a field without term_frequency and
// a pair that does not agree exactly keep their weight.
func TestTermFrequency(t *testing.T) {
	l := mustLinker(t, `id_column: id
fields:
  - {name: last, compare: exact, term_frequency: true}
  - {name: city, compare: exact}
blocking:
  - {keys: [last]}
threshold: {weight: 10}
`, []string{"id", "last", "city"})
	var recs []Record
	for i := range 100 {
		recs = append(recs, l.Normalize([]string{fmt.Sprint("s", i), "Smith", "Leeds"}))
	}
	recs = append(
		recs,
		l.Normalize([]string{"z1", "Zyx", "Leeds"}),
		l.Normalize([]string{"z2", " zyx ", "Leeds"}),
	)
	tf := l.termFrequencies(recs)
	agree := (100.0/102)*(100.0/102) + (2.0/102)*(2.0/102)
	if math.Abs(tf.agree[0]-agree) > 1e-12 || tf.counts[1] != nil {
		t.Fatalf("agree %g, want %g; counts of city %v", tf.agree[0], agree, tf.counts[1])
	}
	for _, tc := range []struct {
		v    Vector
		a    *Record
		want float64
	}{
		{Vector{0, 0}, &recs[100], math.Log2(agree * 102 / 2)},
		{Vector{0, 0}, &recs[0], math.Log2(agree * 102 / 100)},
		{Vector{1, 0}, &recs[100], 0},
		{Vector{Missing, 0}, &recs[100], 0},
	} {
		if got := tf.adjustment(tc.v, tc.a); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("adjustment(%v, %q) = %.4f, want %.4f", tc.v, tc.a.Values[0], got, tc.want)
		}
	}
}
