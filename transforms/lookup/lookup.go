// Package lookup reads the sources config's lookup tables, small key/value files such as a
// marketplace's customers file that maps each order's customer id to the person's id, once per
// run, and gives them to the steps that map a column through one (the clean stage) as a side
// input. A table is read as a source of kind lookup by the ingest stage, so its files are planned,
// split, decoded and counted as any source's are (its rejects name the source lookup:NAME, the
// file and the line); a row without a key or a value is rejected at stage clean, and of the rows
// of one key the last read (the later file, then the later line) is kept, the others counted as
// deduplicated.
//
// Every worker holds every table in memory, as a map per step that uses them: about 100 bytes
// per row, so a table of a million rows takes some 100 MB per step. Tables are meant to be small.
package lookup

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/ingest"
	"github.com/shopportraits/portraits/transforms/quality"
	"github.com/shopportraits/portraits/transforms/settle"
	"github.com/shopportraits/portraits/transforms/sources"
)

// Stages of a table's rows in quality counts, after ingest: a row needs a key and a value
// (stage clean), and one row per key is kept (stage dedupe).
const (
	CheckStage  = "clean"
	DedupeStage = "dedupe"
)

// Entry is one row of a table: its key, its value and where it was read.
type Entry struct {
	Table, Key, Value string
	Src               schemas.Origin
}

// NaturalKey implements schemas.Keyed: rows of one table with one key are one entry.
func (e Entry) NaturalKey() string { return e.Table + "\x1f" + e.Key }

// Version implements schemas.Keyed: rows carry no version, so the later one read wins.
func (e Entry) Version() int64 { return 0 }

// Origin implements schemas.Keyed.
func (e Entry) Origin() schemas.Origin { return e.Src }

// Reading is what reading a config's tables takes: the tables as sources, their read tasks and
// their files, which the manifest lists among the run's inputs.
type Reading struct {
	// Config holds the tables as sources of kind lookup (sources.LookupTable.Source).
	Config *sources.Config
	Tasks  []ingest.Task
	Inputs []ingest.Input
}

// Plan lists the files of every lookup table of cfg (none: an empty Reading): a table is a
// snapshot, read whole every night, from its files in no daily partition after through (the
// run's date; "" for no bound). A table whose path matches no file fails the run before it
// starts, naming the config file, the table's line and the path.
func Plan(ctx context.Context, cfg *sources.Config, through string) (Reading, error) {
	r := Reading{
		Config: &sources.Config{
			BusinessTimezone: cfg.BusinessTimezone,
			File:             cfg.File,
			Dir:              cfg.Dir,
			Currency:         cfg.Currency,
			PurchaseTime:     cfg.PurchaseTime,
		},
	}
	for _, l := range cfg.Lookups {
		src := l.Source()
		glob := cfg.Glob(src)
		files, err := list(ctx, glob)
		if err != nil {
			return Reading{}, fmt.Errorf(
				"sources config %s, line %d, lookup %q: %w",
				cfg.File,
				l.Line,
				l.Name,
				err,
			)
		}
		if len(files) == 0 {
			return Reading{}, fmt.Errorf(
				"sources config %s, line %d, lookup %q: no file matches %s",
				cfg.File,
				l.Line,
				l.Name,
				glob,
			)
		}
		r.Config.Sources = append(r.Config.Sources, src)
	}
	if len(r.Config.Sources) == 0 {
		return Reading{}, nil
	}
	var err error
	r.Tasks, r.Inputs, err = ingest.Plan(ctx, r.Config, sources.Window{Through: through})
	return r, err
}

// list lists the files that match glob on any of Beam's filesystems.
func list(ctx context.Context, glob string) ([]string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	return fs.List(ctx, glob)
}

// Read reads every table of r (which has some: see Plan) into Entries, one per table and key,
// settled (package settle) so that a step whose main input comes from a shuffle reads them whole;
// with rejects and quality counts (KV<string, int64>) for the run's.
func Read(s beam.Scope, r Reading) (entries, rejects, counts beam.PCollection) {
	s = s.Scope("lookup.Read")
	records, readRejects, readCounts := ingest.Read(s, r.Config, r.Tasks)
	rows, badRows, checkCounts := beam.ParDo3(s, &entryFn{}, records)
	kept := beam.CombinePerKey(s, &latestFn{}, beam.ParDo(s, keyEntry, rows))
	entries, dedupeCounts := beam.ParDo2(s, &keptFn{}, kept)
	return settle.Whole(s, entries), beam.Flatten(s, readRejects, badRows),
		beam.Flatten(s, readCounts, checkCounts, dedupeCounts)
}

