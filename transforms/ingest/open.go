package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	// A drop-in for compress/gzip that inflates about twice as fast.
	"github.com/klauspost/compress/gzip"

	"github.com/shopportraits/portraits/transforms/sink"
)

// openText opens a text file through Beam's filesystem positioned at the first line that starts at
// or after start, and stops after the last line that starts before end (end 0: the end of the
// file). Gzip files are decompressed and never split; an empty gzip file (0 bytes) reads as empty
// text.
func openText(ctx context.Context, file string, gz bool, start, end int64) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, file)
	if err != nil {
		return nil, err
	}
	rc, err := fs.OpenRead(ctx, file)
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	closer := multiCloser{rc, fs}
	if gz {
		zr, err := gzip.NewReader(bufio.NewReaderSize(rc, 256<<10))
		if err == io.EOF {
			return readCloser{strings.NewReader(""), closer}, nil // a file of 0 bytes holds no text
		}
		if err != nil {
			closer.Close()
			return nil, fmt.Errorf("gunzip %s: %w", file, err)
		}
		return readCloser{zr, append(multiCloser{zr}, closer...)}, nil
	}
	pos := int64(0)
	if start > 0 {
		// Begin one byte early: if that byte ends a line, the line at start is ours.
		if err := skipTo(rc, start-1); err != nil {
			closer.Close()
			return nil, fmt.Errorf("seek %s to %d: %w", file, start-1, err)
		}
		pos = start - 1
	}
	lr := &lineRange{br: bufio.NewReaderSize(rc, 256<<10), pos: pos, end: end, atStart: start == 0}
	if start > 0 {
		if err := lr.skipLine(); err != nil {
			closer.Close()
			return nil, fmt.Errorf("read %s at %d: %w", file, start, err)
		}
	}
	return readCloser{lr, closer}, nil
}

func skipTo(r io.Reader, off int64) error {
	if s, ok := r.(io.Seeker); ok {
		_, err := s.Seek(off, io.SeekStart)
		return err
	}
	_, err := io.CopyN(io.Discard, r, off)
	return err
}

// lineRange yields whole lines whose first byte lies before end.
type lineRange struct {
	br      *bufio.Reader
	pos     int64 // offset of the next byte of br
	end     int64
	atStart bool // the next byte starts a line
	pending []byte
	err     error
}

func (l *lineRange) skipLine() error {
	for {
		chunk, err := l.br.ReadSlice('\n')
		l.pos += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			continue
		}
		l.atStart = true
		if err == io.EOF {
			l.err = io.EOF
			return nil
		}
		return err
	}
}

func (l *lineRange) Read(p []byte) (int, error) {
	for len(l.pending) == 0 {
		if l.err != nil {
			return 0, l.err
		}
		if l.atStart && l.end > 0 && l.pos >= l.end {
			l.err = io.EOF
			return 0, io.EOF
		}
		chunk, err := l.br.ReadSlice('\n')
		l.pos += int64(len(chunk))
		l.atStart = len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		l.pending = chunk
		if err != nil && err != bufio.ErrBufferFull {
			l.err = err
		}
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// openReaderAt gives random access to a Parquet file: local files directly, others downloaded to a
// temporary file first (Beam's filesystem offers streams only).
func openReaderAt(ctx context.Context, file string) (io.ReaderAt, int64, io.Closer, error) {
	if !strings.Contains(file, "://") {
		f, err := os.Open(file)
		if err != nil {
			return nil, 0, nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, nil, err
		}
		return f, st.Size(), f, nil
	}
	tmp, err := os.CreateTemp("", "portraits-*.parquet")
	if err != nil {
		return nil, 0, nil, err
	}
	size, err := sink.Download(ctx, file, tmp)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, 0, nil, err
	}
	return tmp, size, removeOnClose{tmp}, nil
}

type removeOnClose struct{ f *os.File }

func (r removeOnClose) Close() error {
	err := r.f.Close()
	os.Remove(r.f.Name())
	return err
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

type readCloser struct {
	io.Reader
	io.Closer
}

var utf8BOM = []byte("\xEF\xBB\xBF")

// stripBOM drops a UTF-8 byte order mark at the start of r.
func stripBOM(r *bufio.Reader) error {
	head, err := r.Peek(3)
	if err == nil && bytes.Equal(head, utf8BOM) {
		_, err = r.Discard(3)
		return err
	}
	if err == io.EOF || err == bufio.ErrBufferFull {
		return nil
	}
	return err
}
