package ingest

import (
	"fmt"

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
	// watched are the source's mapped fields whose absence is counted (see watchedFields).
	watched []sources.Field
}

// newOutput is the output of one task of src.
func newOutput(
	src sources.Source,
	task Task,
	counts quality.Tally,
	record func(Record),
	reject func(schemas.Reject),
) *output {
	return &output{
		src:     src,
		task:    task,
		counts:  counts,
		record:  record,
		reject:  reject,
		watched: watchedFields(src),
	}
}

// watchedFields are the mapped fields of a source whose column a record may lack: the required
// ones, and the optional ones the config maps itself (an optional field that only defaults to a
// column of its own name is often simply not in the source).
func watchedFields(src sources.Source) []sources.Field {
	var out []sources.Field
	for _, f := range src.Fields() {
		if src.Column(f.Name) != "" && (f.Required || src.Declared[f.Name]) {
			out = append(out, f)
		}
	}
	return out
}

// lacks counts each watched field whose column a parsed record lacks (has says which columns it
// holds) as quality.Absent, by field, and returns the first of them that is required, "" for none:
// such a record is rejected (see missing).
func (o *output) lacks(has func(field string) bool) string {
	required := ""
	for _, f := range o.watched {
		if has(f.Name) {
			continue
		}
		o.counts.Add(
			quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.Absent, Reason: f.Name},
			1,
		)
		if f.Required && required == "" {
			required = f.Name
		}
	}
	return required
}

// missing rejects a record that lacks the column of a required field (quality.MissingField); noun
// and where name the place: "key" and "" for a JSON line, "column" and " from the CSV header".
func (o *output) missing(line int64, rowGroup int32, field, noun, where, raw string,
	personal []string) {
	detail := fmt.Sprintf("%s %q (field %s) is absent%s", noun, o.src.Column(field), field, where)
	o.fail(line, rowGroup, quality.MissingField, detail, raw, personal)
}

// read counts one row read from the input.
func (o *output) read() {
	o.counts.Add(quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.In}, 1)
}

// emit passes on a parsed row.
func (o *output) emit(line int64, rowGroup int32, fields map[string]string, raw string) {
	o.counts.Add(quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.Out}, 1)
	o.record(
		Record{
			Source:   o.src.Name,
			File:     o.task.File,
			Line:     line,
			RowGroup: rowGroup,
			Offset:   o.task.Start,
			Fields:   fields,
			Raw:      raw,
		},
	)
}

// fail rejects a row that could not be parsed; personal are the values of the row's personal
// fields, as far as the reader can tell them, to be masked. A pass that is not counted (nil
// counts) makes no reject either: the counted pass over the same rows does.
func (o *output) fail(line int64, rowGroup int32, reason, detail, raw string, personal []string) {
	if o.counts == nil {
		return
	}
	o.counts.Add(
		quality.Key{Source: o.src.Name, Stage: Stage, Measure: quality.Rejected, Reason: reason},
		1,
	)
	o.reject(newReject(o.src.Name, Stage, reason, detail, o.task.File, line, rowGroup, o.task.Start,
		raw, personal))
}
