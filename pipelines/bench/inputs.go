package main

import (
	"context"
	"errors"
	"sort"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/sources"
)

// sourceInput is what the run read of one source.
type sourceInput struct {
	Source string `json:"source"`
	Files  int    `json:"files"`
	Bytes  int64  `json:"bytes"`
	// Records is the ingest stage's records in (read), -1 when no finished run says.
	Records int64 `json:"records"`
}

// runInputs lists a finished run's inputs per source: files and bytes from its manifest, records
// from its quality table (stage ingest, measure in). It returns sink.ErrUnfinished (wrapped) for a
// run without a manifest.
func runInputs(ctx context.Context, output, date string) ([]sourceInput, error) {
	m, err := sink.ReadManifest(ctx, output, date)
	if err != nil {
		return nil, err
	}
	rows, err := sink.ReadTable[schemas.QualityCount](ctx, output, date, "quality")
	if err != nil {
		return nil, err
	}
	files := make([]ingest.Input, len(m.Inputs))
	for i, in := range m.Inputs {
		files[i] = ingest.Input{Source: in.Source, File: in.File, Bytes: in.Bytes}
	}
	return tally(files, rows), nil
}

// plannedInputs lists the inputs of a sources config as the nightly's planner finds them, for
// when no run finished; records are unknown.
func plannedInputs(ctx context.Context, sourcesFile string) ([]sourceInput, error) {
	cfg, err := sources.Load(sourcesFile)
	if err != nil {
		return nil, err
	}
	_, files, err := ingest.Plan(ctx, cfg, sources.Window{})
	if err != nil {
		return nil, err
	}
	return tally(files, nil), nil
}

// tally sums files and bytes per source and takes the records each source's ingest read from the
// quality rows; a source without an ingest row has Records -1.
func tally(files []ingest.Input, rows []schemas.QualityCount) []sourceInput {
	by := map[string]*sourceInput{}
	get := func(src string) *sourceInput {
		s, ok := by[src]
		if !ok {
			s = &sourceInput{Source: src, Records: -1}
			by[src] = s
		}
		return s
	}
	for _, f := range files {
		s := get(f.Source)
		s.Files++
		s.Bytes += f.Bytes
	}
	for _, r := range rows {
		if r.Stage == ingest.Stage && r.Measure == quality.In {
			s := get(r.Source)
			s.Records = max(s.Records, 0) + r.Count
		}
	}
	out := make([]sourceInput, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out
}

// totalRecords sums the records of every source, -1 when any is unknown.
func totalRecords(in []sourceInput) int64 {
	var n int64
	for _, s := range in {
		if s.Records < 0 {
			return -1
		}
		n += s.Records
	}
	return n
}

// isUnfinished reports whether err says a run folder has no manifest.
func isUnfinished(err error) bool { return errors.Is(err, sink.ErrUnfinished) }
