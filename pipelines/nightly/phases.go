package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/handover"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/runstats"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// runPhased runs the job as three pipelines, one after the other, that hand over through files in
// the run's temporary folder (package handover): cleaning, identity resolution, and the rest. A
// local runner holds every collection of a pipeline in memory until the pipeline ends; in phases,
// what cleaning held is gone before resolution starts, and what resolution held before portraits
// start. The tables are the same as build's in one pipeline, at the cost of writing and reading
// the cleaned rows once more. Each phase that finishes is recorded (see resume.go); the phases in
// done were recorded by an earlier attempt and are not run again. It returns the phases' figures as
// one report.
func runPhased(
	ctx context.Context,
	j job,
	stdout io.Writer,
	done map[string]phaseRecord,
) (runstats.Report, error) {
	dir := sinkConfig(j).TempDir()
	r := &phaseRunner{stdout: stdout, job: j, done: done}
	srcs, err := runPhase(ctx, r, "clean", func(s beam.Scope) ([]sources.Source, error) {
		cleaned, rejects, counts, err := cleanSources(s, j)
		if err != nil {
			return nil, err
		}
		var srcs []sources.Source
		for _, c := range cleaned {
			table := sources.KindTable[c.src.Kind]
			if err := writeTable(s, dir, sourceName(c.src), table, c.rows); err != nil {
				return nil, err
			}
			if c.carry.IsValid() {
				if err := writeTable(s, dir, carryName(c.src), table, c.carry); err != nil {
					return nil, err
				}
			}
			srcs = append(srcs, c.src)
		}
		if err := writeTable(s, dir, "rejects", "rejects", rejects...); err != nil {
			return nil, err
		}
		return srcs, writeTable(s, dir, "counts-clean", "quality", quality.Summarise(s, counts...))
	})
	if err != nil {
		return runstats.Report{}, err
	}
	// Deduplication's claims (4.5 GB at a million persons over 90 days) served the clean phase only.
	if err := sink.RemoveDir(ctx, clean.ClaimsDir(dir)); err != nil {
		return runstats.Report{}, err
	}
	if _, err := runPhase(ctx, r, "resolve", func(s beam.Scope) ([]sources.Source, error) {
		cleaned, err := readSources(ctx, s, dir, srcs, identityKinds)
		if err != nil {
			return nil, err
		}
		res, err := resolvePersons(s, j, byTable(cleaned))
		if err != nil {
			return nil, err
		}
		handover.Write(s, dir, "identity", reflect.TypeOf(identityPair{}),
			beam.ParDo(s, toIdentityPair, res.Identity))
		handover.Write(s, dir, "match_card", reflect.TypeOf(resolve.MatchCard{}), res.MatchCard)
		for name, rows := range map[string]beam.PCollection{"identity_map": res.IdentityMap,
			"persons": res.Persons, "merge_history": res.MergeHistory} {
			if err := writeTable(s, dir, name, name, rows); err != nil {
				return nil, err
			}
		}
		return nil, writeTable(s, dir, "counts-resolve", "quality", quality.Summarise(s, res.Counts))
	}); err != nil {
		return runstats.Report{}, err
	}
	if _, err = runPhase(ctx, r, "portraits", func(s beam.Scope) ([]sources.Source, error) {
		return nil, portraitsPhase(ctx, s, j, dir, srcs)
	}); err != nil {
		return runstats.Report{}, err
	}
	// One report over the three phases, as a job in one pipeline gives it.
	return runstats.Merge(r.reports...), nil
}

// portraitsPhase reads what the first two phases handed over and adds the rest of the job.
func portraitsPhase(
	ctx context.Context,
	s beam.Scope,
	j job,
	dir string,
	srcs []sources.Source,
) error {
	cleaned, err := readSources(ctx, s, dir, srcs, nil)
	if err != nil {
		return err
	}
	for i, c := range cleaned {
		if c.src.Partitioned() && j.KeepState {
			table := sources.KindTable[c.src.Kind]
			if cleaned[i].carry, err = readTable(ctx, s, dir, carryName(c.src), table); err != nil {
				return err
			}
		}
	}
	// read reads a collection of a table's rows; after the first error it reads nothing more.
	read := func(name, table string) beam.PCollection {
		if err != nil {
			return beam.PCollection{}
		}
		var col beam.PCollection
		col, err = readTable(ctx, s, dir, name, table)
		return col
	}
	var res resolve.Outputs
	res.IdentityMap = read("identity_map", "identity_map")
	res.Persons = read("persons", "persons")
	res.MergeHistory = read("merge_history", "merge_history")
	rejects := read("rejects", "rejects")
	cleanCounts := read("counts-clean", "quality")
	res.Counts = read("counts-resolve", "quality")
	if err != nil {
		return err
	}
	identity, err := handover.Read(ctx, s, dir, "identity", reflect.TypeOf(identityPair{}))
	if err != nil {
		return err
	}
	res.Identity = beam.ParDo(s, fromIdentityPair, identity)
	if res.MatchCard, err = handover.Read(ctx, s, dir, "match_card",
		reflect.TypeOf(resolve.MatchCard{})); err != nil {
		return err
	}
	res.Counts = quality.Recount(s, res.Counts)
	return finishJob(
		s,
		j,
		cleaned,
		res,
		[]beam.PCollection{rejects},
		[]beam.PCollection{quality.Recount(s, cleanCounts)},
	)
}

