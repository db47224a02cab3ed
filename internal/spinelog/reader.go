package spinelog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// MaxRecordBytes bounds the size of one CSV record (header or row), so that a
// malformed file (an unbalanced quote, a multi-gigabyte line) cannot exhaust
// memory. A longer record is a FileError: the reader cannot tell where the
// next record starts without reading unbounded data.
const MaxRecordBytes = 1 << 20

// sourceBufferSize is the read-ahead of the compressed input.
const sourceBufferSize = 256 << 10

// bufferSize is the read-ahead of the decompressed stream.
const bufferSize = 64 << 10

// Stats counts a Reader's progress.
type Stats struct {
	Records           int64 // data records read (header excluded): Accepted + Rejected
	Accepted          int64 // records returned as messages
	Rejected          int64 // records returned as *ParseError
	CompressedBytes   int64 // bytes consumed from the underlying reader, for progress
	DecompressedBytes int64 // bytes of CSV decompressed and handed to the parser so far
}

// Reader streams the messages of one gzip-compressed CSV log. It
// decompresses on a goroutine of its own, ahead of the parser; reading to
// the end (io.EOF or a *FileError) or Close releases it.
//
// Its counters may be read with Stats from any goroutine.
type Reader struct {
	name   string
	src    *countingReader // the compressed input
	gz     *inflater
	lines  lineSource
	layout *layout
	fields [][]byte // the current record's fields
	line   int      // lines consumed so far
	raw    []byte   // the current record's line, without its line ending
	// validUTF8 is true when the current record is known to be valid
	// UTF-8 as a whole, sparing the check of each field.
	validUTF8 bool
	times     timeCache
	widths    quotedWidths
	// The accepted rows are counted in nAccepted and published to
	// accepted every acceptedBatch rows and when the reader stops, rather
	// than by an atomic add a row.
	nAccepted int64
	accepted  atomic.Int64
	rejected  atomic.Int64
	err       error // sticky: io.EOF or a *FileError
}

// NewReader opens a gzip-compressed CSV log and reads its header. name
// identifies the file in errors (an object key or file name). Problems with
// the file or its header are returned as *FileError.
func NewReader(r io.Reader, name string) (*Reader, error) {
	rd := &Reader{name: name, src: &countingReader{r: r}}
	// A large buffer: the decompressor would otherwise read the input
	// 4 KiB at a time.
	gz, err := gzip.NewReader(bufio.NewReaderSize(rd.src, sourceBufferSize))
	if err != nil {
		return nil, rd.fileError(0, rd.openError(err))
	}
	rd.gz = startInflater(gz)
	rd.lines = lineSource{f: rd.gz, limit: MaxRecordBytes}

	header, bad, err := rd.next(true)
	switch {
	case err == io.EOF:
		rd.Close()
		return nil, rd.fileError(0, fmt.Errorf("%w: no header row", ErrEmpty))
	case err != nil:
		rd.Close()
		return nil, err
	case bad != nil:
		rd.Close()
		return nil, rd.fileError(bad.Line, fmt.Errorf("%w: %s", ErrBadHeader, bad.Reason))
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = string(h)
	}
	if rd.layout, err = newLayout(names); err != nil {
		rd.Close()
		return nil, rd.fileError(rd.line, err)
	}
	return rd, nil
}

// Close stops the decompressing goroutine, and keeps the Reader's buffers
// for the next Reader: the Reader, and the rows it gave, must not be used
// after.
func (r *Reader) Close() error {
	r.gz.close()
	if b := r.lines.buf; b != nil {
		r.lines.buf, r.lines.cur = nil, nil
		putBuffer(b)
	}
	r.gz.recycle()
	return nil
}

// Read fills *m with the next row. It returns io.EOF at the end of the file,
// a *ParseError for a row that cannot be read (the next call reads the next
// row), or a *FileError when the file cannot be read further (every later
// call returns the same error). The strings of *m are its own.
func (r *Reader) Read(m *spine.Message) error {
	var row Row
	if err := r.ReadRow(&row); err != nil {
		return err
	}
	row.message(m)
	return nil
}

// SetIdle makes the Reader call f, on the goroutine that reads, whenever
// the decompressor has not yet produced the data it needs next: f can do
// other work with a core that would otherwise wait. It should return after
// a few tens of milliseconds at most, which the read-ahead absorbs.
func (r *Reader) SetIdle(f func()) { r.lines.idle = f }

