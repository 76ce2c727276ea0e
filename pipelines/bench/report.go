package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopportraits/portraits/transforms/runstats"
)

// result is one benchmark: the dataset, the runs and the decode rates.
type result struct {
	Scale   string `json:"scale"`
	Persons int    `json:"persons"`
	Days    int    `json:"days"`
	Date    string `json:"date"`
	Data    string `json:"data"`
	// Revision is the source the nightly was built from; Profiled says the runs wrote profiles.
	Revision string `json:"revision,omitempty"`
	Profiled bool   `json:"profiled"`
	// MemLimitGiB is the resident-memory limit of each run, 0 for none.
	MemLimitGiB int `json:"mem_limit_gib,omitempty"`
	// Cores and Memory describe the machine.
	Cores  int           `json:"cores"`
	Memory int64         `json:"memory_bytes"`
	Inputs []sourceInput `json:"inputs"`
	Runs   []run         `json:"runs"`
	Decode []decodeRate  `json:"decode,omitempty"`
}

// writeResult prints the benchmark as plain-text tables.
func writeResult(w io.Writer, r result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "bench %s: %d persons, %d days to %s (data %s); %d cores, %s memory\n",
		r.Scale, r.Persons, r.Days, r.Date, r.Data, r.Cores, gib(r.Memory))
	if r.Revision != "" {
		fmt.Fprintf(&b, "nightly built from %s\n", r.Revision)
	}
	if r.MemLimitGiB > 0 {
		fmt.Fprintf(
			&b,
			"each run limited to %d GiB of resident memory: beyond it the benchmark stops the run\n",
			r.MemLimitGiB,
		)
	}
	if r.Profiled {
		b.WriteString(
			"the runs wrote CPU and heap profiles: their times include the profiler's cost\n",
		)
	}
	b.WriteString("\n")
	writeInputs(&b, r.Inputs)
	b.WriteString("\n")
	writeRuns(&b, r.Runs)
	for _, run := range r.Runs {
		fmt.Fprintf(
			&b,
			"\nper stage, %s (load before %s, after %s):\n",
			run.Runner,
			run.LoadBefore,
			run.LoadAfter,
		)
		if len(run.Phases) > 0 {
			b.WriteString("phases (wall):")
			for _, p := range run.Phases {
				fmt.Fprintf(&b, " %s %s", p.Name, secs(p.Wall))
				if p.Attempt > 0 {
					fmt.Fprintf(&b, " (attempt %d)", p.Attempt)
				}
			}
			b.WriteString("\n")
		}
		if run.Stages == nil {
			b.WriteString(
				"  no stage table in the run's output (a nightly that prints none, or a run that " +
					"failed before the end)\n",
			)
			continue
		}
		if err := runstats.Write(&b, *run.Stages); err != nil {
			return err
		}
	}
	if len(r.Decode) > 0 {
		b.WriteString("\n")
		writeDecode(&b, r.Decode, r.Runs)
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

func writeInputs(b *strings.Builder, in []sourceInput) {
	fmt.Fprintf(b, "%-14s %6s %14s %12s\n", "source", "files", "bytes", "records")
	var files int
	var size int64
	for _, s := range in {
		files += s.Files
		size += s.Bytes
		fmt.Fprintf(b, "%-14s %6d %14d %12s\n", s.Source, s.Files, s.Bytes, count(s.Records))
	}
	fmt.Fprintf(b, "%-14s %6d %14d %12s\n", "all", files, size, count(totalRecords(in)))
	if totalRecords(in) < 0 {
		b.WriteString("records: no run finished, so no quality table says what was read\n")
	}
}

func writeRuns(b *strings.Builder, runs []run) {
	fmt.Fprintf(
		b,
		"%-8s %-22s %10s %10s %14s %10s   %-17s %-17s\n",
		"runner",
		"status",
		"wall",
		"records/s",
		"cpu user+sys",
		"peak RSS",
		"load before",
		"load after",
	)
	for _, r := range runs {
		rate := "-"
		if r.Rate() > 0 {
			rate = fmt.Sprintf("%.0f", r.Rate())
		}
		fmt.Fprintf(
			b,
			"%-8s %-22s %10s %10s %14s %10s   %-17s %-17s\n",
			r.Runner,
			r.Status,
			secs(r.Wall),
			rate,
			secs(r.CPU),
			gib(r.PeakRSS),
			r.LoadBefore,
			r.LoadAfter,
		)
	}
	for _, r := range runs {
		if r.Error != "" {
			fmt.Fprintf(b, "%s: %s\n", r.Runner, r.Error)
		}
	}
	b.WriteString(
		"records/s: records read (ingest in, all sources) per second of wall time, start-up included\n",
	)
	for _, r := range runs {
		if r.Resumed {
			fmt.Fprintf(
				b,
				"%s: resumed; its wall time adds the phases earlier attempts ran (see phases), its CPU time, "+
					"peak RSS and loads are the last attempt's\n",
				r.Runner,
			)
		}
	}
}

func writeDecode(b *strings.Builder, rates []decodeRate, runs []run) {
	b.WriteString("decode rates, one goroutine, same files:\n")
	fmt.Fprintf(
		b,
		"%-8s %-9s %-55s %6s %10s %9s %11s   %s\n",
		"source",
		"format",
		"method",
		"passes",
		"records",
		"MB/s",
		"records/s",
		"load at start",
	)
	for _, d := range rates {
		fmt.Fprintf(
			b,
			"%-8s %-9s %-55s %6d %10d %9.1f %11.0f   %s\n",
			d.Source,
			d.Format,
			d.Method,
			d.Passes,
			d.Records,
			float64(d.Bytes)/1e6/d.Took.Seconds(),
			d.Rate(),
			d.Load,
		)
	}
	for _, r := range runs {
		if r.Stages == nil {
			continue
		}
		s, ok := r.Stages.Stage(runstats.Ingest)
		if !ok || s.Rate() <= 0 {
			fmt.Fprintf(b, "nightly ingest stage on %s: no step time reported\n", r.Runner)
			continue
		}
		fmt.Fprintf(
			b,
			"nightly ingest stage on %s: %.0f records/s of step time over all sources (%d records in %s)\n",
			r.Runner,
			s.Rate(),
			s.In,
			secs(s.Time),
		)
	}
	b.WriteString("MB/s: bytes on disk (compressed) per second\n")
}

// count prints a count, "-" when unknown (negative).
func count(n int64) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

func gib(n int64) string { return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30)) }
