// Command nightly runs the nightly portraits job for one business day: it reads every configured
// source, cleans and deduplicates it, resolves identifiers into persons, builds each person's
// portrait, scores and segments them, and writes every table, the rejects, quality counts, the
// model cards, the activation lists and the report under OUTPUT/dt=DATE/, published with its
// manifest only once every check passed. With no flags it runs on the bundled sample with Beam's
// Prism runner; -h lists the job's flags, then Beam's.
//
//	go run ./pipelines/nightly [--sources FILE] [--date YYYY-MM-DD] [--output DIR]
//	    [--incremental] [--phased [--resume]] [--runner prism|direct|dataflow|universal ...]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/clean"
	"github.com/shopportraits/portraits/transforms/erase"
	"github.com/shopportraits/portraits/transforms/exitcode"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/lease"
	"github.com/shopportraits/portraits/transforms/lookup"
	"github.com/shopportraits/portraits/transforms/portrait"
	"github.com/shopportraits/portraits/transforms/predict/score"
	"github.com/shopportraits/portraits/transforms/progress"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/quietlog"
	"github.com/shopportraits/portraits/transforms/report"
	"github.com/shopportraits/portraits/transforms/resolve"
	"github.com/shopportraits/portraits/transforms/retention"
	"github.com/shopportraits/portraits/transforms/runner"
	"github.com/shopportraits/portraits/transforms/runstats"
	"github.com/shopportraits/portraits/transforms/salt/saltflag"
	"github.com/shopportraits/portraits/transforms/segment"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
	"github.com/shopportraits/portraits/transforms/state"
)

// The bundled sample and the day it was generated for.
const (
	sampleSources = "sample/sources.yaml"
	sampleDate    = "2026-11-21"
)

// options are the job's own flags.
type options struct {
	Sources, Date, Output string
	// Salt says where the hashing salt is (package saltflag).
	Salt saltflag.Flags
	// Previous is the run folder whose person ids tonight continues: "" finds the latest finished
	// run before the date under Output, "none" starts afresh.
	Previous string
	// ResolveConfig is the identity-resolution config file, "" for the defaults.
	ResolveConfig string
	// PortraitConfig is the portrait rules file (lifecycle, value, tags), "" for the defaults.
	PortraitConfig string
	// Segments is the segments file, "" for the built-in one.
	Segments string
	// Erase is a file of identifiers whose persons asked to be forgotten, "" for none.
	Erase string
	// DryRun prints the job graph instead of running it.
	DryRun bool
	// Phased runs the job as three pipelines that hand over through files (see runPhased).
	Phased bool
	// Resume continues the date's latest attempt in phases from its first unfinished phase.
	Resume bool
	// StepStats is a local file to write every step's time and elements to, "" for none.
	StepStats string
	// FullRefresh rebuilds from every partition up to the date, and continues past missing nights.
	FullRefresh bool
	// Incremental keeps the night's state and continues the previous run's, when it kept one.
	Incremental bool
	// KeepRuns is how many finished runs are kept under Output; older ones are removed.
	KeepRuns int
	// LeaseTimeout is how long a run's lease on its date may go unrenewed before another run may
	// take the date over.
	LeaseTimeout time.Duration
	// Progress is how often a running job prints a heartbeat line, 0 for never.
	Progress time.Duration
	// Lang is the report's language, "" for the default of the business time zone (report.Options).
	Lang string
}

