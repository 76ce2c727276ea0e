package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

const febrlDir = "../../../shared/data/febrl"

func readOutput(t *testing.T, path string) (ids, clusters []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"record_id", "cluster_id"}) {
		t.Fatalf("output header = %v", rows[:min(1, len(rows))])
	}
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
		clusters = append(clusters, r[1])
	}
	return ids, clusters
}

// TestToolSmall runs the tool on a generated CSV of 150 people, a third of them with a
// mistyped duplicate, and checks the output format and clusters.
func TestToolSmall(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.csv")
	os.WriteFile(cfg, []byte(`id_column: id
fields:
  - {name: name, compare: jaro_winkler, levels: [0.9]}
  - {name: phone, compare: levenshtein, levels: [1]}
  - {name: city, compare: exact}
blocking:
  - {keys: ["first(phone, 8)"]}
  - {keys: ["first(name, 3)", city]}
threshold: {probability: 0.5}
`), 0o644)
	firsts := []string{
		"martha",
		"john",
		"wei",
		"li",
		"anna",
		"peter",
		"ming",
		"lucas",
		"emma",
		"jun",
	}
	lasts := []string{
		"smith",
		"doe",
		"wang",
		"zhang",
		"chen",
		"brown",
		"liu",
		"yang",
		"zhao",
		"lee",
		"xu",
		"sun",
		"hu",
		"ma",
		"he",
	}
	cities := []string{"shanghai", "beijing", "shenzhen", "hangzhou", "wuhan"}
	var b strings.Builder
	b.WriteString("id, name, phone, city\n")
	truth := map[string]string{}
	for p := 0; p < 150; p++ {
		name := firsts[p%10] + " " + lasts[(p/10)%15] // 150 distinct names
		phone := fmt.Sprintf("139%08d", p*7919%100000000)
		city := cities[(p*3)%5]
		id := fmt.Sprintf("p%03d", p)
		fmt.Fprintf(&b, "%s, \"%s\", %s, %s\n", id, name, phone, city)
		truth[id] = id
		if p%3 == 0 {
			dup := id + "-dup"
			// Swap two letters of the name and mistype one digit of the phone.
			r := []byte(name)
			r[len(r)-2], r[len(r)-3] = r[len(r)-3], r[len(r)-2]
			ph := []byte(phone)
			ph[9] = '0' + (ph[9]-'0'+1)%10
			fmt.Fprintf(&b, "%s, %s, %s, %s\n", dup, r, ph, city)
			truth[dup] = id
		}
	}
	os.WriteFile(in, []byte(b.String()), 0o644)
	var log bytes.Buffer
	if err := run([]string{"--config", cfg, "--input", in, "--output", out}, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	ids, clusters := readOutput(t, out)
	if len(ids) != len(truth) || ids[0] != "p000" || ids[1] != "p000-dup" {
		t.Fatalf("output ids %v", ids)
	}
	want := make([]string, len(ids))
	for i, id := range ids {
		want[i] = truth[id]
	}
	if !slices.Equal(clusters, want) {
		t.Errorf("clusters differ from the truth\n%s", log.String())
	}
	if !strings.Contains(log.String(), "candidate pairs compared") {
		t.Errorf("no summary: %s", log.String())
	}
}

func TestToolErrors(t *testing.T) {
	var log bytes.Buffer
	if err := run(nil, &log); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("no flags: %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id_column: id\nfields: [{name: x, compare: nope}]\n"), 0o644)
	err := run(
		[]string{"--config", bad, "--input", "x.csv", "--output", filepath.Join(dir, "o.csv")},
		&log,
	)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:2:") {
		t.Errorf("bad config: %v", err)
	}
}

// TestFEBRL runs the tool with the shipped febrl.yaml on FEBRL datasets 1 and 2 and checks the
// pairwise F1 of the clusters: records rec-N-org and rec-N-dup-k are the same person.
func TestFEBRL(t *testing.T) {
	if _, err := os.Stat(febrlDir); err != nil {
		t.Skipf("FEBRL data not found at %s (%v); skipping the accuracy check", febrlDir, err)
	}
	truthRE := regexp.MustCompile(`^rec-(\d+)-(org|dup-\d+)$`)
	for _, name := range []string{"dataset1.csv", "dataset2.csv"} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "clusters.csv")
			var log bytes.Buffer
			start := time.Now()
			if err := run([]string{"--config", "febrl.yaml", "--input", filepath.Join(febrlDir, name),
				"--output", out}, &log); err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			elapsed := time.Since(start)
			ids, clusters := readOutput(t, out)
			truth := make([]string, len(ids))
			for i, id := range ids {
				m := truthRE.FindStringSubmatch(id)
				if m == nil {
					t.Fatalf("unexpected record id %q", id)
				}
				truth[i] = m[1]
			}
			s := linkage.PairwiseScores(truth, clusters)
			t.Logf(
				"%s: %d records in %v\n%s\n"+
					"precision %.4f recall %.4f F1 %.4f (true pairs %d, predicted %d, correct %d)",
				name,
				len(ids),
				elapsed.Round(time.Millisecond),
				strings.TrimSpace(log.String()),
				s.Precision,
				s.Recall,
				s.F1,
				s.True,
				s.Predicted,
				s.Correct,
			)
			if s.F1 < 0.98 {
				t.Errorf(
					"%s: pairwise F1 %.4f < 0.98 (precision %.4f, recall %.4f)",
					name,
					s.F1,
					s.Precision,
					s.Recall,
				)
			}
		})
	}
}
