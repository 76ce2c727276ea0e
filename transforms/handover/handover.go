// Package handover passes collections from one pipeline of a job to the next through files, so that
// a job too large for one runner's memory can run as phases, each pipeline's memory freed before
// the next one starts.
//
// Why files and not the output tables: a phase hands over every field of a record, the ones kept in
// memory only (raw phones, e-mails, names, where a row was read) included, and the Parquet tables
// leave those out on purpose. Records are written with Beam's own coder for their type, each one
// prefixed by its length, in S2-compressed files (github.com/klauspost/compress/s2: several times
// faster than gzip and already used for reading inputs), through Beam's filesystem, so a phase on
// Dataflow hands over through gs:// as one on a laptop does through a local folder.
//
// A collection handed over is a folder DIR/NAME of files, one or more per bundle, and the index
// DIR/NAME/_index.json that lists them, written once every file is in place: a bundle that failed
// and was retried leaves a file no index names, and a reader never sees a half-written collection.
//
// The files hold personal data in the clear: DIR belongs under the run's temporary folder, which
// the sink removes when the run is finalised (and the next run of the date, after a crash).
package handover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/google/uuid"
	"github.com/klauspost/compress/s2"

	"github.com/shopportraits/portraits/transforms/fanin"
	"github.com/shopportraits/portraits/transforms/fnreg"
	"github.com/shopportraits/portraits/transforms/sink"
)

// maxFileBytes is how many encoded bytes a bundle buffers before it writes them as a file.
const maxFileBytes = 64 << 20

// Write hands rows, values of type t, over to a later pipeline as DIR/NAME: a pipeline that
// finished has written the index. Rows in several collections are written from each where it is
// made (package fanin).
func Write(s beam.Scope, dir, name string, t reflect.Type, rows ...beam.PCollection) {
	s = s.Scope("handover.Write." + name)
	files := fanin.ParDo(s, &writeFn{Dir: dir, Name: name, Type: beam.EncodedType{T: t}}, rows...)
	beam.ParDo0(s, &indexFn{Dir: dir, Name: name}, beam.Impulse(s), beam.SideInput{Input: files})
}

// Read reads DIR/NAME, handed over by an earlier pipeline, as a collection of values of type t.
// The index is read now, while the pipeline is built: a collection that was never handed over is
// an error here, not a surprise when the job runs.
func Read(
	ctx context.Context,
	s beam.Scope,
	dir, name string,
	t reflect.Type,
) (beam.PCollection, error) {
	s = s.Scope("handover.Read." + name)
	files, err := readIndex(ctx, dir, name)
	if err != nil {
		return beam.PCollection{}, err
	}
	return beam.ParDo(
		s,
		&readFn{Type: beam.EncodedType{T: t}},
		beam.Reshuffle(s, beam.CreateList(s, files)),
		beam.TypeDefinition{Var: beam.XType, T: t},
	), nil
}

// writeFn encodes a bundle's rows and writes them to files of at most about maxFileBytes.
type writeFn struct {
	Dir, Name string
	Type      beam.EncodedType

	enc     beam.ElementEncoder
	buf     bytes.Buffer
	scratch bytes.Buffer
}

func (f *writeFn) Setup() { f.enc = beam.NewElementEncoder(f.Type.T) }

func (f *writeFn) ProcessElement(ctx context.Context, row beam.X, emit func(string)) error {
	f.scratch.Reset()
	if err := f.enc.Encode(row, &f.scratch); err != nil {
		return fmt.Errorf("handover %s: encode: %w", f.Name, err)
	}
	var n [binary.MaxVarintLen64]byte
	f.buf.Write(n[:binary.PutUvarint(n[:], uint64(f.scratch.Len()))])
	f.buf.Write(f.scratch.Bytes())
	if f.buf.Len() >= maxFileBytes {
		return f.flush(ctx, emit)
	}
	return nil
}

