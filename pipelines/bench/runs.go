package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/runstats"
)

// The files bench.sh leaves in each runner's folder.
const (
	stdoutFile = "stdout.txt"
	// attemptDir-N/ holds an earlier attempt's files, once bench.sh --resume started another.
	attemptDir = "attempt"
	stderrFile = "stderr.txt"
	timeFile   = "time.txt" // /usr/bin/time -v report
	loadFile   = "load.txt" // /proc/loadavg before and after the run, one line each
	outputDir  = "out"      // the run's --output
)

// run is one nightly run on one runner.
type run struct {
	Runner string `json:"runner"`
	// Status is "ok", or how the run ended: "exit 1", "killed by signal 9".
	Status string `json:"status"`
	// Error is the run's last error line, for a failed run.
	Error string `json:"error,omitempty"`
	// Wall is the run's wall time; for a resumed run, this attempt's plus the phases earlier
	// attempts ran (their CPU time, memory and load are not in the run's other figures).
	Wall time.Duration `json:"wall_ns"`
	// Resumed tells that earlier attempts ran some of the run's phases.
	Resumed    bool          `json:"resumed,omitempty"`
	CPU        time.Duration `json:"cpu_ns"`
	PeakRSS    int64         `json:"peak_rss_bytes"`
	LoadBefore loadAvg       `json:"load_before"`
	LoadAfter  loadAvg       `json:"load_after"`
	// Records counts the records the run read, -1 when it did not finish.
	Records int64 `json:"records"`
	// Stages is the run's stage table, nil when its output had none.
	Stages *runstats.Report `json:"stages,omitempty"`
	// Phases are the wall times of a phased run's pipelines, in order; none for one pipeline.
	Phases []phase `json:"phases,omitempty"`
	// Inputs is what a finished run read, per source.
	Inputs []sourceInput `json:"-"`
}

// OK reports whether the run finished well.
func (r run) OK() bool { return r.Status == "ok" }

// Rate is records read per second of wall time, 0 when unknown.
func (r run) Rate() float64 {
	if r.Records < 0 || r.Wall <= 0 {
		return 0
	}
	return float64(r.Records) / r.Wall.Seconds()
}

// readRuns reads every runner folder under dir (prism/, direct/ ...), in name order.
func readRuns(ctx context.Context, dir, date string) ([]run, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("runs folder: %w", err)
	}
	var runs []run
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		r, err := readRun(ctx, filepath.Join(dir, e.Name()), date)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("runs folder %s holds no runner folder", dir)
	}
	sort.Slice(
		runs,
		func(i, j int) bool { return runs[i].Runner > runs[j].Runner },
	) // prism before direct
	return runs, nil
}

// readRun reads one runner's folder.
func readRun(ctx context.Context, dir, date string) (run, error) {
	r := run{Runner: filepath.Base(dir), Records: -1}
	f, err := os.Open(filepath.Join(dir, timeFile))
	if err != nil {
		return run{}, err
	}
	u, err := parseTimeV(f, f.Name())
	f.Close()
	if err != nil {
		return run{}, err
	}
	r.Wall, r.CPU, r.PeakRSS = u.Wall, u.User+u.System, u.PeakRSS
	switch {
	case u.Signal != 0:
		r.Status = fmt.Sprintf("killed by signal %d", u.Signal)
	case u.Exit != 0:
		r.Status = fmt.Sprintf("exit %d", u.Exit)
	default:
		r.Status = "ok"
	}
	if r.LoadBefore, r.LoadAfter, err = readLoads(filepath.Join(dir, loadFile)); err != nil {
		return run{}, err
	}
	if !r.OK() {
		if r.Error, err = lastError(filepath.Join(dir, stderrFile)); err != nil {
			return run{}, err
		}
	}
	if r.Stages, err = readStages(filepath.Join(dir, stdoutFile)); err != nil {
		return run{}, err
	}
	if r.Phases, err = readPhases(dir); err != nil {
		return run{}, err
	}
	for _, p := range r.Phases {
		if p.Attempt > 0 {
			r.Wall += p.Wall
			r.Resumed = true
		}
	}
	r.Inputs, err = runInputs(ctx, filepath.Join(dir, outputDir), date)
	switch {
	case err == nil:
		r.Records = totalRecords(r.Inputs)
	case isUnfinished(err):
		r.Inputs = nil
	default:
		return run{}, err
	}
	return r, nil
}

