package ingest

import (
	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Stage is the name of this stage in rejects and quality counts.
const Stage = "ingest"

// output receives what a reader finds in one task and counts it.
type output struct {
	src    sources.Source
	task   Task
	counts quality.Tally
	record func(Record)
	reject func(schemas.Reject)
}

// read counts one row read from the input.
func (o *output) read() {
	o.counts.Add(quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.In}, 1)
}

// emit passes on a parsed row.
func (o *output) emit(line int64, rowGroup int32, fields map[string]string, raw string) {
	o.counts.Add(quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.Out}, 1)
	o.record(Record{Source: o.src.Name, File: o.task.File, Line: line, RowGroup: rowGroup, Offset: o.task.Start, Fields: fields, Raw: raw})
}

// fail rejects a row that could not be parsed; personal are the values of the row's personal
// fields, as far as the reader can tell them, to be masked. A pass that is not counted (nil
// counts) makes no reject either: the counted pass over the same rows does.
func (o *output) fail(line int64, rowGroup int32, reason, detail, raw string, personal []string) {
	if o.counts == nil {
		return
	}
	o.counts.Add(quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.Rejected, Reason: reason}, 1)
	o.reject(newReject(o.src.Name, Stage, reason, detail, o.task.File, line, rowGroup, o.task.Start,
		raw, personal))
}
