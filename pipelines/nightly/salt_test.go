package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/graphx"
	pipepb "github.com/apache/beam/sdks/v2/go/pkg/beam/model/pipeline_v1"
	"google.golang.org/protobuf/proto"

	"github.com/shopportraits/portraits/transforms/salt/saltflag"
)

// copySample copies the bundled sample into dir/sample and returns the copy's sources config.
func copySample(t *testing.T, dir string) string {
	t.Helper()
	err := filepath.Walk("../../sample", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel("../../sample", p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		to := filepath.Join(dir, "sample", rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "sample", "sources.yaml")
}

// dryRun builds the nightly job over sourcesFile without running it, with the salt variable set
// to salt ("" unsets it), and returns its log and error.
func dryRun(t *testing.T, sourcesFile, salt string) (string, error) {
	t.Helper()
	t.Setenv("PORTRAITS_TEST_SALT", salt)
	var log bytes.Buffer
	o := options{Sources: sourcesFile, Date: testDate, Output: filepath.Join(t.TempDir(), "out"),
		Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}, DryRun: true}
	err := run(context.Background(), o, &log)
	return log.String(), err
}

// TestSampleSaltOnlyForTheSamplesFiles: the sample's public salt hashes the bundled sample's own
// files, wherever they lie, and nothing else, whatever the config file is called.
func TestSampleSaltOnlyForTheSamplesFiles(t *testing.T) {
	log, err := dryRun(t, "../../sample/sources.yaml", "")
	if err != nil {
		t.Errorf("the bundled sample without a salt: %v", err)
	} else if !strings.Contains(log, "hashing salt: the bundled sample's built-in salt") {
		t.Errorf("the log does not say which salt the run used:\n%s", firstLines(log, 5))
	}

	// A copy of the sample folder, run from where it is as sample/sources.yaml, its tickets
	// pointed at another file.
	dir := t.TempDir()
	copySample(t, dir)
	pattern := filepath.Join(dir, "sample", "feedback", "tickets", "dt=*", "*.csv")
	tickets, err := filepath.Glob(pattern)
	if err != nil || len(tickets) == 0 {
		t.Fatalf("the copy of the sample has no tickets file (%v)", err)
	}
	data, err := os.ReadFile(tickets[0])
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "real", "dt=2026-11-20", "tickets.csv")
	data = append(data, "TK1,,13912345678,王五,其他,待处理,hi,2026-11-20 10:00:00,\n"...)
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "sample", "sources.yaml")
	yaml, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(yaml), "path: feedback/tickets/dt=*/*.csv",
		"path: "+filepath.Join(dir, "real", "dt=*", "*.csv"), 1)
	if edited == string(yaml) {
		t.Fatal("the sample's config has no tickets path to edit")
	}
	if err := os.WriteFile(cfg, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	log, err = dryRun(t, "sample/sources.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "PORTRAITS_TEST_SALT") {
		t.Fatalf("a copy of the sample reading another file ran without a salt (err %v):\n%s",
			err, firstLines(log, 5))
	}
}

// TestShortSaltRefused: a salt shorter than 16 bytes is refused, naming the variable and not the
// salt; a long one is used, and the log names its variable.
func TestShortSaltRefused(t *testing.T) {
	sourcesFile := generate(t, 20)
	for _, s := range []string{" ", "x", "fifteen-bytes!!"} {
		_, err := dryRun(t, sourcesFile, s)
		if err == nil || !strings.Contains(err.Error(), "PORTRAITS_TEST_SALT") {
			t.Errorf("salt %q: err = %v, want a refusal naming the variable", s, err)
		}
	}
	log, err := dryRun(t, sourcesFile, "nightly-test-salt-1")
	if err != nil {
		t.Fatal(err)
	}
	named := strings.Contains(log, "hashing salt: environment variable PORTRAITS_TEST_SALT\n")
	if !named || strings.Contains(log, "nightly-test-salt-1") {
		t.Errorf("the log does not name the salt's variable, or shows the salt:\n%s",
			firstLines(log, 5))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestSaltIsNotInTheJobGraph: the job graph a runner receives names where the salt is (a file
// here, a secret on Dataflow), never the salt itself, which each worker reads in its DoFns'
// Setup.
func TestSaltIsNotInTheJobGraph(t *testing.T) {
	const value = "a-salt-that-must-stay-on-this-machine"
	file := filepath.Join(t.TempDir(), "salt")
	if err := os.WriteFile(file, []byte(value+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORTRAITS_TEST_SALT", "")
	var log bytes.Buffer
	o := options{
		Sources: generate(t, 20),
		Date:    testDate,
		Output:  filepath.Join(t.TempDir(), "out"),
		Salt:    saltflag.Flags{File: file, Env: "PORTRAITS_TEST_SALT"},
	}
	j, err := plan(context.Background(), o, &log)
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "hashing salt: file "+file) {
		t.Errorf("the log does not name the salt file:\n%s", firstLines(log.String(), 5))
	}
	p, s := beam.NewPipelineWithRoot()
	if err := build(s, j); err != nil {
		t.Fatal(err)
	}
	edges, _, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	env := &pipepb.Environment{Urn: graphx.URNEnvProcess}
	pipe, err := graphx.Marshal(edges, &graphx.Options{Environment: env})
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(pipe)
	if err != nil {
		t.Fatal(err)
	}
	data = unwrapBase64(data, 3)
	if !bytes.Contains(data, []byte(file)) {
		t.Fatalf(
			"the job graph (%d bytes) does not name the salt file: is it the graph?",
			len(data),
		)
	}
	if bytes.Contains(data, []byte(value)) || strings.Contains(log.String(), value) {
		t.Errorf("the salt is in the job graph or the log")
	}
}

// base64Run is a run of base64 text long enough to be an encoded payload.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{24,}={0,2}`)

// unwrapBase64 appends to data the decoding of every base64 run in it, depth times over: Beam's Go
// SDK puts each DoFn into the job graph as base64 of a proto holding the DoFn's JSON.
func unwrapBase64(data []byte, depth int) []byte {
	all := data
	for range depth {
		var found []byte
		for _, run := range base64Run.FindAll(data, -1) {
			if b, err := base64.StdEncoding.DecodeString(string(run)); err == nil {
				found = append(found, b...)
			}
		}
		all = append(all, found...)
		data = found
	}
	return all
}