// readLoads reads the before and after lines of a load file.
func readLoads(file string) (loadAvg, loadAvg, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return loadAvg{}, loadAvg{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		return loadAvg{}, loadAvg{}, fmt.Errorf(
			"%s: want 2 lines of /proc/loadavg (before, after), got %d",
			file,
			len(lines),
		)
	}
	before, err := parseLoadAvg(lines[0])
	if err != nil {
		return loadAvg{}, loadAvg{}, fmt.Errorf("%s line 1: %w", file, err)
	}
	after, err := parseLoadAvg(lines[1])
	if err != nil {
		return loadAvg{}, loadAvg{}, fmt.Errorf("%s line 2: %w", file, err)
	}
	return before, after, nil
}

// readStages reads the stage table a run printed, nil when it printed none.
func readStages(file string) (*runstats.Report, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep, err := runstats.Parse(f)
	if errors.Is(err, runstats.ErrNoTable) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &rep, nil
}

// phase is one pipeline of a phased run and its wall time, as the nightly prints it:
// "phase clean: 4m38.236s".
type phase struct {
	Name string        `json:"name"`
	Wall time.Duration `json:"wall_ns"`
	// Attempt is the earlier attempt (bench.sh --resume moved its files to attempt-N/) that ran
	// the phase; 0 when this run did.
	Attempt int `json:"attempt,omitempty"`
}

const (
	// phasePrefix starts the line a phased nightly prints when a phase ends.
	phasePrefix = "phase "
	// resumedPhase is what a resumed nightly prints after "phase NAME: " for a phase an earlier
	// attempt finished.
	resumedPhase = "finished by an earlier attempt"
)

// readPhases reads the phase lines of the run in dir, in order. A phase an earlier attempt
// finished takes its wall time from that attempt's output, the latest attempt-N/ that has it.
func readPhases(dir string) ([]phase, error) {
	file := filepath.Join(dir, stdoutFile)
	lines, err := phaseLines(file)
	if err != nil {
		return nil, err
	}
	var phases []phase
	for _, l := range lines {
		if !l.resumed {
			phases = append(phases, phase{Name: l.name, Wall: l.wall})
			continue
		}
		p, err := earlierPhase(dir, l.name)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", file, l.n, err)
		}
		phases = append(phases, p)
	}
	return phases, nil
}

// phaseLine is one phase line of a run's output.
type phaseLine struct {
	n       int
	name    string
	wall    time.Duration
	resumed bool
}

// phaseLines reads the phase lines of one output file.
func phaseLines(file string) ([]phaseLine, error) {
	var lines []phaseLine
	err := scanLines(file, func(n int, line string) error {
		rest, ok := strings.CutPrefix(line, phasePrefix)
		if !ok {
			return nil
		}
		name, took, ok := strings.Cut(rest, ": ")
		if ok && strings.HasPrefix(took, resumedPhase) {
			lines = append(lines, phaseLine{n: n, name: name, resumed: true})
			return nil
		}
		d, err := time.ParseDuration(took)
		if !ok || err != nil {
			return fmt.Errorf("%s line %d: want \"phase NAME: DURATION\", got %q", file, n, line)
		}
		lines = append(lines, phaseLine{n: n, name: name, wall: d})
		return nil
	})
	return lines, err
}

// earlierPhase finds the wall time of a phase in the outputs of the earlier attempts kept in dir,
// the latest first.
func earlierPhase(dir, name string) (phase, error) {
	attempts, err := filepath.Glob(filepath.Join(dir, attemptDir+"-*"))
	if err != nil {
		return phase{}, err
	}
	var ns []int
	for _, a := range attempts {
		if n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(a), attemptDir+"-")); err == nil {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	for _, n := range slices.Backward(ns) {
		lines, err := phaseLines(
			filepath.Join(dir, fmt.Sprintf("%s-%d", attemptDir, n), stdoutFile),
		)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return phase{}, err
		}
		for _, l := range lines {
			if l.name == name && !l.resumed {
				return phase{Name: name, Wall: l.wall, Attempt: n}, nil
			}
		}
	}
	return phase{}, fmt.Errorf(
		"phase %s was finished by an earlier attempt, but no %s-N/%s in %s says how long it took",
		name,
		attemptDir,
		stdoutFile,
		dir,
	)
}

// scanLines calls each with every line of a file and its number, from 1, until each fails.
func scanLines(file string, each func(n int, line string) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if err := each(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", file, err)
	}
	return nil
}

// lastError is the last line of a failed run's error output that says what went wrong: the job's
// own message, a Go runtime fatal error or a panic.
func lastError(file string) (string, error) {
	var last string
	err := scanLines(file, func(_ int, l string) error {
		if strings.Contains(l, "nightly: ") || strings.HasPrefix(l, "fatal error: ") ||
			strings.HasPrefix(l, "panic: ") {
			last = l
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	const maxLen = 300
	if len(last) > maxLen {
		last = strings.ToValidUTF8(last[:maxLen], "") + "..."
	}
	return last, nil
}
