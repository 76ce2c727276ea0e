package schemas

import (
	"fmt"
	"io"
	"reflect"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// Table describes one output table: its name, what a row means and the Go struct of its rows.
type Table struct {
	Name string
	Doc  string
	Type reflect.Type
	// newBuffer makes a typed row buffer; generic so Parquet encoding runs without reflection per row.
	newBuffer func() Buffer
	// readRows decodes a Parquet file of the table, a row group at a time.
	readRows func(r io.ReaderAt, size int64, emit func(any)) error
}

// Buffer collects rows of one table and encodes them as one Parquet file.
type Buffer interface {
	// Add appends a row; it fails when the row is not of the table's type.
	Add(row any) error
	// Len is the number of buffered rows.
	Len() int
	// Flush writes the buffered rows as a complete Parquet file and empties the buffer.
	Flush(w io.Writer) error
}

// NewBuffer returns an empty row buffer for the table.
func (t Table) NewBuffer() Buffer { return t.newBuffer() }

// ReadRows decodes a Parquet file of the table and calls emit with each row, a value of the
// table's struct; it reads one batch of rows at a time.
func (t Table) ReadRows(r io.ReaderAt, size int64, emit func(any)) error {
	return t.readRows(r, size, emit)
}

var tables = map[string]Table{}

// register adds a table whose rows are T.
func register[T any](name, doc string) {
	var zero T
	if _, dup := tables[name]; dup {
		panic("schemas: table registered twice: " + name)
	}
	t := reflect.TypeOf(zero)
	warmUp[T]()
	// Known to Beam, rows decode as T on every runner, also where a DoFn takes them as beam.X.
	beam.RegisterType(t)
	tables[name] = Table{
		Name:      name,
		Doc:       doc,
		Type:      t,
		newBuffer: func() Buffer { return &buffer[T]{} },
		readRows:  readRows[T],
	}
}

// Lookup returns the table with the given name.
func Lookup(name string) (Table, error) {
	t, ok := tables[name]
	if !ok {
		return Table{}, fmt.Errorf("schemas: unknown table %q", name)
	}
	return t, nil
}

// All returns every registered table, sorted by name.
func All() []Table {
	out := make([]Table, 0, len(tables))
	for _, t := range tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// RowGroupRows bounds the rows of one Parquet row group, so readers can stream a file group by
// group.
const RowGroupRows = 128 * 1024

// warmUp writes one row of T to nowhere, so that a struct parquet-go cannot encode fails at
// start-up.
func warmUp[T any]() {
	b := &buffer[T]{rows: make([]T, 1)}
	if err := b.Flush(io.Discard); err != nil {
		panic(fmt.Sprintf("schemas: %T cannot be written as Parquet: %v", b.rows, err))
	}
}

type buffer[T any] struct{ rows []T }

func (b *buffer[T]) Add(row any) error {
	r, ok := row.(T)
	if !ok {
		var zero T
		return fmt.Errorf("schemas: row of type %T added to a buffer of %T", row, zero)
	}
	b.rows = append(b.rows, r)
	return nil
}

func (b *buffer[T]) Len() int { return len(b.rows) }

func (b *buffer[T]) Flush(w io.Writer) error {
	pw := parquet.NewGenericWriter[T](w,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.CreatedBy("portraits", "nightly", fmt.Sprint(Version)),
	)
	// One row per call: parquet-go v0.32's batched path writes a zero `optional` value that follows a
	// null and a non-null one as present rather than null (see TestOptionalZerosAreNull).
	for i := range b.rows {
		if _, err := pw.Write(b.rows[i : i+1]); err != nil {
			return fmt.Errorf("write parquet rows: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("close parquet writer: %w", err)
	}
	b.rows = b.rows[:0]
	return nil
}

// readRows decodes a Parquet file of T rows in batches.
func readRows[T any](r io.ReaderAt, size int64, emit func(any)) error {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return fmt.Errorf("open parquet: %w", err)
	}
	pr := parquet.NewGenericReader[T](f)
	defer pr.Close()
	batch := make([]T, 1024)
	for {
		n, err := pr.Read(batch)
		for i := range n {
			emit(batch[i])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read parquet rows: %w", err)
		}
	}
}
