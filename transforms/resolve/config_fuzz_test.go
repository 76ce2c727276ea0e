package resolve

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzLoadConfig writes arbitrary bytes as a resolve config file. A config that loads validates,
// compiles its blocklist, has finite settings in range and, written back, loads to the same
// config; a refused one names the file.
func FuzzLoadConfig(f *testing.F) {
	def, err := yaml.Marshal(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(def),
		"",
		"max_links: 5\nmatch: {threshold: 0.9, seed: 42}\n",
		"blocklist:\n  phone: ['^\\+8617000000000$']\n  device: []\nmax_accounts: {device: 1}\n",
		"blocklist: {fax: ['x']}\n",
		"blocklist: {email: ['(']}\n",
		"rounds: 65\n",
		"max_accounts: {account: 2}\n",
		"match: {threshold: 1}\n",
		"unknown_key: 1\n",
		"max_links: 1e9\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "resolve.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("a loaded config does not validate: %v", err)
		}
		if _, err := cfg.compileBlocklist(); err != nil {
			t.Fatalf("a loaded config's blocklist does not compile: %v", err)
		}
		m := cfg.Match
		if !(m.Threshold > 0 && m.Threshold < 1) || math.IsNaN(m.Tolerance) ||
			math.IsInf(m.Tolerance, 0) ||
			m.Tolerance < 0 ||
			m.MaxIterations < 0 {
			t.Fatalf("match settings out of range accepted: %+v", m)
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("a loaded config does not marshal: %v", err)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := LoadConfig(path)
		if err != nil {
			t.Fatalf("a loaded config, written back, is refused: %v\n%s", err, out)
		}
		if out2, err := yaml.Marshal(again); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf(
				"written back and loaded again, the config differs (%v):\n%s\n%s",
				err,
				out,
				out2,
			)
		}
	})
}