func main() {
	var o options
	own := ownFlags(flag.CommandLine, func() {
		flag.StringVar(&o.Sources, "sources", sampleSources, "sources config (YAML)")
		flag.StringVar(
			&o.Date,
			"date",
			"",
			"business day to build, YYYY-MM-DD (default: the sample's day, else yesterday in "+
				"the business zone)",
		)
		flag.StringVar(
			&o.Output,
			"output",
			"out",
			"output folder, local path or gs://bucket/prefix",
		)
		o.Salt.Register(flag.CommandLine)
		flag.StringVar(
			&o.Previous,
			"previous",
			"",
			"run folder (OUTPUT/dt=YYYY-MM-DD) whose person ids to continue; default: the latest finished "+
				"run before --date under --output; none: start afresh",
		)
		flag.StringVar(
			&o.ResolveConfig,
			"resolve-config",
			"",
			"identity-resolution config (YAML): guards and matching; default: built-in",
		)
		flag.StringVar(
			&o.PortraitConfig,
			"portrait-config",
			"",
			"portrait rules (YAML): lifecycle, value, interests, tags; default: built-in",
		)
		flag.BoolVar(
			&o.DryRun,
			"dry-run",
			false,
			"print the job graph (every stage and transform) without running it or touching the output",
		)
		flag.StringVar(
			&o.Erase,
			"erase",
			"",
			"file of identifiers (type,value per line: account, phone, email, device, anonymous) whose "+
				"persons are forgotten from tonight on",
		)
		flag.BoolVar(
			&o.Phased,
			"phased",
			false,
			"run as three pipelines (clean, resolve, portraits) handing over through files in the run's "+
				"temporary folder, so a local runner frees each one's memory before the next: for data that "+
				"outgrows memory in one pipeline",
		)
		flag.BoolVar(
			&o.Resume,
			"resume",
			false,
			"with --phased: continue the date's latest failed or killed attempt in phases, reusing the "+
				"hand-over of the phases it finished (the sources, salt, resolve config and previous run "+
				"must be the same); with none to continue, run every phase",
		)
		flag.StringVar(
			&o.StepStats,
			"step-stats",
			"",
			"write every step's execution time and elements in and out to this local file (tab-separated, "+
				"longest first), to find where a run's time goes",
		)
		flag.StringVar(
			&o.Segments,
			"segments",
			"",
			"segments file (YAML): rule segments in CEL, activation caps, clusters, "+
				"affinity; default: built-in",
		)
		flag.BoolVar(
			&o.FullRefresh,
			"full-refresh",
			false,
			"rebuild from every partition up to --date instead of continuing the previous run's state, "+
				"and continue past missing nights",
		)
		flag.BoolVar(
			&o.Incremental,
			"incremental",
			false,
			"keep the night's state (_state/) and continue the previous run's, reading only new "+
				"partitions; off by default: at S it is 1.2 times a full night and twice its "+
				"memory (BENCHMARKS.md)",
		)
		flag.IntVar(
			&o.KeepRuns,
			"keep-runs",
			retention.DefaultKeepRuns,
			"finished runs kept under --output; older ones are removed after a night is published "+
				"(0: keep every run)",
		)
		flag.DurationVar(
			&o.LeaseTimeout,
			"lock-timeout",
			defaultLockTimeout,
			"a run holds its date with a lease renewed every third of this; another run of the date exits "+
				"4 while it is held, and takes it over once not renewed for this long (a killed run)",
		)
		flag.DurationVar(
			&o.Progress,
			"progress",
			30*time.Second,
			"print a heartbeat line this often while the job runs (elapsed, elements so far, "+
				"busiest step, memory; on Dataflow its console shows that), 0 for none",
		)
		flag.StringVar(&o.Lang, "lang", "", "language of the report: zh or en (default: zh "+
			"when the sources config's business_timezone is in China, Hong Kong, Macau or "+
			"Taiwan, else en)")
		flag.BoolVar(
			&verbose,
			"verbose",
			false,
			"log the runner's records whole and print a failed job's whole error (with "+
				"Beam's execution plan)",
		)
	})
	flag.Usage = func() { usage(flag.CommandLine, own, flag.CommandLine.Output()) }
	flag.Parse()
	if err := refuseBeamFlags(flag.CommandLine); err != nil {
		fail(exitcode.Config(err))
	}
	beam.Init()
	if !verbose {
		quietlog.Install()
	}
	setMemoryLimit(os.Stdout)
	fail(run(context.Background(), o, os.Stdout))
}

