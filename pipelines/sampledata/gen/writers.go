package gen

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// File layout. Gzip output is deterministic for a fixed library version and level.
const (
	gzipLevel       = 5         // fast enough for 100k persons, small enough for the bundled sample
	parquetPartRows = 500_000   // rows per Parquet part file
	parquetGroupRow = 100_000   // rows per Parquet row group
	textPartRows    = 200_000   // rows per uncompressed JSONL or CSV part file
	appendChunk     = 256 << 10 // bytes an output file keeps in memory before they are written
	// parquetBufferedRows bounds the rows the daily Parquet writers keep in memory together.
	parquetBufferedRows = 100_000
	// parquetPageBuffer is the size of a column's page buffer: small, since a run holds a Parquet
	// writer per day and table at once.
	parquetPageBuffer = 16 << 10
)

// Family is one kind of output file: where its files are and how much was written.
type Family struct {
	Name  string   // source name, as in sources.yaml (truth and sources.yaml besides)
	Files []string // files written, in order
	Rows  int64    // lines or rows written, damaged and replayed ones included
	Bytes int64    // size on disk
}

// lineMess are the rates at which a JSON-lines file is damaged on purpose.
type lineMess struct {
	trunc   float64 // line cut short
	badUTF8 float64 // invalid UTF-8 bytes put into a string value
	replay  float64 // line written again a little later
}

// lineFile writes JSON lines to a plain or gzip file, damaging some on purpose.
type lineFile struct {
	dst     *appendFile
	gz      *gzip.Writer // nil for a plain file
	out     io.Writer
	r       *rand.Rand
	mess    lineMess
	pending []pendingLine
	rows    int64
	err     error
}

type pendingLine struct {
	due  int64
	line []byte
}

// gzipWriters are reused from file to file: a compressor's state is large, and a run writes a
// file per day, source and group of persons. Reset gives the bytes a new writer would.
var gzipWriters = sync.Pool{New: func() any {
	w, err := gzip.NewWriterLevel(io.Discard, gzipLevel)
	if err != nil {
		panic(err) // gzipLevel is a valid level
	}
	return w
}}

// createLineFile starts path (and its folder) for JSON lines.
func createLineFile(path string, gz bool, r *rand.Rand, m lineMess) *lineFile {
	lf := &lineFile{dst: &appendFile{path: path}, r: r, mess: m}
	lf.out = lf.dst
	if gz {
		lf.gz = gzipWriters.Get().(*gzip.Writer)
		lf.gz.Reset(lf.dst)
		lf.out = lf.gz
	}
	return lf
}

// Write writes one line (given without newline), now and then truncated, with invalid bytes, or
// replayed later.
func (lf *lineFile) Write(line []byte) {
	lf.flushDue()
	if len(line) > 2 && chance(lf.r, lf.mess.trunc) {
		lf.raw(line[:1+lf.r.IntN(len(line)-2)])
		return
	}
	if chance(lf.r, lf.mess.badUTF8) {
		lf.raw(withInvalidUTF8(lf.r, line))
	} else {
		lf.raw(line)
	}
	if chance(lf.r, lf.mess.replay) {
		lf.pending = append(
			lf.pending,
			pendingLine{
				due:  lf.rows + int64(between(lf.r, 1, 200)),
				line: append([]byte(nil), line...),
			},
		)
	}
}

// flushDue writes the replays whose turn has come.
func (lf *lineFile) flushDue() {
	if len(lf.pending) == 0 {
		return
	}
	keep := lf.pending[:0]
	for _, p := range lf.pending {
		if p.due <= lf.rows {
			lf.raw(p.line)
		} else {
			keep = append(keep, p)
		}
	}
	lf.pending = keep
}

// raw writes a line as it is.
func (lf *lineFile) raw(line []byte) {
	if lf.err != nil {
		return
	}
	if _, err := lf.out.Write(line); err != nil {
		lf.err = err
		return
	}
	_, lf.err = lf.out.Write([]byte{'\n'})
	lf.rows++
}

// Close writes the outstanding replays and closes the file.
func (lf *lineFile) Close() error {
	for _, p := range lf.pending {
		lf.raw(p.line)
	}
	lf.pending = nil
	err := lf.err
	if lf.gz != nil {
		err = firstErr(err, lf.gz.Close())
		lf.gz.Reset(io.Discard)
		gzipWriters.Put(lf.gz)
		lf.gz = nil
	}
	return firstErr(err, lf.dst.Close())
}

// withInvalidUTF8 puts the bytes 0xff 0xfe into the last string value of the line.
func withInvalidUTF8(r *rand.Rand, line []byte) []byte {
	i := len(line) - 2 // before the closing quote of the last value, usually
	if i < 1 {
		i = 1
	}
	out := make([]byte, 0, len(line)+2)
	out = append(out, line[:i]...)
	out = append(out, 0xff, 0xfe)
	return append(out, line[i:]...)
}

