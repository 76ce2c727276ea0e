package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/exitcode"
)

// TestRefuseBeamFlags: Beam's flags that return before the job has run are refused, naming them;
// others pass.
func TestRefuseBeamFlags(t *testing.T) {
	parse := func(args ...string) *flag.FlagSet {
		fs := flag.NewFlagSet("nightly", flag.ContinueOnError)
		fs.Bool("async", false, "")
		fs.Bool("dry_run", false, "")
		fs.String("template_location", "", "")
		fs.String("runner", "", "")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return fs
	}
	if err := refuseBeamFlags(parse("--runner", "dataflow")); err != nil {
		t.Errorf("--runner refused: %v", err)
	}
	err := refuseBeamFlags(parse("--async", "--template_location", "gs://b/t"))
	if err == nil || !strings.Contains(err.Error(), "--async, --template_location") {
		t.Errorf("err = %v, want both flags named", err)
	}
}

// TestUsageGroupsFlags prints the job's flags before Beam's.
func TestUsageGroupsFlags(t *testing.T) {
	fs := flag.NewFlagSet("nightly", flag.ContinueOnError)
	fs.String("runner", "direct", "pipeline runner")
	own := ownFlags(fs, func() { fs.String("sources", "s.yaml", "sources config") })
	var out bytes.Buffer
	usage(fs, own, &out)
	text := out.String()
	job, beam := strings.Index(text, "--sources"), strings.Index(text, "--runner")
	if job < 0 || beam < 0 || job > strings.Index(text, "Beam's flags") || beam < job {
		t.Errorf("usage:\n%s", text)
	}
}

// TestUnknownLangIsAUsageError: a --lang other than zh or en stops the night with exit code 2
// before it reads or writes anything.
func TestUnknownLangIsAUsageError(t *testing.T) {
	out := t.TempDir()
	var log bytes.Buffer
	err := run(context.Background(), options{Sources: "../../" + sampleSources, Date: testDate,
		Output: out, Lang: "fr"}, &log)
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "--lang") {
		t.Fatalf("--lang fr: %v (exit code %d), want exit code 2 naming --lang", err,
			exitcode.Of(err))
	}
	if entries, err := os.ReadDir(out); err != nil || len(entries) > 0 {
		t.Errorf("--lang fr wrote %d entries into the output (%v)", len(entries), err)
	}
}