// entryFn turns a table's record into an Entry; a row without a key or a value is rejected.
type entryFn struct {
	counts quality.Tally
}

func (f *entryFn) StartBundle(_ func(Entry), _ func(schemas.Reject), _ func(string, int64)) {
	f.counts = quality.Tally{}
}

func (f *entryFn) ProcessElement(
	rec ingest.Record,
	emit func(Entry),
	reject func(schemas.Reject),
	_ func(string, int64),
) {
	key := quality.Key{Source: rec.Source, Stage: CheckStage, Measure: quality.In}
	f.counts.Add(key, 1)
	e := Entry{
		Table: strings.TrimPrefix(rec.Source, sources.LookupPrefix),
		Key:   strings.TrimSpace(rec.Fields["key"]),
		Value: strings.TrimSpace(rec.Fields["value"]),
		Src:   rec.Origin(),
	}
	for _, field := range []string{"key", "value"} {
		if strings.TrimSpace(rec.Fields[field]) == "" {
			key.Measure, key.Reason = quality.Rejected, "missing_"+field
			f.counts.Add(key, 1)
			reject(rec.Reject(CheckStage, key.Reason, "the lookup row has no "+field))
			return
		}
	}
	key.Measure = quality.Out
	f.counts.Add(key, 1)
	emit(e)
}

func (f *entryFn) FinishBundle(
	ctx context.Context,
	_ func(Entry),
	_ func(schemas.Reject),
	count func(string, int64),
) {
	f.counts.Emit(ctx, count)
}

func keyEntry(e Entry) (string, Entry) { return e.NaturalKey(), e }

// latest is the entry of one key read last, and how many rows gave the key.
type latest struct {
	Entry Entry
	Rows  int64
}

// latestFn keeps the entry of each key read last (schemas.Later), counting the rows.
type latestFn struct{}

func (latestFn) CreateAccumulator() latest { return latest{} }

func (latestFn) AddInput(a latest, e Entry) latest {
	return latestFn{}.MergeAccumulators(a, latest{Entry: e, Rows: 1})
}

func (latestFn) MergeAccumulators(a, b latest) latest {
	if a.Rows == 0 || b.Rows > 0 && schemas.Later(b.Entry, a.Entry) {
		a.Entry = b.Entry
	}
	a.Rows += b.Rows
	return a
}

func (latestFn) ExtractOutput(a latest) latest { return a }

// keptFn emits each key's kept entry and counts the others as deduplicated.
type keptFn struct {
	counts quality.Tally
}

func (f *keptFn) StartBundle(_ func(Entry), _ func(string, int64)) { f.counts = quality.Tally{} }

func (f *keptFn) ProcessElement(_ string, l latest, emit func(Entry), _ func(string, int64)) {
	source := sources.LookupPrefix + l.Entry.Table
	key := func(measure string) quality.Key {
		return quality.Key{Source: source, Stage: DedupeStage, Measure: measure}
	}
	f.counts.Add(key(quality.In), l.Rows)
	f.counts.Add(key(quality.Out), 1)
	if l.Rows > 1 {
		f.counts.Add(key(quality.Deduplicated), l.Rows-1)
	}
	emit(l.Entry)
}

func (f *keptFn) FinishBundle(ctx context.Context, _ func(Entry), count func(string, int64)) {
	f.counts.Emit(ctx, count)
}

// Tables are the lookup tables a step holds: table name → key → value.
type Tables map[string]map[string]string

// Drain reads a side input of Entries (as Read gives them: one per table and key) into Tables.
func Drain(iter func(*Entry) bool) Tables {
	t := Tables{}
	var e Entry
	for iter(&e) {
		m := t[e.Table]
		if m == nil {
			m = map[string]string{}
			t[e.Table] = m
		}
		m[e.Key] = e.Value
	}
	return t
}

// Get is the value of key (trimmed) in the named table.
func (t Tables) Get(table, key string) (string, bool) {
	v, ok := t[table][strings.TrimSpace(key)]
	return v, ok
}

// None is an empty collection of Entries, the side input of a step that looks nothing up.
func None(s beam.Scope) beam.PCollection { return beam.CreateList(s, []Entry{}) }

func init() {
	fnreg.DoFn4x0[ingest.Record, func(Entry), func(schemas.Reject), func(string, int64)](&entryFn{})
	register.Function1x2(keyEntry)
	register.Combiner3[latest, Entry, latest](&latestFn{})
	fnreg.DoFn4x0[string, latest, func(Entry), func(string, int64)](&keptFn{})
	register.Emitter1[Entry]()
	register.Iter1[Entry]()
}
