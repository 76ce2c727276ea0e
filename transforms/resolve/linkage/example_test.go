package linkage_test

import (
	"fmt"

	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// The string comparators behind the comparison levels.
func ExampleJaroWinkler() {
	fmt.Printf("%.3f\n", linkage.JaroWinkler("martha", "marhta"))
	fmt.Printf("%.3f\n", linkage.JaroWinkler("zhang", "wang"))
	fmt.Println(linkage.Levenshtein("13800138000", "13800183000"))
	fmt.Println(linkage.Soundex("Robert"), linkage.Soundex("Rupert"))
	// Output:
	// 0.961
	// 0.783
	// 2
	// R163 R163
}

// A Linker maps a pair of records to a comparison vector: one agreement level per field, which
// EM then weighs.
func ExampleLinker_Compare() {
	cfg, err := linkage.Parse([]byte(`
id_column: id
fields:
  - {name: name, compare: jaro_winkler, levels: [0.92, 0.8]}
  - {name: phone, compare: levenshtein, levels: [1, 2]}
  - {name: city, compare: exact}
blocking:
  - {name: phone_tail, keys: ["last(phone, 4)"]}
threshold: {probability: 0.9}
`), "example.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := linkage.New(cfg, []string{"id", "name", "phone", "city"})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := l.Normalize([]string{"a1", "Zhang Wei", "13800138000", "Hangzhou"})
	b := l.Normalize([]string{"b7", "Zhang Wai", "13800138001", "Shanghai"})
	levels := l.Levels()
	for i, level := range l.Compare(&a, &b) {
		name := "missing" // an empty value on either side
		if level != linkage.Missing {
			name = levels[i][level]
		}
		fmt.Printf("%s: %s\n", cfg.Fields[i].Name, name)
	}
	// Output:
	// name: jw>=0.92
	// phone: edits<=1
	// city: else
}

// Accepted pairs become clusters named by their smallest record id, whatever order the pairs
// were found in.
func ExampleCluster() {
	ids := []string{"r3", "r1", "r2", "r4"}
	pairs := []linkage.Pair{{A: 0, B: 2}, {A: 1, B: 2}} // r3-r2 and r1-r2
	fmt.Println(linkage.Cluster(ids, pairs))
	// Output:
	// [r1 r1 r1 r4]
}
