package segment

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/shopportraits/portraits/transforms/segment/rules"
)

// FuzzParseConfig feeds arbitrary YAML to the segments config loader. A config that loads has
// settings in range and named, prioritised segments whose expressions compile, each with the line
// it is declared on; written back as YAML it loads to the same config; a refused one names the
// file.
func FuzzParseConfig(f *testing.F) {
	f.Add(defaultYAML)
	for _, s := range []string{
		"segments: []\n",
		"segments:\n" +
			"  - {name: big, priority: 1, expression: 'm_score >= 4 && has_clv_12m_fen', activate: true}\n",
		"segments:\n  - {name: a, priority: 1, expression: 'true'}\n" +
			"  - {name: a, priority: 2, expression: 'false'}\n",
		"segments:\n  - {name: bad, priority: 1, expression: 'm_score >= \"x\"'}\n",
		"segments:\n  - {name: deep, priority: 1, expression: '" + strings.Repeat("(", 300) + "true" +
			strings.Repeat(")", 300) + "'}\n",
		"clusters: {k: 0, k_min: 5, k_max: 3}\naffinity: {min_support: .nan}\n",
		"activation: {weekly_cap: -1}\n",
		"segments: {name: x}\n",
	} {
		f.Add([]byte(s))
	}
	const name = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, name)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := cfg.checkSettings(); err != nil {
			t.Fatalf("a loaded config has settings out of range: %v", err)
		}
		seen := map[string]bool{}
		for _, r := range cfg.Rules {
			if !nameRE.MatchString(r.Name) || seen[r.Name] || r.Priority < 1 || r.Line < 1 {
				t.Fatalf("segment accepted with a bad or repeated name, priority or line: %+v", r)
			}
			seen[r.Name] = true
			if _, err := rules.Compile(r.Expression); err != nil {
				t.Fatalf(
					"segment %s accepted, but its expression does not compile: %v",
					r.Name,
					err,
				)
			}
		}
		// Written back in the file's layout, the config loads again to the same settings and segments.
		out, err := yaml.Marshal(
			map[string]any{"activation": cfg.Activation, "clusters": cfg.Clusters,
				"affinity": cfg.Affinity, "segments": cfg.Rules},
		)
		if err != nil {
			t.Fatalf("a loaded config does not marshal: %v", err)
		}
		again, err := ParseConfig(out, name)
		if err != nil {
			t.Fatalf("a loaded config, written back, is refused: %v\n%s", err, out)
		}
		if len(again.Rules) != len(cfg.Rules) {
			t.Fatalf("written back, %d segments load as %d", len(cfg.Rules), len(again.Rules))
		}
		for i := range cfg.Rules {
			again.Rules[i].Line = cfg.Rules[i].Line
		}
		if len(cfg.Rules) == 0 {
			cfg.Rules, again.Rules = nil, nil // no segments, whether absent or an empty list
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("written back and loaded again, the config differs:\n%+v\n%+v", cfg, again)
		}
	})
}
