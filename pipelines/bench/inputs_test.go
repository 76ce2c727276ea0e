package main

import (
	"testing"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/ingest"
)

func TestTally(t *testing.T) {
	files := []ingest.Input{
		{Source: "events", File: "e0.jsonl.gz", Bytes: 300},
		{Source: "events", File: "e1.jsonl.gz", Bytes: 200},
		{Source: "users", File: "u.parquet", Bytes: 100},
		{Source: "tickets", File: "t.csv", Bytes: 10},
	}
	rows := []schemas.QualityCount{
		{Source: "events", Stage: "ingest", Measure: "in", Count: 40},
		{Source: "events", Stage: "ingest", Measure: "out", Count: 38},
		{Source: "events", Stage: "clean", Measure: "in", Count: 38},
		{Source: "users", Stage: "ingest", Measure: "in", Count: 7},
		{Source: "tickets", Stage: "ingest", Measure: "in", Count: 0},
	}
	got := tally(files, rows)
	want := []sourceInput{
		{Source: "events", Files: 2, Bytes: 500, Records: 40},
		{Source: "users", Files: 1, Bytes: 100, Records: 7},
		{Source: "tickets", Files: 1, Bytes: 10, Records: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("tally = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tally[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := totalRecords(got); n != 47 {
		t.Errorf("totalRecords = %d, want 47", n)
	}
	if n := totalRecords(tally(files, nil)); n != -1 {
		t.Errorf("totalRecords without quality rows = %d, want -1 (unknown)", n)
	}
}
