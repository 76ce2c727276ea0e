package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// usage is what GNU time's verbose report (/usr/bin/time -v) says of one command.
type usage struct {
	Wall, User, System time.Duration
	// PeakRSS is the maximum resident set size in bytes.
	PeakRSS int64
	// Exit is the command's exit status; Signal, when not 0, the signal that ended it.
	Exit, Signal int
}

// parseTimeV reads a /usr/bin/time -v report. name names the file in errors.
func parseTimeV(r io.Reader, name string) (usage, error) {
	var u usage
	found := map[string]bool{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if sig, ok := strings.CutPrefix(text, "Command terminated by signal "); ok {
			n, err := strconv.Atoi(sig)
			if err != nil {
				return usage{}, fmt.Errorf("%s line %d: signal %q: %w", name, line, sig, err)
			}
			u.Signal = n
			continue
		}
		key, value, ok := strings.Cut(text, ": ")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "Elapsed (wall clock) time (h:mm:ss or m:ss)":
			u.Wall, err = parseClock(value)
		case "User time (seconds)":
			u.User, err = parseSeconds(value)
		case "System time (seconds)":
			u.System, err = parseSeconds(value)
		case "Maximum resident set size (kbytes)":
			var kb int64
			kb, err = strconv.ParseInt(value, 10, 64)
			u.PeakRSS = kb << 10
		case "Exit status":
			u.Exit, err = strconv.Atoi(value)
		default:
			continue
		}
		if err != nil {
			return usage{}, fmt.Errorf("%s line %d: %s: %w", name, line, key, err)
		}
		found[key] = true
	}
	if err := sc.Err(); err != nil {
		return usage{}, fmt.Errorf("reading %s: %w", name, err)
	}
	for _, k := range []string{"Elapsed (wall clock) time (h:mm:ss or m:ss)",
		"Maximum resident set size (kbytes)"} {
		if !found[k] {
			return usage{}, fmt.Errorf("%s: no %q line: not a /usr/bin/time -v report", name, k)
		}
	}
	return u, nil
}

// parseClock reads GNU time's elapsed time: m:ss.cc or h:mm:ss.
func parseClock(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("want m:ss or h:mm:ss, got %q", s)
	}
	var d time.Duration
	for i, p := range parts {
		unit := time.Minute
		if len(parts) == 3 && i == 0 {
			unit = time.Hour
		}
		if i == len(parts)-1 {
			secs, err := parseSeconds(p)
			if err != nil {
				return 0, err
			}
			d += secs
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, fmt.Errorf("want m:ss or h:mm:ss, got %q", s)
		}
		d += time.Duration(n) * unit
	}
	return d, nil
}

func parseSeconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("want seconds, got %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// loadAvg is the 1, 5 and 15 minute load averages.
type loadAvg [3]float64

// String prints the three averages as uptime does.
func (l loadAvg) String() string {
	return fmt.Sprintf("%.2f %.2f %.2f", l[0], l[1], l[2])
}

// parseLoadAvg reads a line of /proc/loadavg.
func parseLoadAvg(line string) (loadAvg, error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return loadAvg{}, fmt.Errorf("want a /proc/loadavg line, got %q", line)
	}
	var l loadAvg
	for i := range l {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return loadAvg{}, fmt.Errorf("want a /proc/loadavg line, got %q", line)
		}
		l[i] = v
	}
	return l, nil
}
