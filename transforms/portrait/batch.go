package portrait

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/google/uuid"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/fanin"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/sink"
	"github.com/shopportraits/portraits/transforms/spill"
)

// mergePartials merges partial accumulators, KV<string, days>, per key: what a CombinePerKey
// merging them day by day gives. The partials cross the shuffle in byte batches per bundle and hash
// bucket (package batch: Prism's state per key and element of an aggregation outweighs a partial
// per person and bundle), written to files under dir (package spill: a person's facts are spread
// over every day's files, so at a million persons over 90 days the partials outgrow what Prism can
// hand one bundle). The upstream DoFns merge per bundle already, so the batches only encode. Each
// collection is batched before the collections meet (package fanin).
func mergePartials(s beam.Scope, dir string, partials ...beam.PCollection) beam.PCollection {
	s = s.Scope("mergePartials")
	return beam.ParDo(s, mergeGroup, spillPartials(s, dir, partials...))
}

// mergeAndHold merges partial accumulators as mergePartials does and also writes them to files
// under dir, a file per bucket, whose names are held: for the steps that wait for the model cards
// fitted on merged. A runner holds a step's whole input until its side inputs are complete (and
// Prism then sends it as one message), so those steps take the files' names as input and read the
// accumulators themselves.
func mergeAndHold(
	s beam.Scope,
	dir string,
	partials ...beam.PCollection,
) (merged, held beam.PCollection) {
	s = s.Scope("mergeAndHold")
	return beam.ParDo2(
		s,
		&holdBatchesFn{Dir: dir},
		spillPartials(s, sink.Join(dir, "partials"), partials...),
	)
}

// spillPartials groups the files of the partials' batches, written under dir, by group of buckets.
func spillPartials(s beam.Scope, dir string, partials ...beam.PCollection) beam.PCollection {
	return beam.GroupByKey(s, fanin.ParDo(s, &spillPartialsFn{Dir: dir}, partials...))
}

// spillPartialsFn appends each partial, with its key, to its bucket's batch and spills the batches
// to files under Dir, emitting each file's name keyed by its group.
type spillPartialsFn struct {
	Dir string

	spill *spill.Writer
}

func (f *spillPartialsFn) Setup() { f.spill = spill.NewWriter(f.Dir, "partials") }

func (f *spillPartialsFn) ProcessElement(
	ctx context.Context,
	key string,
	d days,
	emit func(int, string),
) error {
	if err := f.spill.Add(ctx, batch.Bucket(key),
		func(b []byte) []byte { return appendPartial(b, key, d) }, emit); err != nil {
		return fmt.Errorf("portrait: spilling partial accumulators: %w", err)
	}
	return nil
}

func (f *spillPartialsFn) FinishBundle(ctx context.Context, emit func(int, string)) error {
	if err := f.spill.Finish(ctx, emit); err != nil {
		return fmt.Errorf("portrait: spilling partial accumulators: %w", err)
	}
	return nil
}

// mergeGroup merges the partials of one group's files, a bucket at a time, and emits one per key.
func mergeGroup(
	ctx context.Context,
	_ int,
	paths func(*string) bool,
	emit func(string, days),
) error {
	return eachBucket(ctx, paths, func(_ int, merged map[string]days) error {
		for key, d := range merged {
			emit(key, d)
		}
		return nil
	})
}

// holdBatchesFn merges the partials of one group's files a bucket at a time, emits one accumulator
// per key and writes each bucket's to a file under Dir, whose name it emits too.
type holdBatchesFn struct {
	Dir string
}

func (f *holdBatchesFn) Setup() error {
	if f.Dir == "" {
		return errors.New("portrait: no folder for the held accumulators (Inputs.TempDir)")
	}
	return nil
}

func (f *holdBatchesFn) ProcessElement(
	ctx context.Context,
	_ int,
	paths func(*string) bool,
	emit func(string, days),
	hold func(string),
) error {
	return eachBucket(ctx, paths, func(bucket int, merged map[string]days) error {
		var held []byte
		for key, d := range merged {
			emit(key, d)
			held = appendPartial(held, key, d)
		}
		path := sink.Join(f.Dir, fmt.Sprintf("b%03d-%s.accs", bucket, uuid.NewString()))
		if err := sink.WriteBytes(ctx, path, held); err != nil {
			return fmt.Errorf("portrait: holding accumulators: %w", err)
		}
		hold(path)
		return nil
	})
}

// eachBucket reads one group's spilled files and calls each with every bucket that holds partials,
// merged one accumulator per key; it stops at the first error.
func eachBucket(
	ctx context.Context,
	paths func(*string) bool,
	each func(bucket int, merged map[string]days) error,
) error {
	buckets, err := spill.Read(ctx, paths)
	if err != nil {
		return fmt.Errorf("portrait: partial accumulators: %w", err)
	}
	for bucket, batches := range buckets {
		if len(batches) == 0 {
			continue
		}
		merged, err := mergeBucket(batches)
		if err != nil {
			return err
		}
		if err := each(bucket, merged); err != nil {
			return err
		}
	}
	return nil
}

// mergeBucket merges the partials of one bucket's batches, one accumulator per key; an error names
// the file of the batch that could not be read.
func mergeBucket(batches []spill.Batch) (map[string]days, error) {
	merged := map[string]days{}
	for _, b := range batches {
		err := readPartials(b.Data, func(key string, d days) {
			if cur, ok := merged[key]; ok {
				cur.merge(d)
			} else {
				merged[key] = d
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Path, err)
		}
	}
	return merged, nil
}

// eachHeld reads a file that holdBatchesFn wrote and calls each for every person in it; it stops
// at the first error.
func eachHeld(ctx context.Context, path string, each func(id string, d days) error) error {
	data, err := sink.ReadFile(ctx, path)
	if err != nil {
		return fmt.Errorf("portrait: held accumulators: %w", err)
	}
	var failed error
	err = readPartials(data, func(id string, d days) {
		if failed == nil {
			failed = each(id, d)
		}
	})
	if err != nil {
		return fmt.Errorf("portrait: %s: %w", path, err)
	}
	return failed
}

// appendPartial encodes a key and its partial.
func appendPartial(b []byte, key string, d days) []byte {
	b = batch.AppendString(b, key)
	return batch.AppendBytes(b, encodeDays(d))
}

// readPartials decodes a batch made by appendPartial.
func readPartials(b []byte, each func(key string, d days)) error {
	r := batch.NewReader(b)
	for r.More() {
		key, enc := r.String(), r.Bytes()
		if r.Bad() {
			return errBadPartials
		}
		d, err := decodeDays(enc)
		if err != nil {
			return fmt.Errorf("portrait: partial of %q: %w", key, err)
		}
		each(key, d)
	}
	return nil
}

var errBadPartials = errors.New("portrait: corrupt batch of partial accumulators")

func init() {
	fnreg.DoFn4x1[context.Context, string, days, func(int, string), error](&spillPartialsFn{})
	fnreg.DoFn5x1[context.Context, int, func(*string) bool, func(string, days), func(string), error](
		&holdBatchesFn{},
	)
	register.Function4x1(mergeGroup)
	register.Emitter1[string]()
	register.Emitter2[int, string]()
	register.Iter1[string]()
}
