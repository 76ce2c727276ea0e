package main

import (
	"strings"
	"testing"
	"time"

	"github.com/shopportraits/portraits/transforms/runstats"
)

func TestWriteResult(t *testing.T) {
	stages := runstats.Report{Timed: true, Total: 10 * time.Second, Stages: []runstats.Stage{
		{
			Name:     runstats.Ingest,
			Steps:    3,
			In:       2000,
			Out:      1900,
			Elements: runstats.FromRecords,
			Time:     4 * time.Second,
		},
		{
			Name:     runstats.Resolve,
			Steps:    9,
			In:       500,
			Out:      50,
			Elements: runstats.FromPCollections,
			Time:     6 * time.Second,
		},
	}}
	r := result{
		Scale:    "S",
		Persons:  10,
		Days:     90,
		Date:     "2026-11-21",
		Data:     "d",
		Revision: "abc123-dirty",
		Cores:    2,
		Memory:   24 << 30,
		Inputs: []sourceInput{
			{Source: "events", Files: 2, Bytes: 5000, Records: 1500},
			{Source: "users", Files: 1, Bytes: 100, Records: 500},
		},
		Runs: []run{
			{
				Runner:     "prism",
				Status:     "ok",
				Wall:       20 * time.Second,
				Resumed:    true,
				CPU:        30 * time.Second,
				PeakRSS:    3 << 30,
				Records:    2000,
				LoadBefore: loadAvg{1, 2, 3},
				LoadAfter:  loadAvg{4, 5, 6},
				Stages:     &stages,
				Phases: []phase{
					{Name: "clean", Wall: 5 * time.Second, Attempt: 1},
					{Name: "resolve", Wall: 7 * time.Second},
				},
			},
			{
				Runner:  "direct",
				Status:  "killed by signal 9",
				Error:   "fatal error: runtime: out of memory",
				Wall:    time.Minute,
				Records: -1,
			},
		},
		Decode: []decodeRate{
			{
				Source:  "events",
				Format:  "jsonl.gz",
				Method:  "m",
				Passes:  1,
				Records: 1000,
				Bytes:   2e6,
				Took:    time.Second,
				Load:    loadAvg{7, 8, 9},
			},
		},
	}
	var b strings.Builder
	if err := writeResult(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"bench S: 10 persons, 90 days to 2026-11-21 (data d); 2 cores, 24.00 GiB memory\n",
		"nightly built from abc123-dirty\n",
		"events              2           5000         1500\n",
		"all                 3           5100         2000\n",
		// 2000 records in 20 s of wall time.
		"prism    ok                          20.0s        100          30.0s   3.00 GiB   1.00 2.00 " +
			"3.00    4.00 5.00 6.00\n",
		"direct   killed by signal 9",
		"prism: resumed; its wall time adds the phases earlier attempts ran",
		"direct: fatal error: runtime: out of memory\n",
		"per stage, prism (load before 1.00 2.00 3.00, after 4.00 5.00 6.00):\n",
		"per stage, prism (load before 1.00 2.00 3.00, after 4.00 5.00 6.00):\n" +
			"phases (wall): clean 5.0s (attempt 1) resolve 7.0s\n",
		"ingest               3         2000         1900        4.00s    40.0%          500\n",
		"per stage, direct (load before 0.00 0.00 0.00, after 0.00 0.00 0.00):\n  no stage table",
		"events   jsonl.gz  m                                                            1       " +
			"1000       2.0        1000   7.00 8.00 9.00\n",
		"nightly ingest stage on prism: 500 records/s of step time over all sources (2000 " +
			"records in 4.0s)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimRight(l, " ") != l {
			t.Errorf("line %d has trailing spaces: %q", i+1, l)
		}
	}
	if strings.Contains(text, "profiles") {
		t.Errorf("an unprofiled run's report mentions profiles:\n%s", text)
	}
}
