package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/gcstest"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/sink"
)

// uploadInputs copies the input files of a generated sources config into the bucket under
// prefix, and writes a copy of the config whose paths point there.
func uploadInputs(
	t *testing.T,
	srv *fakestorage.Server,
	bucket, prefix, sourcesFile string,
) string {
	t.Helper()
	dir := filepath.Dir(sourcesFile)
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || p == sourcesFile {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{
			BucketName: bucket, Name: prefix + "/" + filepath.ToSlash(rel)}, Content: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile(`(?m)^(\s+path:\s+)(\S+)$`)
	remote := paths.ReplaceAll(cfg, []byte("${1}gs://"+bucket+"/"+prefix+"/${2}"))
	if bytes.Equal(remote, cfg) {
		t.Fatal("the sources config has no paths to point at the bucket")
	}
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, remote, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestNightsOnCloudStorage runs two incremental nights with everything on gs:// (a fake Cloud
// Storage): the sources, the output, the second night's --previous, the state it carries and the
// lease on its date; and the same two nights on local files. The second nights' tables must be
// the same.
func TestNightsOnCloudStorage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the nightly job four times")
	}
	const bucket = "shop"
	srv := gcstest.Serve(t, bucket)
	localSources := generate(t, 100)
	remoteSources := uploadInputs(t, srv, bucket, "data", localSources)
	t.Setenv("PORTRAITS_TEST_SALT", "nightly-test-salt-16")
	first := shiftDate(t, testDate, -1)
	night := func(sourcesFile, out, date, previous string) string {
		var log bytes.Buffer
		o := options{Sources: sourcesFile, Date: date, Output: out, Previous: previous,
			Incremental: true, Salt: saltflag.Flags{Env: "PORTRAITS_TEST_SALT"}}
		if err := run(context.Background(), o, &log); err != nil {
			t.Fatalf("nightly %s into %s: %v\n%s", date, out, err, log.String())
		}
		return log.String()
	}
	remote, local := "gs://"+bucket+"/out", t.TempDir()
	night(remoteSources, remote, first, "none")
	log := night(remoteSources, remote, testDate, sink.RunDir(remote, first))
	if !strings.Contains(log, "person ids continue the run of "+first) {
		t.Errorf("the second night on gs:// does not continue the first:\n%s", firstLines(log, 20))
	}
	state, err := sink.List(context.Background(), sink.Join(sink.RunDir(remote, testDate), "_state",
		"*", "*"))
	if err != nil || len(state) == 0 {
		t.Errorf("no state kept on gs:// (%v)", err)
	}
	night(localSources, local, first, "none")
	night(localSources, local, testDate, "")
	got, want := runTables(t, remote, testDate), runTables(t, local, testDate)
	// Rejects name their file, which lies elsewhere on the local night.
	for name, rows := range want {
		for i, row := range rows {
			rows[i] = strings.ReplaceAll(
				row,
				filepath.Dir(localSources)+"/",
				"gs://"+bucket+"/data/",
			)
		}
		slices.Sort(want[name])
	}
	sameTables(t, got, want, "on gs://", "on local files")
}

// sameTables fails the test for every table whose rows (runTables) differ between two runs, named
// for the messages; the runs must have persons, or the comparison would prove nothing.
func sameTables(t *testing.T, got, want map[string][]string, gotRun, wantRun string) {
	t.Helper()
	if len(want["persons"]) == 0 {
		t.Fatalf("no persons %s: the comparison would prove nothing", wantRun)
	}
	for _, table := range schemas.All() {
		if !slices.Equal(got[table.Name], want[table.Name]) {
			t.Errorf("table %s: %d rows %s, %d %s\n%s", table.Name, len(got[table.Name]), gotRun,
				len(want[table.Name]), wantRun, firstDifference(got[table.Name], want[table.Name]))
		}
	}
}