// rotatingLines writes a family of JSON-lines files, a new one every textPartRows lines.
type rotatingLines struct {
	fam     *Family
	pattern string // printf pattern with the file number
	gz      bool
	r       *rand.Rand
	mess    lineMess
	cur     *lineFile
	parts   int
}

// open starts the next file.
func (rl *rotatingLines) open() {
	path := fmt.Sprintf(rl.pattern, rl.parts)
	rl.parts++
	rl.cur = createLineFile(path, rl.gz, rl.r, rl.mess)
	rl.fam.Files = append(rl.fam.Files, path)
}

// Write writes one line, with the family's mess.
func (rl *rotatingLines) Write(line []byte) error {
	if rl.cur == nil {
		rl.open()
	}
	rl.cur.Write(line)
	if rl.cur.rows >= textPartRows {
		return rl.Close()
	}
	return rl.cur.err
}

// ensure starts a file if none was written, so that an empty day still has one.
func (rl *rotatingLines) ensure() {
	if rl.parts == 0 {
		rl.open()
	}
}

// Close finishes the current file.
func (rl *rotatingLines) Close() error {
	if rl.cur == nil {
		return nil
	}
	rl.fam.Rows += rl.cur.rows
	err := rl.cur.Close()
	rl.cur = nil
	return err
}

// csvEncoding is how a CSV family is encoded.
type csvEncoding int

const (
	csvUTF8BOM csvEncoding = iota
	csvGBK
	csvGzip
)

// csvParts writes a family of CSV files with a header, a new one every textPartRows records.
type csvParts struct {
	fam     *Family
	pattern string
	header  []string
	enc     csvEncoding
	crlf    bool

	dst    *appendFile
	closer io.Closer // transform or gzip writer between csv and dst
	gz     *gzip.Writer
	cw     *csv.Writer
	rows   int
	parts  int
}

func (c *csvParts) open() error {
	path := c.pattern
	if c.enc != csvGzip {
		path = fmt.Sprintf(c.pattern, c.parts)
	}
	c.parts++
	c.dst, c.rows, c.closer, c.gz = &appendFile{path: path}, 0, nil, nil
	var w io.Writer = c.dst
	switch c.enc {
	case csvUTF8BOM:
		c.dst.Write([]byte("\uFEFF"))
	case csvGBK:
		tw := transform.NewWriter(c.dst, simplifiedchinese.GBK.NewEncoder())
		w, c.closer = tw, tw
	case csvGzip:
		c.gz = gzipWriters.Get().(*gzip.Writer)
		c.gz.Reset(c.dst)
		w, c.closer = c.gz, c.gz
	}
	c.cw = csv.NewWriter(w)
	c.cw.UseCRLF = c.crlf
	c.fam.Files = append(c.fam.Files, path)
	return c.cw.Write(c.header)
}

// Write writes one record.
func (c *csvParts) Write(rec []string) error {
	if c.cw == nil {
		if err := c.open(); err != nil {
			return err
		}
	}
	if err := c.cw.Write(rec); err != nil {
		return err
	}
	c.rows++
	c.fam.Rows++
	if c.enc != csvGzip && c.rows >= textPartRows {
		return c.Close()
	}
	return nil
}

// ensure starts a file (its header) if none was written, so that an empty day still has one.
func (c *csvParts) ensure() error {
	if c.parts == 0 {
		return c.open()
	}
	return nil
}

// Close finishes the current file.
func (c *csvParts) Close() error {
	if c.cw == nil {
		return nil
	}
	c.cw.Flush()
	err := c.cw.Error()
	if c.closer != nil {
		err = firstErr(err, c.closer.Close())
	}
	if c.gz != nil {
		c.gz.Reset(io.Discard)
		gzipWriters.Put(c.gz)
	}
	err = firstErr(err, c.dst.Close())
	c.cw, c.gz = nil, nil
	return err
}

// parquetParts writes a table as Parquet part files of at most parquetPartRows rows, in row
// groups of at most parquetGroupRow rows; with a budget, fewer when the budget says so.
type parquetParts[T any] struct {
	fam     *Family
	pattern string     // printf pattern with the part number, or a fixed name
	budget  *rowBudget // rows waiting in memory across tables; nil for none
	dst     *appendFile
	w       *parquet.GenericWriter[T]
	inPart  int
	inGroup int // rows written since the last row group
	parts   int
	joined  bool // registered with the budget
}