// ReadRow is Read without copying: the fields of *row point into the
// Reader's buffers and are valid only until the next call.
func (r *Reader) ReadRow(row *Row) error {
	rec, bad, err := r.next(false)
	if err != nil {
		r.accepted.Store(r.nAccepted)
		return err
	}
	if bad != nil {
		r.rejected.Add(1)
		return bad
	}
	if err := r.decode(rec, r.line, row); err != nil {
		r.rejected.Add(1)
		return err
	}
	if r.nAccepted++; r.nAccepted%acceptedBatch == 0 {
		r.accepted.Store(r.nAccepted)
	}
	return nil
}

// acceptedBatch is how often the count of accepted rows is published.
const acceptedBatch = 1024

// next reads one CSV record: one line within the size bound. It returns
// the record, or the *ParseError of a malformed line, or a sticky io.EOF
// or *FileError. Simple lines are split in place; anything else goes to
// encoding/csv.
func (r *Reader) next(first bool) ([][]byte, *ParseError, error) {
	if r.err != nil {
		return nil, nil, r.err
	}
	for {
		line, err := r.lines.next()
		if errors.Is(err, errLineTooLong) && !first {
			r.line++
			return nil, &ParseError{File: r.name, Line: r.line, Value: truncate(string(r.lines.head)),
				Reason: fmt.Sprintf("is longer than %d bytes; skipped", MaxRecordBytes)}, nil
		}
		if err != nil {
			r.err = r.sourceError(err)
			if r.err != io.EOF {
				r.gz.close()
			}
			return nil, nil, r.err
		}
		r.line++
		if first && r.line == 1 && bytes.HasPrefix(line, bom) {
			line = line[len(bom):]
		}
		body := line
		if n := len(body); n > 0 && body[n-1] == '\n' {
			body = body[:n-1]
			if n > 1 && body[n-2] == '\r' { // a CRLF line ending
				body = body[:n-2]
			}
		}
		if len(line) == 1 && line[0] == '\n' {
			continue // csv skips empty lines
		}
		r.raw = body
		if len(body) > 0 {
			if fields, ok := splitSimple(body, r.lines.noCR, r.fields[:0], &r.widths); ok {
				r.fields = fields
				r.validUTF8 = utf8.Valid(body)
				return fields, nil, nil
			}
		}
		fields, col, err := csvLine(line, r.fields[:0])
		if err == io.EOF {
			continue // a blank line, such as "\r\n": csv skips it
		}
		if err != nil {
			return nil, r.lineError(fields, col, err), nil
		}
		r.fields = fields
		r.validUTF8 = false // checked field by field
		return fields, nil, nil
	}
}

// lineError describes a line encoding/csv could not read: which field, if
// known, and the line's first bytes, so that a rejected line can be found.
func (r *Reader) lineError(fields [][]byte, col int, err error) *ParseError {
	pe := &ParseError{File: r.name, Line: r.line, Value: truncate(string(r.raw))}
	var ce *csv.ParseError
	switch {
	case err == errUnterminatedQuote:
		pe.Column = col
		if r.layout != nil && col <= len(r.layout.names) {
			pe.Field = r.layout.names[col-1]
		}
		pe.Reason = "has a quoted field that is not closed on its line"
	case errors.As(err, &ce):
		pe.Reason = fmt.Sprintf("is not valid CSV (byte %d: %v)", ce.Column, ce.Err)
	default:
		pe.Reason = fmt.Sprintf("is not valid CSV (%v)", err)
	}
	return pe
}

// bom is the UTF-8 byte order mark some exports start with.
var bom = []byte("\uFEFF")

// sourceError classifies an error from below the parser: the record bound,
// the underlying reader or the decompressor.
func (r *Reader) sourceError(err error) error {
	switch {
	case err == io.EOF:
		return io.EOF
	case errors.Is(err, errLineTooLong):
		return r.tooLong()
	case r.src.err != nil:
		return r.fileError(0, fmt.Errorf("read: %w", r.src.err))
	}
	return r.fileError(0, r.gzipError(err))
}

func (r *Reader) tooLong() error {
	return r.fileError(r.line+1, fmt.Errorf("%w: the line exceeds %d bytes", ErrRecordTooLong, MaxRecordBytes))
}

// openError classifies an error from opening the gzip stream.
func (r *Reader) openError(err error) error {
	switch {
	case r.src.err != nil:
		return fmt.Errorf("read: %w", r.src.err)
	case r.src.n.Load() == 0:
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

// Stats returns the reader's progress so far. While rows are being read,
// Accepted (and so Records) may lag by fewer than acceptedBatch rows; it is
// exact once ReadRow has returned io.EOF or a *FileError.
func (r *Reader) Stats() Stats {
	accepted, rejected := r.accepted.Load(), r.rejected.Load()
	return Stats{
		Records:           accepted + rejected,
		Accepted:          accepted,
		Rejected:          rejected,
		CompressedBytes:   r.src.n.Load(),
		DecompressedBytes: r.lines.n.Load(),
	}
}
