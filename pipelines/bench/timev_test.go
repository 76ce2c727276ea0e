package main

import (
	"strings"
	"testing"
	"time"
)

// killedReport is what GNU time wrote for a run the OOM killer ended.
const killedReport = `Command terminated by signal 9
	Command being timed: "nightly --runner prism"
	User time (seconds): 131.63
	System time (seconds): 24.54
	Percent of CPU this job got: 36%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 7:04.88
	Maximum resident set size (kbytes): 15887716
	Exit status: 0
`

func TestParseTimeVKilled(t *testing.T) {
	u, err := parseTimeV(strings.NewReader(killedReport), "time.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := usage{Wall: 7*time.Minute + 4880*time.Millisecond, User: 131630 * time.Millisecond,
		System: 24540 * time.Millisecond, PeakRSS: 15887716 << 10, Signal: 9}
	if u != want {
		t.Errorf("parsed %+v, want %+v", u, want)
	}
}

func TestParseTimeVExit(t *testing.T) {
	text := strings.Replace(killedReport, "Command terminated by signal 9\n", "", 1)
	text = strings.Replace(text, "Exit status: 0", "Exit status: 1", 1)
	text = strings.Replace(text, "7:04.88", "1:02:03", 1)
	u, err := parseTimeV(strings.NewReader(text), "time.txt")
	if err != nil {
		t.Fatal(err)
	}
	if u.Exit != 1 || u.Signal != 0 || u.Wall != time.Hour+2*time.Minute+3*time.Second {
		t.Errorf("parsed %+v", u)
	}
}

func TestParseTimeVErrors(t *testing.T) {
	for name, c := range map[string]struct{ text, want string }{
		"not a report": {"real 1.0\n", `time.txt: no "Elapsed`},
		"bad clock":    {strings.Replace(killedReport, "7:04.88", "7m4s", 1), "time.txt line 6: Elapsed"},
		"bad rss": {strings.Replace(killedReport, "15887716", "lots", 1),
			"time.txt line 7: Maximum resident"},
		"bad signal": {strings.Replace(killedReport, "signal 9", "signal KILL", 1),
			"time.txt line 1: signal"},
	} {
		_, err := parseTimeV(strings.NewReader(c.text), "time.txt")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
}

func TestParseLoadAvg(t *testing.T) {
	l, err := parseLoadAvg("4.75 5.08 7.27 3/512 10692\n")
	if err != nil {
		t.Fatal(err)
	}
	if l != (loadAvg{4.75, 5.08, 7.27}) || l.String() != "4.75 5.08 7.27" {
		t.Errorf("parsed %v", l)
	}
	for _, bad := range []string{"", "4.75 5.08", "a b c"} {
		if _, err := parseLoadAvg(bad); err == nil {
			t.Errorf("parseLoadAvg(%q) gave no error", bad)
		}
	}
}
