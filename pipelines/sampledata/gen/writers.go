package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// File layout. Gzip output is deterministic for a fixed library version and level.
const (
	gzipLevel       = 5       // fast enough for 100k persons, small enough for the bundled sample
	parquetPartRows = 500_000 // rows per Parquet part file
	parquetGroupRow = 100_000 // rows per Parquet row group
	textPartRows    = 200_000 // rows per uncompressed JSONL or CSV part file
	writeBuffer     = 256 << 10
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
	f       *os.File
	bw      *bufio.Writer
	gz      *gzip.Writer
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

// createLineFile creates path (and its folder) for JSON lines.
func createLineFile(path string, gz bool, r *rand.Rand, m lineMess) (*lineFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	lf := &lineFile{f: f, bw: bufio.NewWriterSize(f, writeBuffer), r: r, mess: m}
	lf.out = lf.bw
	if gz {
		lf.gz, err = gzip.NewWriterLevel(lf.bw, gzipLevel)
		if err != nil {
			f.Close()
			return nil, err
		}
		lf.out = lf.gz
	}
	return lf, nil
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
		lf.pending = append(lf.pending, pendingLine{due: lf.rows + int64(between(lf.r, 1, 200)), line: append([]byte(nil), line...)})
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
	}
	err = firstErr(err, lf.bw.Flush())
	return firstErr(err, lf.f.Close())
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
}

// open starts the next file.
func (rl *rotatingLines) open() error {
	path := fmt.Sprintf(rl.pattern, len(rl.fam.Files))
	lf, err := createLineFile(path, rl.gz, rl.r, rl.mess)
	if err != nil {
		return err
	}
	rl.cur = lf
	rl.fam.Files = append(rl.fam.Files, path)
	return nil
}

// Write writes one line, with the family's mess.
func (rl *rotatingLines) Write(line []byte) error {
	if rl.cur == nil {
		if err := rl.open(); err != nil {
			return err
		}
	}
	rl.cur.Write(line)
	if rl.cur.rows >= textPartRows {
		return rl.Close()
	}
	return rl.cur.err
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

	f      *os.File
	bw     *bufio.Writer
	closer io.Closer // transform or gzip writer between csv and bw
	cw     *csv.Writer
	rows   int
}

func (c *csvParts) open() error {
	path := c.pattern
	if c.enc != csvGzip {
		path = fmt.Sprintf(c.pattern, len(c.fam.Files))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	c.f, c.bw, c.rows = f, bufio.NewWriterSize(f, writeBuffer), 0
	var w io.Writer = c.bw
	switch c.enc {
	case csvUTF8BOM:
		c.bw.WriteString("\uFEFF")
		c.closer = nil
	case csvGBK:
		tw := transform.NewWriter(c.bw, simplifiedchinese.GBK.NewEncoder())
		w, c.closer = tw, tw
	case csvGzip:
		gz, err := gzip.NewWriterLevel(c.bw, gzipLevel)
		if err != nil {
			return err
		}
		w, c.closer = gz, gz
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
	err = firstErr(err, c.bw.Flush())
	err = firstErr(err, c.f.Close())
	c.cw = nil
	return err
}

// parquetParts writes a table as Parquet part files of at most parquetPartRows rows.
type parquetParts[T any] struct {
	fam     *Family
	pattern string // printf pattern with the part number, or a fixed name
	f       *os.File
	bw      *bufio.Writer
	w       *parquet.GenericWriter[T]
	inPart  int
}

func (p *parquetParts[T]) open() error {
	path := p.pattern
	if containsVerb(path) {
		path = fmt.Sprintf(p.pattern, len(p.fam.Files))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	p.f, p.bw, p.inPart = f, bufio.NewWriterSize(f, writeBuffer), 0
	p.w = parquet.NewGenericWriter[T](p.bw,
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.MaxRowsPerRowGroup(parquetGroupRow),
		parquet.CreatedBy("portraits-sampledata", "1", ""),
	)
	p.fam.Files = append(p.fam.Files, path)
	return nil
}

// Write appends rows, starting a new part file when the current one is full.
func (p *parquetParts[T]) Write(rows []T) error {
	for len(rows) > 0 {
		if p.w == nil {
			if err := p.open(); err != nil {
				return err
			}
		}
		n := min(len(rows), parquetPartRows-p.inPart)
		if _, err := p.w.Write(rows[:n]); err != nil {
			return err
		}
		p.inPart += n
		p.fam.Rows += int64(n)
		rows = rows[n:]
		if p.inPart >= parquetPartRows {
			if err := p.Close(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close finishes the current part file.
func (p *parquetParts[T]) Close() error {
	if p.w == nil {
		return nil
	}
	err := p.w.Close()
	err = firstErr(err, p.bw.Flush())
	err = firstErr(err, p.f.Close())
	p.w = nil
	return err
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
