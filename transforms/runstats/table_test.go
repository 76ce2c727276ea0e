package runstats

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWriteParseTimed(t *testing.T) {
	r := Summarise(fixture())
	var b strings.Builder
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"ingest               2          120          110        3.00s    60.0%           40",
		"sink                 1           40            0       <200ms        -            -",
		"all                  8                                  5.00s   100.0%",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("table lacks line %q:\n%s", want, text)
		}
	}
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimRight(l, " ") != l {
			t.Errorf("line %d has trailing spaces: %q", i+1, l)
		}
	}
	got, err := Parse(strings.NewReader("nightly 2026-11-21: 16 files\n" + text + "wrote out\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Timed || got.Total != r.Total || len(got.Stages) != len(r.Stages) {
		t.Fatalf("parsed %+v, want %+v", got, r)
	}
	for i, s := range r.Stages {
		s.Elements = Reported
		if got.Stages[i] != s {
			t.Errorf("parsed stage %+v, want %+v", got.Stages[i], s)
		}
	}
}

func TestWriteParseUntimed(t *testing.T) {
	m := fixture()
	m.Times, m.Elements = nil, nil
	var b strings.Builder
	if err := Write(&b, Summarise(m)); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.Contains(
		text,
		"resolve              2            -            -    not reported\n",
	) {
		t.Errorf("untimed line missing:\n%s", text)
	}
	if strings.Contains(text, "0.00s") {
		t.Errorf("an untimed report prints zero times:\n%s", text)
	}
	got, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if got.Timed {
		t.Error("parsed an untimed table as timed")
	}
	if s, _ := got.Stage(Ingest); s.In != 120 || s.Out != 110 || s.Elements != Reported {
		t.Errorf("ingest parsed as %+v", s)
	}
	if s, _ := got.Stage(Resolve); s.Elements != "" {
		t.Errorf("resolve parsed as %+v, want no elements", s)
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := Parse(strings.NewReader("no table here\n")); !errors.Is(err, ErrNoTable) {
		t.Errorf("text without a table: got %v, want ErrNoTable", err)
	}
	for name, c := range map[string]struct{ text, want string }{
		"truncated": {header + "\ningest 2 1 1 1.00s 100.0% 1\n", `ends before its "all" line`},
		"bad steps": {"x\n" + header + "\ningest two 1 1 1.00s 100.0% 1\n", "line 3: steps of ingest"},
		"bad time":  {header + "\ningest 2 1 1 1.00 100.0% 1\n", "time of ingest: want seconds"},
		"bad in":    {header + "\ningest 2 many 1 1.00s 100.0% 1\n", "in of ingest"},
		"short row": {header + "\ningest 2 1\n", "want in and out of ingest"},
	} {
		_, err := Parse(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, c.want)
		}
	}
}

func TestParseHundredths(t *testing.T) {
	r := Report{
		Timed:  true,
		Total:  1234567 * time.Microsecond,
		Stages: []Stage{{Name: Ingest, Steps: 1, Time: 1234567 * time.Microsecond}},
	}
	var b strings.Builder
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Stages[0].Time != 1230*time.Millisecond {
		t.Errorf("parsed %v, want 1.23s", got.Stages[0].Time)
	}
}

// TestWriteSteps lists the steps that took longest first, one tab-separated line each.
func TestWriteSteps(t *testing.T) {
	r := Report{Steps: []StepFigures{
		{Name: "a", Stage: Clean, Time: time.Second, In: 10, Out: 9},
		{Phase: "resolve", Name: "b", Stage: Resolve, Time: 2500 * time.Millisecond, In: 9, Out: 3},
		{Name: "c", Stage: Glue},
	}}
	var b strings.Builder
	if err := WriteSteps(&b, r); err != nil {
		t.Fatal(err)
	}
	want := "phase\tstep\tstage\ttime_s\tin\tout\nresolve\tb\tresolve\t2.5\t9\t3\n" +
		"\ta\tclean\t1.0\t10\t9\n\tc\tglue\t0.0\t0\t0\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
