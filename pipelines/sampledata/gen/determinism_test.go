package gen

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTree returns every file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	ca, cb := testConfig(a, 450), testConfig(b, 450)
	cb.Workers = 1 // another degree of parallelism must not change a byte
	if _, err := Run(ca); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(cb); err != nil {
		t.Fatal(err)
	}
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("%d files against %d", len(ta), len(tb))
	}
	if len(ta) < 12 {
		t.Fatalf("only %d files", len(ta))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("%s differs between two runs with the same flags", name)
		}
	}

	// Another seed gives other data.
	c := testConfig(t.TempDir(), 450)
	c.Seed++
	if _, err := Run(c); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(readTree(t, c.Output)["truth/persons.csv.gz"], ta["truth/persons.csv.gz"]) {
		t.Error("seed does not change the truth file")
	}
}

func TestRerunReplacesOutput(t *testing.T) {
	dir := t.TempDir()
	c := testConfig(dir, 900) // 4 groups, so 4 events files a day
	if _, err := Run(c); err != nil {
		t.Fatal(err)
	}
	c.Persons = 100 // 1 group
	if _, err := Run(c); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "clickstream", "events", "dt=*", "*"))
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), "events-00000") {
			t.Errorf("stale events file left behind: %s", f)
		}
	}
	if len(files) < c.Days {
		t.Errorf("%d events files for %d days", len(files), c.Days)
	}
}

func TestSourcesYAMLIsTheTemplate(t *testing.T) {
	got, err := os.ReadFile(filepath.Join(sampleDir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../sources.yaml.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("sources.yaml differs from sources.yaml.tmpl")
	}
}
