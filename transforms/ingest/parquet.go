package ingest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/shopportraits/portraits/transforms/sources"
)

// parquetRowGroups opens a local Parquet file's footer and returns its number of row groups.
func parquetRowGroups(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	pf, err := openParquet(
		f,
		st.Size(),
		file,
		parquet.SkipPageIndex(true),
		parquet.SkipBloomFilters(true),
	)
	if err != nil {
		return 0, err
	}
	return len(pf.RowGroups()), nil
}

// openParquet opens a Parquet file after checking its trailer: parquet-go trusts the footer length
// a file claims and would allocate up to 4 GiB for a corrupt one.
func openParquet(
	ra io.ReaderAt,
	size int64,
	file string,
	opts ...parquet.FileOption,
) (pf *parquet.File, err error) {
	var tail [8]byte
	if size < 12 {
		return nil, fmt.Errorf("%s is not a Parquet file: %d bytes", file, size)
	}
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return nil, fmt.Errorf("read trailer of %s: %w", file, err)
	}
	if string(tail[4:]) != "PAR1" {
		return nil, fmt.Errorf("%s is not a Parquet file: no PAR1 trailer", file)
	}
	if footer := int64(binary.LittleEndian.Uint32(tail[:4])); footer > size-12 {
		return nil, fmt.Errorf(
			"%s is a corrupt Parquet file: footer of %d bytes in a file of %d",
			file,
			footer,
			size,
		)
	}
	defer recoverCorrupt(file, &err)
	pf, err = parquet.OpenFile(ra, size, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable Parquet file: %w", file, err)
	}
	for g, rg := range pf.Metadata().RowGroups {
		for _, c := range rg.Columns {
			md := c.MetaData
			if md.DataPageOffset < 0 || md.TotalCompressedSize < 0 ||
				md.DataPageOffset+md.TotalCompressedSize > size ||
				md.TotalUncompressedSize < 0 ||
				md.TotalUncompressedSize > maxChunkBytes {
				return nil, fmt.Errorf(
					"%s is a corrupt Parquet file: column chunk of row group %d lies outside the "+
						"file or is too large",
					file,
					g+1,
				)
			}
		}
	}
	return pf, nil
}

// maxChunkBytes bounds the uncompressed size of one column chunk we accept.
const maxChunkBytes = 1 << 30

// recoverCorrupt turns a panic of the Parquet decoder on a corrupt file into an error naming the
// file.
func recoverCorrupt(file string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s is a corrupt Parquet file: %v", file, r)
	}
}

// readParquet streams one row group (or all, for RowGroup 0) of a Parquet file, rows in batches:
// the file is never held in memory. Values become strings the clean stage parses; repeated values
// are joined by |, timestamps are RFC 3339 in UTC.
func readParquet(ctx context.Context, o *output) (err error) {
	ra, size, closer, err := openReaderAt(ctx, o.task.File)
	if err != nil {
		return err
	}
	defer closer.Close()
	pf, err := openParquet(ra, size, o.task.File, parquet.SkipBloomFilters(true))
	if err != nil {
		return err
	}
	defer recoverCorrupt(o.task.File, &err)
	cols := parquetColumns(o.src, pf.Schema())
	groups := pf.RowGroups()
	first, last := 0, len(groups)
	if o.task.RowGroup > 0 {
		if int(o.task.RowGroup) > len(groups) {
			return fmt.Errorf(
				"%s has %d row groups, not %d",
				o.task.File,
				len(groups),
				o.task.RowGroup,
			)
		}
		first, last = int(o.task.RowGroup-1), int(o.task.RowGroup)
	}
	for g := first; g < last; g++ {
		if err := readRowGroup(o, groups[g], int32(g+1), cols); err != nil {
			return fmt.Errorf("%s row group %d: %w", o.task.File, g+1, err)
		}
	}
	return nil
}

// parquetColumn is one mapped column: the field it feeds and how to render its values.
type parquetColumn struct {
	field  string
	render func(parquet.Value) string
}

// parquetColumns maps leaf column indexes to canonical fields. A column is known by its top-level
// name, so a LIST column `interests` maps whatever its leaf path is. A field whose column is not in
// the schema has none (readRowGroup counts it absent, and rejects the rows when it is required).
func parquetColumns(src sources.Source, schema *parquet.Schema) map[int]parquetColumn {
	byName := map[string]parquet.LeafColumn{}
	for _, path := range schema.Columns() {
		leaf, ok := schema.Lookup(path...)
		if !ok {
			continue
		}
		if _, dup := byName[path[0]]; !dup {
			byName[path[0]] = leaf
		}
	}
	cols := map[int]parquetColumn{}
	for _, f := range src.Fields() {
		col := src.Column(f.Name)
		if leaf, ok := byName[col]; ok && col != "" {
			cols[leaf.ColumnIndex] = parquetColumn{field: f.Name, render: renderer(leaf.Node)}
		}
	}
	return cols
}

