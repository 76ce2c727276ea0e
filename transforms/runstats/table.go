package runstats

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The table's columns: a row is rowFormat, the header the same widths.
const rowFormat = "%-14s %7d %12s %12s %12s %8s %12s\n"

var header = fmt.Sprintf(
	"%-14s %7s %12s %12s %12s %8s %12s",
	"stage",
	"steps",
	"in",
	"out",
	"step time",
	"share",
	"in/s",
)

// The last row's name and the words of an untimed time column.
const (
	allRow      = "all"
	notReported = "not reported"
	// belowSample is printed for a timed stage whose steps were never caught by the sampler.
	belowSample = "<200ms"
)

// ErrNoTable is returned by Parse when the text holds no stage table.
var ErrNoTable = errors.New("no stage table")

// Write prints the report as a table, one line per stage, then a line for all stages and what the
// figures mean. Figures a runner did not report are "-" or "not reported", never zeros.
func Write(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString(header + "\n")
	steps := 0
	for _, s := range r.Stages {
		steps += s.Steps
		in, out, rate := "-", "-", "-"
		if s.Elements != "" {
			in, out = strconv.FormatInt(s.In, 10), strconv.FormatInt(s.Out, 10)
		}
		t, share := timeCells(r, s.Time)
		if s.Rate() > 0 {
			rate = strconv.FormatFloat(s.Rate(), 'f', 0, 64)
		}
		if !r.Timed {
			fmt.Fprintf(&b, "%-14s %7d %12s %12s    %s\n", s.Name, s.Steps, in, out, notReported)
			continue
		}
		fmt.Fprintf(&b, rowFormat, s.Name, s.Steps, in, out, t, share, rate)
	}
	if r.Timed {
		fmt.Fprintf(&b, rowFormat, allRow, steps, "", "", seconds(r.Total), "100.0%", "")
		b.WriteString(
			"step time: sampled by the SDK harness every 200 ms per bundle, summed over a stage's steps " +
				"and over bundles running at once;\n",
		)
		b.WriteString(
			"  in a fused chain, work done after an emit is charged to the step last entered downstream " +
				"(ingest reads a file per call: its decoding shows under clean)\n",
		)
	} else {
		fmt.Fprintf(&b, "%-14s %7d %12s %12s    %s\n", allRow, steps, "", "", notReported)
		if r.NoMetrics {
			b.WriteString("the runner returned no metrics (an asynchronous job): see its own monitoring\n")
		} else {
			b.WriteString("step time: not reported by this runner (Prism reports it, the direct " +
				"runner does not)\n")
		}
	}
	b.WriteString(
		"in/out: records, from the quality counters of the stages that keep them, else elements of the " +
			"PCollections crossing the stage (Prism only)\n",
	)
	// Rows end in blank columns (the "all" row); no line keeps trailing spaces.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// timeCells renders a stage's time and share of the total.
func timeCells(r Report, d time.Duration) (string, string) {
	if d <= 0 {
		return belowSample, "-"
	}
	return seconds(d), strconv.FormatFloat(100*r.Share(Stage{Time: d}), 'f', 1, 64) + "%"
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}

// Parse reads back the stage table that Write printed, from text that may hold other lines (a
// job's whole output). It returns ErrNoTable when there is none; Steps, In, Out, Elements (set to
// "reported" when the figures are there), Time and Total are restored as printed (times to the
// hundredth of a second).
func Parse(r io.Reader) (Report, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line, inTable := 0, false
	var rep Report
	for sc.Scan() {
		line++
		text := sc.Text()
		if !inTable {
			inTable = strings.Join(
				strings.Fields(text),
				" ",
			) == strings.Join(
				strings.Fields(header),
				" ",
			)
			continue
		}
		s, err := parseRow(text)
		if err != nil {
			return Report{}, fmt.Errorf("stage table line %d: %w", line, err)
		}
		if s.Name == allRow {
			rep.Total, rep.Timed = s.Time, !strings.Contains(text, notReported)
			return rep, nil
		}
		rep.Stages = append(rep.Stages, s)
	}
	if err := sc.Err(); err != nil {
		return Report{}, fmt.Errorf("reading stage table: %w", err)
	}
	if inTable {
		return Report{}, fmt.Errorf("stage table ends before its %q line", allRow)
	}
	return Report{}, ErrNoTable
}

// parseRow reads one row: name, steps, in, out, then a time, share and rate, or "not reported".
func parseRow(text string) (Stage, error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return Stage{}, fmt.Errorf("want a stage row, got %q", text)
	}
	s := Stage{Name: f[0]}
	var err error
	if s.Steps, err = strconv.Atoi(f[1]); err != nil {
		return Stage{}, fmt.Errorf("steps of %s: %w", s.Name, err)
	}
	rest := f[2:]
	if s.Name != allRow {
		if len(rest) < 2 {
			return Stage{}, fmt.Errorf("want in and out of %s, got %q", s.Name, text)
		}
		if rest[0] != "-" {
			if s.In, err = strconv.ParseInt(rest[0], 10, 64); err != nil {
				return Stage{}, fmt.Errorf("in of %s: %w", s.Name, err)
			}
			if s.Out, err = strconv.ParseInt(rest[1], 10, 64); err != nil {
				return Stage{}, fmt.Errorf("out of %s: %w", s.Name, err)
			}
			s.Elements = Reported
		}
		rest = rest[2:]
	}
	if len(rest) == 0 {
		return Stage{}, fmt.Errorf("want the time of %s, got %q", s.Name, text)
	}
	switch t := rest[0]; {
	case strings.Join(rest, " ") == notReported, t == belowSample:
	default:
		secs, err := strconv.ParseFloat(strings.TrimSuffix(t, "s"), 64)
		if err != nil || !strings.HasSuffix(t, "s") {
			return Stage{}, fmt.Errorf("time of %s: want seconds like 1.25s, got %q", s.Name, t)
		}
		s.Time = time.Duration(math.Round(secs*1000)) * time.Millisecond
	}
	return s, nil
}

// WriteSteps writes the step figures as tab-separated values with a header line, the steps that
// took longest first: phase, step, stage, time in seconds, elements in and out.
func WriteSteps(w io.Writer, r Report) error {
	steps := slices.Clone(r.Steps)
	slices.SortStableFunc(steps, func(a, b StepFigures) int { return cmp.Compare(b.Time, a.Time) })
	var b strings.Builder
	b.WriteString("phase\tstep\tstage\ttime_s\tin\tout\n")
	for _, s := range steps {
		fmt.Fprintf(
			&b,
			"%s\t%s\t%s\t%.1f\t%d\t%d\n",
			s.Phase,
			s.Name,
			s.Stage,
			s.Time.Seconds(),
			s.In,
			s.Out,
		)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
