package clean

import (
	"sort"
	"testing"

	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/salt"
	"github.com/shopportraits/portraits/transforms/sources"
)

// FuzzValidate gives every parser arbitrary field values: each record must come out as a row or as
// a reject with a reason, never a panic.
func FuzzValidate(f *testing.F) {
	f.Add(uint8(0), "u1", "+86 138-0013-8000", "2026-11-20 10:00:00", "¥12.50", "女")
	f.Add(uint8(1), "o1", "-5", "1732000000123", "1e400", "lost")
	f.Add(uint8(4), "e\xff", "python-requests", "2026年11月20日 10:00", "", "add_cart")
	f.Add(uint8(6), "ABCDEF", "25~34", "9", "中高", "美妆|旅游")
	cfg, err := sources.Parse([]byte(testConfig), "test.yaml")
	if err != nil {
		f.Fatal(err)
	}
	opt := Options{Date: "2026-11-21", SaltSource: salt.Sample}
	envs := make([]*env, len(cfg.Sources))
	for i, s := range cfg.Sources {
		if envs[i], err = newEnv(cfg, s.Name, opt); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c, d, e string) {
		en := envs[int(which)%len(envs)]
		values := []string{a, b, c, d, e}
		kv := map[string]string{}
		var names []string
		for _, fl := range sources.Kinds[en.src.Kind] {
			names = append(names, fl.Name)
		}
		sort.Strings(names)
		for i, name := range names {
			kv[name] = values[i%len(values)]
		}
		fl := &fields{rec: ingest.Record{Source: en.src.Name, Fields: kv}, env: en}
		row := parsers[en.src.Kind](fl)
		if fl.err == nil && row.NaturalKey() == "" {
			t.Fatalf("%s row without a natural key accepted: %+v", en.src.Kind, row)
		}
		if fl.err != nil && fl.err.reason == "" {
			t.Fatal("reject without a reason")
		}
	})
}