// phaseRunner runs phases one after the other, records each one that finishes and keeps each
// one's stage figures.
type phaseRunner struct {
	stdout io.Writer
	job    job
	// done holds the phases an earlier attempt finished.
	done    map[string]phaseRecord
	reports []runstats.Report
}

// runPhase builds one phase's pipeline with add, runs it, records it and keeps its figures; add
// returns the sources the phase handed over, if any. A phase an earlier attempt finished is not run
// again: its figures and sources come from its record.
func runPhase(
	ctx context.Context,
	r *phaseRunner,
	name string,
	add func(beam.Scope) ([]sources.Source, error),
) ([]sources.Source, error) {
	if rec, ok := r.done[name]; ok {
		r.reports = append(r.reports, rec.Report)
		fmt.Fprintf(
			r.stdout,
			"phase %s: finished by an earlier attempt, its hand-over is read again\n",
			name,
		)
		return rec.Sources, nil
	}
	p, s := beam.NewPipelineWithRoot()
	out, err := add(s)
	if err != nil {
		return out, fmt.Errorf("phase %s: %w", name, err)
	}
	start := time.Now()
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return out, fmt.Errorf("phase %s: %w", name, &jobFailure{err: err})
	}
	rep, err := runstats.Collect(p, res)
	if err != nil {
		return out, err
	}
	for i := range rep.Steps {
		rep.Steps[i].Phase = name
	}
	r.reports = append(r.reports, rep)
	fmt.Fprintf(r.stdout, "phase %s: %s\n", name, time.Since(start).Round(time.Millisecond))
	if !slices.Contains(phaseNames, name) {
		return out, nil
	}
	basis, err := basisOf(r.job, name)
	if err != nil {
		return out, err
	}
	return out, writePhaseRecord(
		ctx,
		sinkConfig(r.job).TempDir(),
		phaseRecord{Phase: name, Basis: basis, Sources: out, Report: rep},
	)
}

// identityKinds are the source kinds the resolve phase reads.
var identityKinds = map[string]bool{}

func init() {
	for _, t := range identityTables {
		for kind, table := range sources.KindTable {
			if table == t {
				identityKinds[kind] = true
			}
		}
	}
}

// readSources reads the cleaned rows of every source handed over whose kind is in kinds (all when
// kinds is nil), in the order the clean phase gave them.
func readSources(
	ctx context.Context,
	s beam.Scope,
	dir string,
	srcs []sources.Source,
	kinds map[string]bool,
) ([]cleaned, error) {
	var out []cleaned
	for _, src := range srcs {
		if kinds != nil && !kinds[src.Kind] {
			continue
		}
		rows, err := readTable(ctx, s, dir, sourceName(src), sources.KindTable[src.Kind])
		if err != nil {
			return nil, err
		}
		out = append(out, cleaned{src: src, rows: rows})
	}
	return out, nil
}

// sourceName is the hand-over name of a source's cleaned rows.
func sourceName(src sources.Source) string { return "source-" + src.Name }

// carryName is the hand-over name of the rows a source carries to the next night.
func carryName(src sources.Source) string { return "carry-" + src.Name }

// writeTable hands over rows of a registered table's type as name.
func writeTable(s beam.Scope, dir, name, table string, rows ...beam.PCollection) error {
	t, err := schemas.Lookup(table)
	if err != nil {
		return err
	}
	handover.Write(s, dir, name, t.Type, rows...)
	return nil
}

// readTable reads rows of a registered table's type handed over as name.
func readTable(
	ctx context.Context,
	s beam.Scope,
	dir, name, table string,
) (beam.PCollection, error) {
	t, err := schemas.Lookup(table)
	if err != nil {
		return beam.PCollection{}, err
	}
	return handover.Read(ctx, s, dir, name, t.Type)
}

// identityPair is one element of resolve.Outputs.Identity, as a struct for the hand-over.
type identityPair struct {
	Key, PersonID string
}

func toIdentityPair(
	key, person string,
) identityPair {
	return identityPair{Key: key, PersonID: person}
}

func fromIdentityPair(p identityPair) (string, string) { return p.Key, p.PersonID }

func init() {
	beam.RegisterType(reflect.TypeOf(identityPair{}))
	register.Function2x1(toIdentityPair)
	register.Function1x2(fromIdentityPair)
}
