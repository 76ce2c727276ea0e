package sources

import (
	"os"
	"testing"
)

// FuzzParse feeds arbitrary YAML to the config loader: it must return a config or an error naming
// the file, never panic.
func FuzzParse(f *testing.F) {
	sample, err := os.ReadFile("../../pipelines/sampledata/sources.yaml.tmpl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte("sources:\n  - {name: a, kind: users, format: csv, path: '['}\n"))
	f.Add([]byte("sources: 3\nrules: {bot_user_agents: ['(']}\n"))
	f.Add([]byte("business_timezone: Mars/Olympus\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, "fuzz.yaml")
		if err == nil && len(cfg.Sources) == 0 {
			t.Fatal("a config without sources was accepted")
		}
	})
}
