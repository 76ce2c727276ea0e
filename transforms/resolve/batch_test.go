package resolve

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
)

// fact is a node fact of a test: the identifier's hash and the node.
type fact struct {
	Hash string
	Node node
}

func factKV(f fact) (string, node) { return f.Hash, f.Node }

func nodeString(h string, n node) string { return fmt.Sprintf("%s %+v", h, n) }

func init() {
	register.Function1x2(factKV)
	register.Function2x1(nodeString)
}

// randomFacts are n facts over a few identifiers, with accounts, partners, scores and last night's
// ids drawn at random, some fields left empty.
func randomFacts(rng *rand.Rand, n int) []fact {
	pick := func(prefix string, k int) []string {
		var out []string
		for range rng.IntN(k) {
			out = append(out, fmt.Sprintf("%s%d", prefix, rng.IntN(90)))
		}
		return union(nil, sortedSet(out))
	}
	facts := make([]fact, n)
	for i := range facts {
		id := rng.IntN(40)
		n := node{Accounts: pick("account:", 3), Partners: pick("phone:", 3)}
		if rng.IntN(4) > 0 {
			n.Key = fmt.Sprintf("device:%d", id)
		}
		if rng.IntN(5) == 0 {
			n.Score = rng.Float64()
		}
		if rng.IntN(6) == 0 {
			n.Prev = fmt.Sprintf("P%d", rng.IntN(3))
		}
		facts[i] = fact{Hash: fmt.Sprintf("h%02d", id), Node: n}
	}
	return facts
}

// sortedSet sorts values and drops repeats, as node lists are kept.
func sortedSet(v []string) []string {
	out := union(nil, nil)
	for _, s := range v {
		out = union(out, []string{s})
	}
	return out
}

// TestMergeFactsAsCombine merges facts in batches to what merging them one by one with mergeNodes
// gives, per identifier, over facts spread across collections, bundles and buckets.
func TestMergeFactsAsCombine(t *testing.T) {
	facts := randomFacts(rand.New(rand.NewPCG(1, 2)), 600)
	merged := map[string]node{}
	for _, f := range facts {
		if cur, ok := merged[f.Hash]; ok {
			merged[f.Hash] = mergeNodes{}.MergeAccumulators(cur, f.Node)
		} else {
			merged[f.Hash] = f.Node
		}
	}
	var want []string
	for h, n := range merged {
		want = append(want, nodeString(h, n))
	}
	p, s := beam.NewPipelineWithRoot()
	// One identifier's facts come from several collections, as from several sources' rows.
	got := mergeFacts(
		s,
		beam.ParDo(s, factKV, beam.CreateList(s, facts[:250])),
		beam.ParDo(s, factKV, beam.CreateList(s, facts[250:])),
	)
	passert.EqualsList(s, beam.ParDo(s, nodeString, got), want)
	ptest.RunAndValidate(t, p)

	// A bucket's batches come from many bundles: the facts of one identifier meet again there.
	var batches [][]byte
	for i := range 6 {
		var b []byte
		for _, f := range facts[i*100 : (i+1)*100] {
			b = appendFact(b, f.Hash, &f.Node)
		}
		batches = append(batches, b)
	}
	next := 0
	iter := func(b *[]byte) bool {
		if next == len(batches) {
			return false
		}
		*b, next = batches[next], next+1
		return true
	}
	var bucket []string
	if err := mergeBatches(0, iter, func(h string, n node) {
		bucket = append(bucket, nodeString(h, n))
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(bucket)
	slices.Sort(want)
	if !slices.Equal(bucket, want) {
		t.Errorf(
			"merged batches:\n%s\nwant\n%s",
			strings.Join(bucket, "\n"),
			strings.Join(want, "\n"),
		)
	}
}

// TestFactBatches decodes what it encodes, and rejects a batch cut short.
func TestFactBatches(t *testing.T) {
	facts := randomFacts(rand.New(rand.NewPCG(3, 4)), 50)
	var b []byte
	for _, f := range facts {
		b = appendFact(b, f.Hash, &f.Node)
	}
	var got []fact
	if err := readFacts(b, func(h string, n node) { got = append(got, fact{h, n}) }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, facts) {
		t.Errorf("decoded %+v, want %+v", got, facts)
	}
	for _, cut := range []int{1, 5, len(b) - 1} {
		if err := readFacts(b[:cut], func(string, node) {}); err != errBadFacts {
			t.Errorf("batch cut to %d bytes: error %v, want %v", cut, err, errBadFacts)
		}
	}
}

// TestMemberBatches decodes every field of the members it encodes, with their keys, and rejects a
// batch cut short.
func TestMemberBatches(t *testing.T) {
	type keyed struct {
		Key string
		M   member
	}
	in := []keyed{
		{
			"account:u1",
			member{
				IDHash:   "h1",
				Key:      "phone:+8613800001111",
				Accounts: []string{"account:u1", "account:u2"},
				Partners: []string{"ticket:t9"},
				Score:    0.97,
				Prev:     "P0001",
				Guard:    "max_links",
				PartSize: 7,
			},
		},
		{"account:u3", member{IDHash: "h2", Key: "account:u3", PartSize: 1}},
		{"", member{IDHash: "h3", Key: "device:d1", Accounts: []string{}, Partners: nil}},
	}
	var b []byte
	for _, k := range in {
		b = appendMember(b, k.Key, &k.M)
	}
	var got []keyed
	if err := readMembers(b, func(key string, m member) {
		got = append(got, keyed{key, m})
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(in) {
		t.Fatalf("decoded %d members, want %d", len(got), len(in))
	}
	for i := range in {
		// Empty and nil lists decode alike.
		w, g := in[i], got[i]
		if len(w.M.Accounts) == 0 && len(g.M.Accounts) == 0 {
			w.M.Accounts, g.M.Accounts = nil, nil
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("member %d: decoded %+v, want %+v", i, g, w)
		}
	}
	for _, cut := range []int{1, 5, len(b) - 1} {
		if err := readMembers(b[:cut], func(string, member) {}); err != errBadMembers {
			t.Errorf("batch cut to %d bytes: error %v, want %v", cut, err, errBadMembers)
		}
	}
}