func (p *parquetParts[T]) open() {
	path := p.pattern
	if containsVerb(path) {
		path = fmt.Sprintf(p.pattern, p.parts)
	}
	p.parts++
	p.dst, p.inPart, p.inGroup = &appendFile{path: path}, 0, 0
	p.w = parquet.NewGenericWriter[T](p.dst,
		parquet.Compression(zstdCodec),
		parquet.MaxRowsPerRowGroup(parquetGroupRow),
		parquet.PageBufferSize(parquetPageBuffer),
		parquet.CreatedBy("portraits-sampledata", "1", ""),
	)
	p.fam.Files = append(p.fam.Files, path)
	if p.budget != nil && !p.joined {
		p.budget.members = append(p.budget.members, p)
		p.joined = true
	}
}

// Write appends rows, ending a row group when it is full and a part file when that is.
func (p *parquetParts[T]) Write(rows []T) error {
	for len(rows) > 0 {
		if p.w == nil {
			p.open()
		}
		n := min(len(rows), parquetPartRows-p.inPart, parquetGroupRow-p.inGroup)
		if _, err := p.w.Write(rows[:n]); err != nil {
			return err
		}
		p.inPart += n
		p.inGroup += n
		p.fam.Rows += int64(n)
		p.budget.add(n)
		rows = rows[n:]
		var err error
		switch {
		case p.inPart >= parquetPartRows:
			err = p.Close()
		case p.inGroup >= parquetGroupRow:
			err = p.flushGroup()
		}
		if err != nil {
			return err
		}
	}
	return p.budget.check()
}

// buffered is the number of rows waiting in memory for their row group to be written.
func (p *parquetParts[T]) buffered() int { return p.inGroup }

// flushGroup writes the rows waiting in memory as a row group.
func (p *parquetParts[T]) flushGroup() error {
	if p.w == nil || p.inGroup == 0 {
		return nil
	}
	p.budget.add(-p.inGroup)
	p.inGroup = 0
	return p.w.Flush()
}

// ensure starts a file if none was written, so that an empty day still has one.
func (p *parquetParts[T]) ensure() {
	if p.parts == 0 {
		p.open()
	}
}

// Close finishes the current part file.
func (p *parquetParts[T]) Close() error {
	if p.w == nil {
		return nil
	}
	p.budget.add(-p.inGroup)
	p.inGroup = 0
	err := p.w.Close()
	err = firstErr(err, p.dst.Close())
	p.w = nil
	return err
}

// rowBudget bounds the rows that Parquet writers of daily partitions keep in memory: a writer
// holds its rows until it writes a row group, and a run writes a file per day and table at once.
// Past the limit, the writers holding the most rows write them as a row group, until half the
// limit is left.
type rowBudget struct {
	limit, pending int
	members        []groupFlusher // in the order they joined, which is deterministic
}

// groupFlusher is a writer that can write its waiting rows as a row group.
type groupFlusher interface {
	buffered() int
	flushGroup() error
}

func (b *rowBudget) add(n int) {
	if b != nil {
		b.pending += n
	}
}

func (b *rowBudget) check() error {
	if b == nil || b.pending <= b.limit {
		return nil
	}
	order := slices.Clone(b.members)
	slices.SortStableFunc(order, func(x, y groupFlusher) int { return y.buffered() - x.buffered() })
	for _, m := range order {
		if b.pending <= b.limit/2 {
			break
		}
		if err := m.flushGroup(); err != nil {
			return err
		}
	}
	return nil
}

// zstdCodec compresses every Parquet file: one codec, so that the files of every day share its
// encoders rather than each holding its own.
var zstdCodec = &zstd.Codec{Level: zstd.SpeedDefault}

// appendFile is an output file written in pieces: it keeps up to appendChunk bytes in memory and
// appends them to the file, opening it only for that. A run writes a file per day and source at
// the same time, more files than a process may keep open.
type appendFile struct {
	path    string
	buf     []byte
	created bool
	err     error
}

// Write keeps p, writing to the file once appendChunk bytes wait.
func (f *appendFile) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	f.buf = append(f.buf, p...)
	if len(f.buf) >= appendChunk {
		f.flush()
	}
	return len(p), f.err
}

// flush appends what waits to the file, creating it (and its folder) the first time.
func (f *appendFile) flush() {
	if f.err != nil {
		return
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !f.created {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			f.err = err
			return
		}
		flag |= os.O_TRUNC
	}
	fh, err := os.OpenFile(f.path, flag, 0o644)
	if err != nil {
		f.err = err
		return
	}
	f.created = true
	_, err = fh.Write(f.buf)
	f.err = firstErr(err, fh.Close())
	f.buf = f.buf[:0]
}

// Close writes what waits, creating the file even when nothing was written.
func (f *appendFile) Close() error {
	f.flush()
	f.buf = nil
	return f.err
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' {
			return true
		}
	}
	return false
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
