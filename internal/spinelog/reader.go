package spinelog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// MaxRecordBytes bounds the size of one CSV record (header or row), so that a
// malformed file (an unbalanced quote, a multi-gigabyte line) cannot exhaust
// memory. A longer record is a FileError: the reader cannot tell where the
// next record starts without reading unbounded data.
const MaxRecordBytes = 1 << 20

// bufferSize is the read-ahead of the decompressed stream.
const bufferSize = 64 << 10

// Stats counts a Reader's progress.
type Stats struct {
	Records           int64 // data records read (header excluded): Accepted + Rejected
	Accepted          int64 // records returned as messages
	Rejected          int64 // records returned as *ParseError
	CompressedBytes   int64 // bytes consumed from the underlying reader, for progress
	DecompressedBytes int64 // bytes of CSV decompressed so far
}

// Reader streams the messages of one gzip-compressed CSV log.
type Reader struct {
	name       string
	src        *countingReader // the compressed input
	lim        *limitReader    // the decompressed CSV
	csv        *csv.Reader
	layout     *layout
	hasUnknown bool  // the header has columns this package ignores
	nextLine   int   // the earliest line the next record can start on
	stats      Stats // Compressed/DecompressedBytes filled in by Stats
	err        error // sticky: io.EOF or a *FileError
}

// NewReader opens a gzip-compressed CSV log and reads its header. name
// identifies the file in errors (an object key or file name). Problems with
// the file or its header are returned as *FileError.
func NewReader(r io.Reader, name string) (*Reader, error) {
	rd := &Reader{name: name, src: &countingReader{r: r}, nextLine: 1}
	gz, err := gzip.NewReader(rd.src)
	if err != nil {
		return nil, rd.fileError(0, rd.openError(err))
	}
	rd.lim = &limitReader{countingReader: countingReader{r: gz}}
	rd.lim.limit = MaxRecordBytes + bufferSize

	buf := bufio.NewReaderSize(rd.lim, bufferSize)
	if bom, _ := buf.Peek(3); string(bom) == "\uFEFF" {
		_, _ = buf.Discard(3) // cannot fail after a successful Peek
	}
	rd.csv = csv.NewReader(buf) // reuses buf: it is a large enough *bufio.Reader
	rd.csv.FieldsPerRecord = -1 // counts are checked against the header here
	rd.csv.ReuseRecord = true

	header, bad, err := rd.next()
	switch {
	case err == io.EOF:
		return nil, rd.fileError(0, fmt.Errorf("%w: no header row", ErrEmpty))
	case err != nil:
		return nil, err
	case bad != nil:
		return nil, rd.fileError(bad.StartLine, fmt.Errorf("%w: %v", ErrBadHeader, bad))
	}
	line, _ := rd.csv.FieldPos(0)
	if rd.layout, err = newLayout(header); err != nil {
		return nil, rd.fileError(line, err)
	}
	for _, known := range rd.layout.known {
		rd.hasUnknown = rd.hasUnknown || !known
	}
	return rd, nil
}

// Read fills *m with the next row. It returns io.EOF at the end of the file,
// a *ParseError for a row that cannot be read (the next call reads the next
// row), or a *FileError when the file cannot be read further (every later
// call returns the same error).
func (r *Reader) Read(m *spine.Message) error {
	rec, bad, err := r.next()
	if err != nil {
		return err
	}
	r.stats.Records++
	if bad != nil {
		r.stats.Rejected++
		return &ParseError{File: r.name, Line: bad.StartLine,
			Reason: fmt.Sprintf("is not valid CSV (line %d, byte %d: %v)", bad.Line, bad.Column, bad.Err)}
	}
	line, _ := r.csv.FieldPos(0)
	if err := r.decode(rec, line, m); err != nil {
		r.stats.Rejected++
		return err
	}
	r.stats.Accepted++
	return nil
}

// next reads one CSV record within the size bound. It returns the record, or
// the syntax error of a malformed one, or a sticky io.EOF or *FileError.
func (r *Reader) next() ([]string, *csv.ParseError, error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	start := r.csv.InputOffset()
	r.lim.limit = start + MaxRecordBytes + bufferSize
	rec, err := r.csv.Read()
	if r.csv.InputOffset()-start > MaxRecordBytes {
		r.err = r.tooLong()
		return nil, nil, r.err
	}
	if err != nil {
		// Failures below the parser surface here once the rows read before
		// them have been returned.
		var pe *csv.ParseError
		switch ferr := r.streamError(); {
		case ferr != nil:
			r.err = ferr
		case err == io.EOF:
			r.err = io.EOF
		case errors.As(err, &pe):
			r.nextLine = pe.Line + 1
			return nil, pe, nil
		default: // not expected: csv returns only its own errors and the stream's
			r.err = r.fileError(r.nextLine, err)
		}
		return nil, nil, r.err
	}
	last := len(rec) - 1
	line, _ := r.csv.FieldPos(last)
	r.nextLine = line + strings.Count(rec[last], "\n") + 1
	return rec, nil, nil
}

// streamError reports a failure below the CSV parser: the record bound, the
// underlying reader or the decompressor.
func (r *Reader) streamError() error {
	switch {
	case r.lim.tripped:
		return r.tooLong()
	case r.src.err != nil:
		return r.fileError(0, fmt.Errorf("read: %w", r.src.err))
	case r.lim.err != nil:
		return r.fileError(0, r.gzipError(r.lim.err))
	}
	return nil
}

func (r *Reader) tooLong() error {
	return r.fileError(r.nextLine, fmt.Errorf("%w: the record starting on or after this line exceeds %d bytes (an unbalanced quote?)",
		ErrRecordTooLong, MaxRecordBytes))
}

// openError classifies an error from opening the gzip stream.
func (r *Reader) openError(err error) error {
	switch {
	case r.src.err != nil:
		return fmt.Errorf("read: %w", r.src.err)
	case r.src.n == 0:
		return ErrEmpty
	case !r.src.gzipMagic():
		return ErrNotGzip
	}
	return r.gzipError(err)
}

// gzipError classifies an error from the decompressor.
func (r *Reader) gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Errorf("%w: %v", ErrTruncated, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

func (r *Reader) fileError(line int, err error) *FileError {
	return &FileError{File: r.name, Line: line, Err: err}
}

// Stats returns the reader's progress so far.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.CompressedBytes = r.src.n
	s.DecompressedBytes = r.lim.n
	return s
}
