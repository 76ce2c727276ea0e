package linkage

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParse feeds arbitrary YAML to the linkage config parser. A config that parses has finite
// thresholds and levels, binds to a header holding the columns it names, compares records into
// valid levels and, written back, parses to the same config; every error of a refusal starts with
// the config's name.
func FuzzParse(f *testing.F) {
	febrl, err := os.ReadFile("../../../pipelines/linkage/febrl.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(febrl)
	for _, s := range []string{
		"id_column: id\nfields: [{name: n, compare: exact}]\nblocking: [{keys: [n]}]\n" +
			"threshold: {weight: 3}\n",
		"id_column: id\n" +
			"fields: [{name: d, column: dob, compare: date, format: '02/01/2006', days: " +
			"[1, 7], edits: 2}]\n" +
			"blocking: [{keys: ['last(dob, 4)', 'digits(d)']}]\nthreshold: {probability: 0.5}\n" +
			"em: {fix_u: true, initial_match_share: 0.3}\n",
		"id_column: id\nfields: [{name: x, compare: numeric, levels: [0.5, 2], relative: true}]\n" +
			"blocking: [{keys: ['sorted(x)']}]\nthreshold: {probability: 1}\n",
		"id_column: id\nfields: [{name: x, compare: levenshtein, levels: [1.5]}]\n" +
			"blocking: [{keys: ['first(x, 0)']}]\n",
		"fields: {}\n",
		"",
	} {
		f.Add([]byte(s))
	}
	const name = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, name)
		if err != nil {
			errs := []error{err}
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				errs = joined.Unwrap()
			}
			for _, e := range errs {
				if !strings.HasPrefix(e.Error(), name+":") {
					t.Fatalf("error does not start with the file name: %q", e)
				}
			}
			return
		}
		finite := func(what string, x float64) {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s %v accepted", what, x)
			}
		}
		if w := cfg.Threshold.Weight; w != nil {
			finite("threshold weight", *w)
		}
		if p := cfg.Threshold.Probability; p != nil {
			finite("threshold probability", *p)
		}
		finite("em tolerance", cfg.EM.Tolerance)
		finite("em initial_match_share", cfg.EM.InitialMatchShare)
		header := []string{cfg.IDColumn}
		for _, fl := range cfg.Fields {
			for _, x := range fl.Levels {
				finite("field "+fl.Name+" level", x)
			}
			header = append(header, fl.Column)
		}
		for _, r := range cfg.Blocking {
			for _, k := range r.Keys {
				e, err := parseKey(k)
				if err != nil {
					t.Fatalf("blocking key %q accepted, then refused: %v", k, err)
				}
				header = append(header, e.column)
			}
		}
		l, err := New(cfg, header)
		if err != nil {
			t.Fatalf(
				"a parsed config does not bind to a header of its own columns %q: %v",
				header,
				err,
			)
		}
		a, b := l.Normalize(header), l.Normalize([]string{"x", "19990102"})
		levels := l.Levels()
		for _, v := range []Vector{l.Compare(&a, &b), l.Compare(&a, &a)} {
			for i, lv := range v {
				if lv != Missing && (lv < 0 || int(lv) >= len(levels[i])) {
					t.Fatalf("field %s: level %d of %d", cfg.Fields[i].Name, lv, len(levels[i]))
				}
			}
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("a parsed config does not marshal: %v", err)
		}
		again, err := Parse(out, name)
		if err != nil {
			t.Fatalf("a parsed config, written back, is refused: %v\n%s", err, out)
		}
		if out2, err := yaml.Marshal(again); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf(
				"written back and parsed again, the config differs (%v):\n%s\n%s",
				err,
				out,
				out2,
			)
		}
	})
}