func (f *writeFn) FinishBundle(ctx context.Context, emit func(string)) error {
	return f.flush(ctx, emit)
}

// flush writes the buffered records to a new file and names it.
func (f *writeFn) flush(ctx context.Context, emit func(string)) error {
	if f.buf.Len() == 0 {
		return nil
	}
	path := sink.Join(f.Dir, f.Name, "part-"+uuid.NewString()+".s2")
	err := sink.WriteFile(ctx, path, func(w io.Writer) error {
		zw := s2.NewWriter(w)
		if _, err := zw.Write(f.buf.Bytes()); err != nil {
			return err
		}
		return zw.Close()
	})
	if err != nil {
		return fmt.Errorf("handover %s: %w", f.Name, err)
	}
	f.buf.Reset()
	emit(path)
	return nil
}

// indexFn writes the index of a collection once all its files are written.
type indexFn struct {
	Dir, Name string
}

func (f *indexFn) ProcessElement(ctx context.Context, _ []byte, files func(*string) bool) error {
	// The index names its files relative to the collection's folder, so that a collection can be
	// moved whole (a night's state is promoted with the night).
	list := []string{}
	var file string
	for files(&file) {
		list = append(list, strings.TrimPrefix(file, sink.Join(f.Dir, f.Name)+"/"))
	}
	sort.Strings(list)
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := sink.WriteBytes(ctx, indexPath(f.Dir, f.Name), data); err != nil {
		return fmt.Errorf("handover %s: index: %w", f.Name, err)
	}
	return nil
}

// readIndex is the list of files of a collection handed over.
func readIndex(ctx context.Context, dir, name string) ([]string, error) {
	path := indexPath(dir, name)
	data, err := sink.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("handover %s: no finished collection: %w", name, err)
	}
	var files []string
	if err := json.Unmarshal(data, &files); err != nil {
		return nil, fmt.Errorf("handover %s: index %s: %w", name, path, err)
	}
	for i, f := range files {
		if !strings.Contains(f, "/") {
			files[i] = sink.Join(dir, name, f)
		}
	}
	return files, nil
}

// readFn decodes one file of records.
type readFn struct {
	Type beam.EncodedType

	dec beam.ElementDecoder
}

func (f *readFn) Setup() { f.dec = beam.NewElementDecoder(f.Type.T) }

func (f *readFn) ProcessElement(ctx context.Context, path string, emit func(beam.X)) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return fmt.Errorf("handover: open %s: %w", path, err)
	}
	defer r.Close()
	if err := decodeAll(bufio.NewReaderSize(s2.NewReader(r), 1<<20), f.dec, emit); err != nil {
		return fmt.Errorf("handover: %s: %w", path, err)
	}
	return nil
}

// decodeAll reads length-prefixed records until the end of r.
func decodeAll(r *bufio.Reader, dec beam.ElementDecoder, emit func(beam.X)) error {
	var rec []byte
	var rr bytes.Reader
	for i := 0; ; i++ {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("record %d: length: %w", i, err)
		}
		if n > maxFileBytes {
			return fmt.Errorf("record %d: length %d is not a record's", i, n)
		}
		if uint64(cap(rec)) < n {
			rec = make([]byte, n)
		}
		rec = rec[:n]
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		rr.Reset(rec)
		v, err := dec.Decode(&rr)
		if err != nil {
			return fmt.Errorf("record %d: decode: %w", i, err)
		}
		emit(v)
	}
}

func indexPath(dir, name string) string { return sink.Join(dir, name, "_index.json") }

func init() {
	fnreg.DoFn3x1[context.Context, beam.X, func(string), error](&writeFn{})
	fnreg.DoFn3x1[context.Context, []byte, func(*string) bool, error](&indexFn{})
	fnreg.DoFn3x1[context.Context, string, func(beam.X), error](&readFn{})
	register.Emitter1[string]()
	register.Iter1[string]()
}
