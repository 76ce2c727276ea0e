// Package spill carries a bundle's byte batches per hash bucket (package batch) through a shuffle
// as files: the bundle writes its batches under a folder of the run's temporary files, one file per
// group of buckets each time it flushes, and only the files' names cross the shuffle, keyed by
// their group. The step after the shuffle reads one group's files and works a bucket at a time.
//
// Why: Prism holds what crosses a shuffle in memory and hands a shuffle's whole output to one
// bundle, sent as one message that the SDK harness accepts up to 2 GiB (grpcx.Dial's
// MaxCallRecvMsgSize). At a million persons over 90 days deduplication's claims are 4.5 GB, and the
// portrait stage's partial accumulators (a person's facts are spread over every day's files, so
// every bundle holds a partial of most persons) are larger still. Names of files cost nothing.
//
// The files hold what the batches hold (personal data included) and are removed with the run's
// temporary folder.
package spill

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/shopportraits/portraits/transforms/batch"
	"github.com/shopportraits/portraits/transforms/sink"
)

// Groups is how many groups of buckets a bundle writes a file for at each flush: a group is the
// unit of work after the shuffle (deduplication's claims at a million persons over 90 days: 4.5 GB
// on disk, 140 MB a group).
const Groups = 32

// MaxBytes is how many bytes of batches a Writer buffers before it writes them.
const MaxBytes = 32 << 20

// Writer batches a bundle's records per bucket (package batch) and writes the batches to files
// under its folder, a file per group of buckets each time MaxBytes are buffered and at the bundle's
// end, emitting each file's name keyed by its group.
type Writer struct {
	dir, suffix string
	batches     batch.Batches
	groups      [Groups][]byte
	size        int
}

// NewWriter returns a Writer of files under dir named gNN-UUID.SUFFIX.
func NewWriter(dir, suffix string) *Writer { return &Writer{dir: dir, suffix: suffix} }

// Add appends a record to bucket b with enc, which appends the record's encoding to its argument,
// and writes the files once MaxBytes are buffered.
func (w *Writer) Add(
	ctx context.Context,
	b int,
	enc func([]byte) []byte,
	emit func(int, string),
) error {
	w.batches.Add(b, enc, w.section)
	if w.size >= MaxBytes {
		return w.flush(ctx, emit)
	}
	return nil
}

// Finish writes what is buffered; a DoFn calls it at the end of each bundle.
func (w *Writer) Finish(ctx context.Context, emit func(int, string)) error {
	w.batches.Flush(w.section)
	return w.flush(ctx, emit)
}

// section appends a bucket's batch to its group's buffer as (bucket, batch).
func (w *Writer) section(bucket int, b []byte) {
	g := &w.groups[bucket%Groups]
	n := len(*g)
	*g = batch.AppendBytes(binary.AppendUvarint(*g, uint64(bucket)), b)
	w.size += len(*g) - n
}

// flush writes every group's buffer that holds a batch to a new file and emits its name.
func (w *Writer) flush(ctx context.Context, emit func(int, string)) error {
	for g, data := range w.groups {
		if len(data) == 0 {
			continue
		}
		path := sink.Join(w.dir, fmt.Sprintf("g%02d-%s.%s", g, uuid.NewString(), w.suffix))
		if err := sink.WriteBytes(ctx, path, data); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		emit(g, path)
		w.groups[g] = data[:0]
	}
	w.size = 0
	return nil
}

// Batch is one bucket's batch read back, with the file it was read from for messages.
type Batch struct {
	Path string
	Data []byte
}

// ErrCorrupt is returned, wrapped with the file's name, for a file that does not hold batches.
var ErrCorrupt = errors.New("spill: corrupt file of batches")

// Read reads the files of one group, named by paths, and returns each bucket's batches in the
// order read. The batches share the files' bytes: the whole group is in memory until the caller
// drops the result.
func Read(ctx context.Context, paths func(*string) bool) ([batch.Buckets][]Batch, error) {
	var buckets [batch.Buckets][]Batch
	var path string
	for paths(&path) {
		data, err := sink.ReadFile(ctx, path)
		if err != nil {
			return buckets, fmt.Errorf("spill: %w", err)
		}
		r := batch.NewReader(data)
		for r.More() {
			b, d := r.Uvarint(), r.Bytes()
			if r.Bad() || b >= batch.Buckets {
				return buckets, fmt.Errorf("%s: %w", path, ErrCorrupt)
			}
			buckets[b] = append(buckets[b], Batch{Path: path, Data: d})
		}
	}
	return buckets, nil
}
