package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/shopportraits/portraits/transforms/runstats"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// A run in phases leaves, once a phase's pipeline has finished, a record of it beside the
// hand-over: TEMP/_phases/NAME.json. A run that fails or is killed later keeps its temporary folder
// when a phase is recorded, and `--phased --resume` continues it: the recorded phases are not run
// again, their hand-over is read as it is. On the largest inputs a phase takes the better part of
// an hour, and what fails is most often the last phase (the memory of a local runner, a lost
// worker).

// phasesDir is the folder of the phase records under a run's temporary folder.
const phasesDir = "_phases"

// phaseRecord is what a finished phase leaves beside its hand-over.
type phaseRecord struct {
	Phase string `json:"phase"`
	// Basis holds a hash of each part of the job the phase depends on (see basisOf): a run that
	// resumes it must have the same.
	Basis map[string]string `json:"basis"`
	// Sources are the sources whose cleaned rows the clean phase handed over, in order.
	Sources []sources.Source `json:"sources,omitempty"`
	// Report is the phase's stage figures, for the run's report.
	Report runstats.Report `json:"report"`
}

// basisOf hashes each part of the job a phase depends on, for the record of that phase: cleaning
// depends on the day, the sources config, the input files and their sizes and the hashing salt;
// resolution also on the resolve config and the previous run. The portraits phase always runs
// again, so its own configs may change between attempts.
func basisOf(j job, phase string) (map[string]string, error) {
	salt, err := j.Clean.Salt()
	if err != nil {
		return nil, err
	}
	cfg := *j.Config
	cfg.File, cfg.Dir = "", "" // where the config was read from; the input files say what it read
	parts := map[string]any{
		"date":           j.Date,
		"sources config": cfg,
		"input files":    j.Inputs,
		"hashing salt":   salt,
	}
	if phase != "clean" {
		parts["resolve config"] = j.Resolve
		parts["previous run"] = j.Previous
	}
	basis := map[string]string{}
	for name, v := range parts {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("resume: %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		basis[name] = hex.EncodeToString(sum[:])
	}
	return basis, nil
}

// writePhaseRecord records a finished phase in the run's temporary folder dir, whole or not at
// all: a run killed while writing it must not leave a record that --resume cannot read.
func writePhaseRecord(ctx context.Context, dir string, rec phaseRecord) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("phase %s: record: %w", rec.Phase, err)
	}
	return sink.WriteAtomic(ctx, sink.Join(dir, phasesDir, rec.Phase+".json"), data)
}

// readPhaseRecords reads the phase records of the run whose temporary folder is dir, by phase.
func readPhaseRecords(ctx context.Context, dir string) (map[string]phaseRecord, error) {
	files, err := sink.List(ctx, sink.Join(dir, phasesDir, "*.json"))
	if err != nil {
		return nil, err
	}
	recs := map[string]phaseRecord{}
	for _, f := range files {
		data, err := sink.ReadFile(ctx, f)
		if err != nil {
			return nil, err
		}
		var rec phaseRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			return nil, fmt.Errorf("phase record %s: %w", f, err)
		}
		if want := strings.TrimSuffix(path.Base(filepath.ToSlash(f)), ".json"); rec.Phase != want {
			return nil, fmt.Errorf("phase record %s: records phase %q", f, rec.Phase)
		}
		recs[rec.Phase] = rec
	}
	return recs, nil
}

// resumable finds the latest attempt at the date that recorded a phase, and returns its run id and
// records; "" when there is none.
func resumable(ctx context.Context, output, date string) (string, map[string]phaseRecord, error) {
	glob := sink.Join(sink.AttemptsDir(output, date), "*", "dt="+date, "_temporary", "*", phasesDir,
		"*.json")
	files, err := sink.List(ctx, glob)
	if err != nil {
		return "", nil, err
	}
	var runs []string
	for _, f := range files {
		runs = append(runs, path.Base(path.Dir(path.Dir(filepath.ToSlash(f)))))
	}
	if len(runs) == 0 {
		return "", nil, nil
	}
	latest := slices.MaxFunc(runs, func(a, b string) int { return compareRunIDs(a, b) })
	recs, err := readPhaseRecords(
		ctx,
		sinkConfig(job{Output: output, Date: date, RunID: latest}).TempDir(),
	)
	return latest, recs, err
}

// compareRunIDs orders run ids (DATE-NANOS, NANOS in hex) by when the attempt started.
func compareRunIDs(a, b string) int {
	na, errA := strconv.ParseUint(a[strings.LastIndex(a, "-")+1:], 16, 64)
	nb, errB := strconv.ParseUint(b[strings.LastIndex(b, "-")+1:], 16, 64)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	switch {
	case na < nb:
		return -1
	case na > nb:
		return 1
	}
	return 0
}

// resume points j at the latest attempt at its date that recorded a phase and returns the records
// it may reuse; nothing when there is no such attempt. It fails when the recorded phases were run
// for another job (other inputs, salt or configs), naming what differs, or when they do not follow
// each other from the first.
func resume(ctx context.Context, j *job) (map[string]phaseRecord, error) {
	runID, recs, err := resumable(ctx, j.Output, j.Date)
	if err != nil || runID == "" {
		return nil, err
	}
	for i, phase := range phaseNames {
		rec, ok := recs[phase]
		if !ok {
			for _, later := range phaseNames[i+1:] {
				if _, ok := recs[later]; ok {
					return nil, fmt.Errorf(
						"--resume: run %s recorded phase %s but not %s before it",
						runID,
						later,
						phase,
					)
				}
			}
			break
		}
		basis, err := basisOf(*j, phase)
		if err != nil {
			return nil, err
		}
		var differ []string
		for part, sum := range basis {
			if rec.Basis[part] != sum {
				differ = append(differ, part)
			}
		}
		if len(differ) > 0 {
			sort.Strings(differ)
			return nil, fmt.Errorf(
				"--resume: phase %s of run %s was run with another %s: run without --resume to start afresh",
				phase,
				runID,
				strings.Join(differ, ", "),
			)
		}
	}
	j.RunID = runID
	return recs, nil
}

// phaseNames are the phases a record may be left for, in order; the last phase finishes the run.
var phaseNames = []string{"clean", "resolve"}

// recordedPhases lists the phases recorded in the run's temporary folder dir, in order.
func recordedPhases(ctx context.Context, dir string) ([]string, error) {
	recs, err := readPhaseRecords(ctx, dir)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, phase := range phaseNames {
		if _, ok := recs[phase]; ok {
			done = append(done, phase)
		}
	}
	return done, nil
}