// renderer returns how to print a leaf's values, from its logical type.
func renderer(node parquet.Node) func(parquet.Value) string {
	var lt *format.LogicalType
	if t := node.Type(); t != nil {
		lt = t.LogicalType()
	}
	if lt != nil {
		switch t := lt.Value.(type) {
		case *format.TimestampType:
			unit := time.Millisecond
			if t.Unit.Value != nil {
				unit = t.Unit.Value.Duration()
			}
			// Seconds and milliseconds from the epoch, not nanoseconds: v times the unit in
			// nanoseconds overflows outside 1677-2262.
			return func(v parquet.Value) string {
				n := v.Int64()
				var at time.Time
				switch unit {
				case time.Nanosecond:
					at = time.Unix(0, n)
				case time.Microsecond:
					at = time.UnixMicro(n)
				default:
					at = time.UnixMilli(n)
				}
				return at.UTC().Format(time.RFC3339Nano)
			}
		case *format.DateType:
			return func(v parquet.Value) string {
				return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
			}
		case *format.DecimalType:
			scale := int(t.Scale)
			return func(v parquet.Value) string { return decimalString(v, scale) }
		}
	}
	return func(v parquet.Value) string {
		switch v.Kind() {
		case parquet.Boolean:
			return strconv.FormatBool(v.Boolean())
		case parquet.Int32:
			return strconv.FormatInt(int64(v.Int32()), 10)
		case parquet.Int64:
			return strconv.FormatInt(v.Int64(), 10)
		case parquet.Float:
			return strconv.FormatFloat(float64(v.Float()), 'f', -1, 32)
		case parquet.Double:
			return strconv.FormatFloat(v.Double(), 'f', -1, 64)
		default:
			return string(v.ByteArray())
		}
	}
}

func decimalString(v parquet.Value, scale int) string {
	var n big.Int
	switch v.Kind() {
	case parquet.Int32:
		n.SetInt64(int64(v.Int32()))
	case parquet.Int64:
		n.SetInt64(v.Int64())
	default:
		b := v.ByteArray() // big-endian two's complement
		n.SetBytes(b)
		if len(b) > 0 && b[0]&0x80 != 0 {
			n.Sub(&n, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
		}
	}
	s := new(
		big.Rat,
	).SetFrac(&n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)).
		FloatString(scale)
	return s
}

const parquetBatch = 512

func readRowGroup(o *output, rg parquet.RowGroup, group int32, cols map[int]parquetColumn) error {
	rows := rg.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, parquetBatch)
	fields := map[string]bool{}
	for _, c := range cols {
		fields[c.field] = true
	}
	inSchema := func(field string) bool { return fields[field] }
	var index int64
	for {
		n, err := rows.ReadRows(buf)
		for _, row := range buf[:n] {
			index++
			o.read()
			fields, bad := rowFields(row, cols)
			if bad != "" {
				detail := "column " + bad + " is not valid UTF-8"
				raw, personal := fieldsJSON(fields), personalValues(fields)
				o.fail(index, group, "invalid_utf8", detail, raw, personal)
				continue
			}
			if f := o.lacks(inSchema); f != "" {
				o.missing(index, group, f, "column", " from the Parquet schema", fieldsJSON(fields),
					personalValues(fields))
				continue
			}
			o.emit(index, group, fields, "")
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// rowFields renders a row's mapped columns; it returns the first field with invalid UTF-8, if any.
func rowFields(row parquet.Row, cols map[int]parquetColumn) (map[string]string, string) {
	fields := make(map[string]string, len(cols))
	bad := ""
	for _, v := range row {
		c, ok := cols[v.Column()]
		if !ok || v.IsNull() {
			continue
		}
		s := c.render(v)
		if !utf8.ValidString(s) && bad == "" {
			bad = c.field
		}
		if prev, ok := fields[c.field]; ok {
			s = prev + "|" + s // a repeated column
		}
		fields[c.field] = s
	}
	return fields, bad
}

func fieldsJSON(fields map[string]string) string {
	return Record{Fields: fields}.RawText()
}
