package ingest

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Read turns read tasks (see Plan) into Records, Rejects and quality counts. Tasks are reshuffled
// first so that files and row groups spread over the workers.
func Read(
	s beam.Scope,
	cfg *sources.Config,
	tasks []Task,
) (records, rejects, counts beam.PCollection) {
	s = s.Scope("ingest.Read")
	return read(s, cfg, beam.CreateList(s, tasks), false)
}

// ReadAfter is Read started only once after (KV<string, int64>, such as a stage's quality counts)
// is complete. A read that needs what an earlier pass found then waits as its list of tasks, on
// every runner: the direct runner would otherwise read at once and hold every record until the
// earlier pass's side input is ready.
func ReadAfter(
	s beam.Scope,
	cfg *sources.Config,
	tasks []Task,
	after beam.PCollection,
) (records, rejects, counts beam.PCollection) {
	s = s.Scope("ingest.Read")
	gated := beam.ParDo(s, gateTask, beam.CreateList(s, tasks), beam.SideInput{Input: after})
	return read(s, cfg, gated, false)
}

// gateTask passes a task on; its side input only makes it wait.
func gateTask(t Task, _ func(*string, *int64) bool) Task { return t }

// ReadRecords reads the tasks' records again, for a pass that must not count them twice: no
// rejects, no quality counts and no Beam counters (the pass made by Read does all of that).
func ReadRecords(s beam.Scope, cfg *sources.Config, tasks []Task) beam.PCollection {
	s = s.Scope("ingest.ReadRecords")
	records, _, _ := read(s, cfg, beam.CreateList(s, tasks), true)
	return records
}

// read reshuffles the tasks, so that files and row groups spread over the workers, and reads them.
func read(
	s beam.Scope,
	cfg *sources.Config,
	tasks beam.PCollection,
	uncounted bool,
) (records, rejects, counts beam.PCollection) {
	return beam.ParDo3(s, &readFn{Config: cfg, Uncounted: uncounted}, beam.Reshuffle(s, tasks))
}

// readFn reads one task with the reader of its source's format.
type readFn struct {
	Config *sources.Config
	// Uncounted leaves the rejects, quality counts and Beam counters alone (ReadRecords).
	Uncounted bool
	counts    quality.Tally
}

func (f *readFn) StartBundle(
	_ context.Context,
	_ func(Record),
	_ func(schemas.Reject),
	_ func(string, int64),
) {
	f.counts = nil
	if !f.Uncounted {
		f.counts = quality.Tally{}
	}
}

func (f *readFn) ProcessElement(
	ctx context.Context,
	task Task,
	record func(Record),
	reject func(schemas.Reject),
	_ func(string, int64),
) error {
	src, ok := f.Config.Lookup(task.Source)
	if !ok {
		return fmt.Errorf("ingest: task for unknown source %q", task.Source)
	}
	o := newOutput(src, task, f.counts, record, reject)
	var err error
	switch src.Format {
	case sources.FormatCSV:
		err = readCSV(ctx, o)
	case sources.FormatJSONL:
		err = readJSONL(ctx, o)
	case sources.FormatParquet:
		err = readParquet(ctx, o)
	default:
		err = fmt.Errorf("unknown format %q", src.Format)
	}
	if err != nil {
		return fmt.Errorf("ingest: source %s: %w", src.Name, err)
	}
	return nil
}

func (f *readFn) FinishBundle(
	ctx context.Context,
	_ func(Record),
	_ func(schemas.Reject),
	count func(string, int64),
) {
	f.counts.Emit(ctx, count)
}

func init() {
	register.Function2x1(gateTask)
	register.Iter2[string, int64]()
	fnreg.DoFn5x1[context.Context, Task, func(Record), func(schemas.Reject),
		func(string, int64), error](
		&readFn{},
	)
	register.Emitter1[Record]()
	register.Emitter1[schemas.Reject]()
	register.Emitter2[string, int64]()
}
