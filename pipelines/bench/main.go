// Command bench reports a benchmark of the nightly job that scripts/bench.sh ran: the inputs per
// source, each runner's wall time, records per second, peak memory and stage table, with the load
// average at every measurement, and the decode rates of the ingest stage's formats next to plain
// loops over the same files.
//
//	go run ./pipelines/bench --runs out/bench/runs/S-... --data out/bench/data/S \
//		--scale S --persons 10000
//
// --runs holds one folder per runner (prism/, direct/) with the nightly's stdout.txt and
// stderr.txt, the /usr/bin/time -v report time.txt, load.txt (/proc/loadavg before and after) and
// the run's output folder out/.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

func main() {
	var o options
	flag.StringVar(&o.Runs, "runs", "", "folder of the runs, one subfolder per runner (required)")
	flag.StringVar(&o.Data, "data", "", "dataset folder holding sources.yaml (required)")
	flag.StringVar(&o.Scale, "scale", "", "scale name: S, M or L")
	flag.IntVar(&o.Persons, "persons", 0, "persons the dataset was generated for")
	flag.IntVar(&o.Days, "days", 90, "days the dataset covers")
	flag.StringVar(&o.Date, "date", "2026-11-21", "the runs' business day")
	flag.BoolVar(
		&o.Decode,
		"decode",
		true,
		"also time decoding loops and the ingest reader over the dataset",
	)
	flag.StringVar(&o.JSON, "json", "", "also write the result as JSON to this file")
	flag.StringVar(
		&o.Revision,
		"revision",
		"",
		"the source revision the nightly was built from (git describe --dirty)",
	)
	flag.IntVar(
		&o.MemGiB,
		"mem-gib",
		0,
		"the resident-memory limit the runs had, in GiB; 0 for none",
	)
	flag.BoolVar(
		&o.Profiled,
		"profiled",
		false,
		"the runs wrote CPU and heap profiles (their times include the profiler's cost)",
	)
	flag.Parse()
	beam.Init()
	if err := bench(context.Background(), o); err != nil {
		log.Fatalf("bench: %v", err)
	}
}

// options are the command's flags.
type options struct {
	Runs, Data, Scale, Date, JSON, Revision string
	Persons, Days, MemGiB                   int
	Decode, Profiled                        bool
}

func bench(ctx context.Context, o options) error {
	if o.Runs == "" || o.Data == "" {
		return fmt.Errorf("--runs and --data are required")
	}
	runs, err := readRuns(ctx, o.Runs, o.Date)
	if err != nil {
		return err
	}
	mem, err := memTotal()
	if err != nil {
		return err
	}
	r := result{Scale: o.Scale, Persons: o.Persons, Days: o.Days, Date: o.Date, Data: o.Data,
		Revision: o.Revision, Profiled: o.Profiled, MemLimitGiB: o.MemGiB, Cores: runtime.NumCPU(),
		Memory: mem, Runs: runs}
	sourcesFile := filepath.Join(o.Data, "sources.yaml")
	for _, run := range runs {
		if run.Inputs != nil {
			r.Inputs = run.Inputs
			break
		}
	}
	if r.Inputs == nil {
		if r.Inputs, err = plannedInputs(ctx, sourcesFile); err != nil {
			return err
		}
	}
	if o.Decode {
		if r.Decode, err = measureDecode(ctx, sourcesFile); err != nil {
			return err
		}
	}
	if err := writeResult(os.Stdout, r); err != nil {
		return err
	}
	if o.JSON == "" {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.JSON, append(b, '\n'), 0o644)
}

// memTotal is the machine's memory in bytes, from /proc/meminfo.
func memTotal() (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, fmt.Errorf("machine memory: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(
				strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")),
				10,
				64,
			)
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: MemTotal %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("/proc/meminfo has no MemTotal line")
}