// fail ends the process with err's exit code, 0 for nil; an error is printed as one line at ERROR
// level, the last on stderr, which is what a scheduler's log shows first.
func fail(err error) {
	var job *jobFailure
	if verbose && errors.As(err, &job) {
		fmt.Fprintf(os.Stderr, "the failed job's whole error:\n%v\n", job.err)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ERROR nightly: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	os.Exit(exitcode.Of(err))
}

func run(ctx context.Context, o options, stdout io.Writer) error {
	j, err := plan(ctx, o, stdout)
	if err != nil {
		return exitcode.Config(err)
	}
	var done map[string]phaseRecord
	if o.Resume {
		if done, err = resume(ctx, &j); err != nil {
			return exitcode.Config(err)
		}
		if len(done) == 0 {
			fmt.Fprintf(
				stdout,
				"no attempt at %s in phases to resume: running every phase\n",
				j.Date,
			)
		} else {
			fmt.Fprintf(stdout, "resuming attempt %s\n", j.RunID)
		}
	}
	j.Segment.Output = sink.AttemptRoot(j.Output, j.Date, j.RunID)
	// The job is built whole even when it runs in phases (the very transforms, cut after cleaning
	// and after resolving): a mistake in its configuration stops it here, before anything is written.
	p, s := beam.NewPipelineWithRoot()
	if err := build(s, j); err != nil {
		return exitcode.Config(err)
	}
	if o.DryRun {
		return printGraph(stdout, p)
	}
	held, err := holdDate(ctx, j, o.LeaseTimeout)
	if err != nil {
		return err
	}
	defer held.Release(ctx)
	start := time.Now()
	stdout = progress.Locked(stdout)
	stop, err := watch(ctx, o.Progress, stdout)
	if err != nil {
		return err
	}
	var rep runstats.Report
	if o.Phased {
		rep, err = runPhased(ctx, j, stdout, done)
	} else {
		rep, err = runOne(ctx, p)
	}
	stop()
	if err != nil {
		return failed(ctx, j, o.Phased, err)
	}
	// One line per stage: records in and out, and the step time where the runner reports it.
	if err := runstats.Write(stdout, rep); err != nil {
		return err
	}
	if o.StepStats != "" {
		if err := writeStepStats(o.StepStats, rep); err != nil {
			return err
		}
	}
	if err := finish(ctx, j, held, stdout, time.Since(start)); err != nil {
		return err
	}
	if err := retain(ctx, j, o.KeepRuns, stdout); err != nil {
		return fmt.Errorf("published %s, but looking after the older runs failed: %w", j.Date, err)
	}
	return nil
}

// watch starts the heartbeat of package progress, every interval, for the job about to run: with
// the counts of the runner's job service where it has one, else time and memory only. Dataflow's
// console shows a job's progress, and Beam logs its address once the job is submitted.
func watch(ctx context.Context, every time.Duration, w io.Writer) (stop func(), err error) {
	if every <= 0 {
		return func() {}, nil
	}
	if runner.Name() == "dataflow" {
		fmt.Fprintln(w, "progress: in the Dataflow console (Beam logs its address as Console: "+
			"once the job is submitted)")
		return func() {}, nil
	}
	endpoint, err := runner.JobService(ctx)
	if err != nil {
		return nil, err
	}
	var probe progress.Probe
	if endpoint != "" {
		probe = progress.JobService(endpoint)
	}
	return progress.Start(w, every, probe), nil
}

// absolute makes a local path absolute; URLs (gs://) and "" stay as they are.
func absolute(p string) (string, error) {
	if p == "" || strings.Contains(p, "://") {
		return p, nil
	}
	return filepath.Abs(p)
}

// plan loads and checks everything the night is built from, finds the run it continues and the
// files it reads; it writes nothing. Its errors are configuration errors.
func plan(ctx context.Context, o options, stdout io.Writer) (job, error) {
	if o.Resume && !o.Phased {
		return job{}, errors.New("--resume continues a run in phases: give --phased too")
	}
	if err := report.CheckLang(o.Lang); err != nil {
		return job{}, fmt.Errorf("--lang: %w", err)
	}
	cfg, err := sources.Load(o.Sources)
	if err != nil {
		return job{}, err
	}
	// Workers need not share the launcher's working directory.
	if o.Output, err = absolute(o.Output); err != nil {
		return job{}, fmt.Errorf("--output: %w", err)
	}
	if o.Previous != "none" {
		if o.Previous, err = absolute(o.Previous); err != nil {
			return job{}, fmt.Errorf("--previous: %w", err)
		}
	}
	sample := isSample(o.Sources)
	date, err := runDate(o.Date, sample, cfg.BusinessTimezone)
	if err != nil {
		return job{}, err
	}
	opts := clean.Options{Date: date}
	if opts.SaltSource, err = hashingSalt(ctx, o, cfg, stdout); err != nil {
		return job{}, err
	}
	rcfg, err := resolve.LoadConfig(o.ResolveConfig)
	if err != nil {
		return job{}, err
	}
	previous, err := previousRun(ctx, o, date)
	if err != nil {
		return job{}, err
	}
	rules, err := portrait.LoadRules(o.PortraitConfig)
	if err != nil {
		return job{}, err
	}
	pcfg := portrait.Config{
		Date:         date,
		Timezone:     cfg.BusinessTimezone,
		PurchaseTime: cfg.PurchaseTime,
		Rules:        rules,
	}
	if err := pcfg.Validate(); err != nil {
		return job{}, err
	}
	predict := score.Config{Date: date}
	if err := predict.Validate(); err != nil {
		return job{}, err
	}
	cutoff, err := predict.Cutoff()
	if err != nil {
		return job{}, err
	}
	scfg, err := segmentConfig(ctx, o, date, previous)
	if err != nil {
		return job{}, err
	}
	erasures, err := erasureList(ctx, o, date, previous, cfg.PhoneRegion, opts)
	if err != nil {
		return job{}, err
	}
	prints, err := fingerprints(o, opts)
	if err != nil {
		return job{}, err
	}
	m, err := chooseMode(ctx, o, previous, prints)
	if err != nil {
		return job{}, err
	}
	tasks, inputs, err := ingest.Plan(ctx, cfg, m.window(date))
	if err != nil {
		return job{}, err
	}
	tables, err := lookup.Plan(ctx, cfg, date)
	if err != nil {
		return job{}, err
	}
	inputs = append(inputs, tables.Inputs...)
	fmt.Fprintf(
		stdout,
		"nightly %s: %d files, %d read tasks from %s\n",
		date,
		len(inputs),
		len(tasks),
		o.Sources,
	)
	fmt.Fprintf(stdout, "%s night: %s\n", m.Mode, m.Reason)
	if previous != "" {
		fmt.Fprintf(stdout, "person ids continue the run of %s\n", previous)
	}
	j := job{
		Config:       cfg,
		Date:         date,
		Output:       o.Output,
		RunID:        fmt.Sprintf("%s-%x", date, time.Now().UnixNano()),
		Tasks:        tasks,
		Inputs:       inputs,
		Lookups:      tables,
		Clean:        opts,
		Resolve:      rcfg,
		Previous:     previous,
		Portrait:     pcfg,
		Segment:      scfg,
		Score:        predict,
		Cutoff:       cutoff,
		Erasures:     erasures,
		Mode:         m,
		Fingerprints: prints,
		KeepState:    o.Incremental,
		Lang:         o.Lang,
	}
	for _, e := range erasures {
		j.Erase = append(j.Erase, e.IDHash)
	}
	return j, nil
}

// finish checks a finished pipeline's attempt (the report first, so that a run whose counts do
// not add up still shows where; then the balance of every count and the data-quality gates) and
// promotes it to the date's run, while the run still holds the date.
func finish(
	ctx context.Context,
	j job,
	held *lease.Lease,
	stdout io.Writer,
	took time.Duration,
) error {
	attempt := sink.AttemptRoot(j.Output, j.Date, j.RunID)
	keep := func(err error) error {
		return fmt.Errorf("%w (the attempt's tables and report are in %s)",
			err, sink.RunDir(attempt, j.Date))
	}
	if err := report.RenderWith(ctx, attempt, j.Date,
		report.Options{Sources: j.Config, History: j.Output, Previous: j.Previous,
			Lang: j.Lang}); err != nil {
		return keep(err)
	}
	shown := sink.RunDir(j.Output, j.Date)
	if err := summarise(ctx, stdout, attempt, j.Date, shown, j.Config, took); err != nil {
		return keep(err)
	}
	// A run whose lease went stale while it ran (a paused machine) must not publish over the run
	// that took the date over.
	if err := held.Err(); err != nil {
		return keep(err)
	}
	m, err := sink.Promote(ctx, j.Output, j.Date, j.RunID, func(m *sink.Manifest) {
		m.Mode, m.Reason, m.Previous, m.Fingerprints = j.Mode.Mode, j.Mode.Reason,
			j.Previous, j.Fingerprints
		if j.KeepState {
			m.StateVersion = state.Version
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s: %d tables, %s night\n", sink.RunDir(j.Output, j.Date),
		len(m.Tables), m.Mode)
	return nil
}

// defaultLockTimeout is how long a run's lease may go unrenewed before another run takes it over.
const defaultLockTimeout = 10 * time.Minute

// holdDate takes the lease on the night's date, so that no other run writes the date meanwhile; a
// date another run holds is exit code 4, worth retrying later.
func holdDate(ctx context.Context, j job, timeout time.Duration) (*lease.Lease, error) {
	if timeout <= 0 {
		timeout = defaultLockTimeout
	}
	var opts []lease.Option
	dataflow := runner.Name() == "dataflow"
	if dataflow {
		// A Dataflow job outlives its launcher: a stale lease is not free while its job runs.
		opts = append(opts, lease.WithJobChecker(runner.DataflowJobRunning()))
	}
	l, err := lease.Acquire(
		ctx,
		lease.Path(j.Output, j.Date),
		lease.Holder{RunID: j.RunID},
		timeout,
		opts...,
	)
	var busy *lease.HeldError
	if errors.As(err, &busy) {
		return nil, exitcode.Held(err)
	}
	if err == nil && dataflow {
		runner.WatchSubmissions(func(id string) {
			if err := l.SetJob(context.WithoutCancel(ctx), id); err != nil {
				slog.Warn("the lease does not name the Dataflow job", "job", id, "error", err)
			}
		})
	}
	return l, err
}

// memoryShare is the share of the machine's (or container's) memory a night takes as its soft
// memory limit when GOMEMLIMIT is not set: the collector works harder as the heap nears it, rather
// than let Prism's buffers and the job grow until the machine swaps or the OOM killer ends the
// night.
const memoryShare = 0.6

// setMemoryLimit sets the soft memory limit unless GOMEMLIMIT (or AUTOMEMLIMIT=off) says otherwise,
// through github.com/KimMachineGun/automemlimit, which reads a container's cgroup limit where there
// is one and the machine's memory otherwise, and says what it set.
func setMemoryLimit(w io.Writer) {
	limit, err := memlimit.Set(memlimit.WithRatio(memoryShare),
		memlimit.WithProvider(memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem)))
	switch {
	case err != nil:
		fmt.Fprintf(w, "memory: no soft limit set (%v)\n", err)
	case os.Getenv("GOMEMLIMIT") == "" && limit < math.MaxInt64:
		fmt.Fprintf(
			w,
			"memory: soft limit %.1f GiB (%.0f%% of the memory available; GOMEMLIMIT overrides)\n",
			float64(limit)/(1<<30),
			memoryShare*100,
		)
	}
}

// failed ends a failed run; the date's previous run stays as it was. A run in phases that finished
// a phase keeps its temporary folder, for --resume; any other removes it: the phases' hand-over
// holds raw identifiers, and deduplication's claims take some 22 bytes per row read. A bundle
// still running when the runner reports the failure may write a file after this; the date's next
// finished run removes its attempts.
func failed(ctx context.Context, j job, phased bool, err error) error {
	dir := sinkConfig(j).TempDir()
	if phased {
		done, lerr := recordedPhases(ctx, dir)
		if lerr != nil {
			return errors.Join(err, lerr)
		}
		if len(done) > 0 {
			return fmt.Errorf(
				"%w\nthe finished phases (%s) are kept in %s: rerun with --phased --resume to continue from "+
					"there (the folder holds personal data in the clear until the date's next "+
					"finished run removes it)",
				err,
				strings.Join(done, " and "),
				dir,
			)
		}
	}
	if rerr := sink.RemoveTemp(ctx, sinkConfig(j)); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return err
}

// verbose keeps the runner's log records and a failed job's error whole (--verbose).
var verbose bool

// jobFailure is a failed job's error, told by its cause (quietlog.Cause); the whole error, with
// Beam's execution plan, is printed with --verbose.
type jobFailure struct {
	err error
}

func (e *jobFailure) Error() string { return "pipeline failed: " + quietlog.Cause(e.err.Error()) }

func (e *jobFailure) Unwrap() error { return e.err }

// runOne runs the job as one pipeline, p, and returns its figures.
func runOne(ctx context.Context, p *beam.Pipeline) (runstats.Report, error) {
	res, err := beamx.RunWithMetrics(ctx, p)
	if err != nil {
		return runstats.Report{}, &jobFailure{err: err}
	}
	return runstats.Collect(p, res)
}

// writeStepStats writes the run's step figures to a local file.
func writeStepStats(path string, rep runstats.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("step stats: %w", err)
	}
	if err := runstats.WriteSteps(f, rep); err != nil {
		f.Close()
		return fmt.Errorf("step stats %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("step stats %s: %w", path, err)
	}
	return nil
}

// summarise prints the tables of the run under output (an attempt), which will be published as
// shown, and the quality balance; it fails when counts do not add up or a data-quality gate is
// breached (exit code 3), printing the gates' warnings either way.
func summarise(ctx context.Context, w io.Writer, output, date, shown string, cfg *sources.Config,
	took time.Duration) error {
	m, err := sink.ReadManifest(ctx, output, date)
	if err != nil {
		return err
	}
	rows, err := sink.ReadTable[schemas.QualityCount](ctx, output, date, "quality")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s in %s:\n", shown, took.Round(time.Millisecond))
	for _, t := range schemas.All() {
		if info, ok := m.Tables[t.Name]; ok {
			fmt.Fprintf(w, "  %-16s %9d rows in %d files\n", t.Name, info.Rows, len(info.Files))
		}
	}
	if err := quality.WriteReasons(w, rows); err != nil {
		return err
	}
	totals := quality.Totals(rows)
	if err := quality.WriteSummary(w, totals); err != nil {
		return err
	}
	if problems := quality.Check(totals); len(problems) > 0 {
		return fmt.Errorf("record counts do not add up (%d problems)", len(problems))
	}
	// The gates come last: a night that breaches one is not published, whatever else it holds.
	breaches, warnings := quality.Gate(rows, cfg)
	for _, f := range warnings {
		fmt.Fprintf(w, "warning: %s\n", f)
	}
	if len(breaches) > 0 {
		return exitcode.QualityGate(&quality.GateError{Breaches: breaches})
	}
	return nil
}

// previousRun is the date of the run whose person ids tonight continues, "" for none. With none
// given, it is the latest finished run before the date; when that run is older than the day
// before, the nights in between are missing or unfinished and the night refuses to start, unless
// --full-refresh is given.
func previousRun(ctx context.Context, o options, date string) (string, error) {
	switch o.Previous {
	case "none":
		return "", nil
	case "":
		latest, err := sink.Previous(ctx, o.Output, date)
		if err != nil || latest == "" || o.FullRefresh {
			return latest, err
		}
		if gap := missingNights(latest, date); len(gap) > 0 {
			return "", fmt.Errorf("the latest finished run before %s under %s is %s: %s %s "+
				"(run %s first, give --previous %s to continue from %s, or --full-refresh)",
				date, o.Output, latest, describeGap(gap), verbFor(gap), gap[0],
				sink.RunDir(o.Output, latest), latest)
		}
		return latest, nil
	}
	root, d, err := sink.SplitRunDir(o.Previous)
	if err != nil || root != strings.TrimRight(o.Output, "/") {
		return "", fmt.Errorf(
			"--previous %q: want a run folder OUTPUT/dt=YYYY-MM-DD under --output %s",
			o.Previous,
			o.Output,
		)
	}
	if d >= date {
		return "", fmt.Errorf("--previous %q: not before --date %s", o.Previous, date)
	}
	if _, err := sink.ReadManifest(ctx, o.Output, d); err != nil {
		return "", fmt.Errorf("--previous: %w", err)
	}
	return d, nil
}

// missingNights lists the days after latest and before date.
func missingNights(latest, date string) []string {
	var out []string
	for d := sources.AddDays(latest, 1); d < date; d = sources.AddDays(d, 1) {
		out = append(out, d)
	}
	return out
}

// describeGap names missing nights: one, two, or the first and last of more.
func describeGap(days []string) string {
	switch len(days) {
	case 1:
		return "the night of " + days[0]
	case 2:
		return "the nights of " + days[0] + " and " + days[1]
	}
	return fmt.Sprintf("the %d nights from %s to %s", len(days), days[0], days[len(days)-1])
}

func verbFor(days []string) string {
	if len(days) == 1 {
		return "is missing or unfinished"
	}
	return "are missing or unfinished"
}

// segmentConfig loads the segments file and adds the run's day, output and last night's summary.
func segmentConfig(ctx context.Context, o options, date, previous string) (segment.Config, error) {
	c, err := segment.LoadConfig(o.Segments)
	if err != nil {
		return segment.Config{}, err
	}
	c.Date, c.Output = date, o.Output
	if c.Previous, err = previousTable[schemas.SegmentSummary](ctx, o.Output, previous,
		"segment_summary"); err != nil {
		return segment.Config{}, err
	}
	return c, nil
}

// previousTable reads a table of the previous run: none when there is no previous run, or when
// that run is from before the table existed.
func previousTable[T any](ctx context.Context, output, previous, table string) ([]T, error) {
	if previous == "" {
		return nil, nil
	}
	m, err := sink.ReadManifest(ctx, output, previous)
	if err != nil {
		return nil, err
	}
	if _, ok := m.Tables[table]; !ok {
		return nil, nil
	}
	rows, err := sink.ReadTable[T](ctx, output, previous, table)
	if err != nil {
		return nil, fmt.Errorf("previous run: %w", err)
	}
	return rows, nil
}

// erasureList is last night's erasures and tonight's requests (--erase), one row per identifier
// hash, the first request's date kept: every person once erased stays erased. Phones without a
// country code are read in phoneRegion, as the sources' are.
func erasureList(
	ctx context.Context,
	o options,
	date, previous, phoneRegion string,
	opts clean.Options,
) ([]schemas.Erasure, error) {
	rows, err := previousTable[schemas.Erasure](ctx, o.Output, previous, "erasures")
	if err != nil {
		return nil, err
	}
	first := map[string]string{}
	for _, r := range rows {
		first[r.IDHash] = r.RequestedDate
	}
	if o.Erase != "" {
		salt, err := opts.Salt()
		if err != nil {
			return nil, err
		}
		hashes, err := erase.Load(o.Erase, salt, phoneRegion)
		if err != nil {
			return nil, err
		}
		for _, h := range hashes {
			if _, ok := first[h]; !ok {
				first[h] = date
			}
		}
	}
	out := make([]schemas.Erasure, 0, len(first))
	for h, d := range first {
		out = append(out, schemas.Erasure{IDHash: h, RequestedDate: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IDHash < out[j].IDHash })
	return out, nil
}

// isSample reports whether the sources config is the bundled sample's, for the default date; the
// sample's salt goes by the files read (hashingSalt).
func isSample(file string) bool {
	a, err1 := filepath.Abs(file)
	b, err2 := filepath.Abs(sampleSources)
	return err1 == nil && err2 == nil && a == b
}

// runDate is the --date flag, checked, or its default.
func runDate(flagValue string, sample bool, zone string) (string, error) {
	if flagValue == "" {
		if sample {
			return sampleDate, nil
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return "", err
		}
		return time.Now().In(loc).AddDate(0, 0, -1).Format(time.DateOnly), nil
	}
	if _, err := time.Parse(time.DateOnly, flagValue); err != nil {
		return "", fmt.Errorf("--date %q: want YYYY-MM-DD", flagValue)
	}
	return flagValue, nil
}
