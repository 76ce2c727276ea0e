package gen

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// The tests share one small sample, generated once.
var (
	sampleDir     string
	sampleSummary *Summary
	sampleConfig  Config
)

func testConfig(dir string, persons int) Config {
	tmpl, err := os.ReadFile("../sources.yaml.tmpl")
	if err != nil {
		panic(err)
	}
	return Config{
		Persons: persons, Days: 30, Seed: 7, Output: dir, SourcesYAML: tmpl, Workers: 2,
		Date: time.Date(2026, 11, 21, 0, 0, 0, 0, Shanghai),
	}
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sampledata-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sampleConfig = testConfig(dir, 1500)
	sampleDir = dir
	sampleSummary, err = Run(sampleConfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// family returns the summary entry of the named family.
func family(t *testing.T, name string) *Family {
	t.Helper()
	for _, f := range sampleSummary.Families {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no family %s", name)
	return nil
}

// glob lists the sample's files matching the pattern, relative to the sample folder.
func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sampleDir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no file matches %s", pattern)
	}
	return files
}

var (
	eventsOnce sync.Once
	eventsObjs []map[string]any
	botRE      = regexp.MustCompile(
		`(?i)bot|spider|crawler|curl/|python-requests|headlesschrome|scrapy`,
	)
	botUAs sync.Map
)

// sampleEvents decodes the sample's events once for all tests; broken lines are left out.
func sampleEvents(t *testing.T) []map[string]any {
	eventsOnce.Do(func() {
		for _, f := range glob(t, "clickstream/events/dt=*/*.jsonl.gz") {
			objs, _ := jsonLines(t, f)
			eventsObjs = append(eventsObjs, objs...)
		}
	})
	return eventsObjs
}

// isBot applies the bot_user_agents rule of sources.yaml to an event.
func isBot(e map[string]any) bool {
	ua, _ := e["ua"].(string)
	if v, ok := botUAs.Load(ua); ok {
		return v.(bool)
	}
	b := botRE.MatchString(ua)
	botUAs.Store(ua, b)
	return b
}
