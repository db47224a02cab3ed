package spinelog

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Causes of a FileError, for errors.Is.
var (
	ErrEmpty           = errors.New("empty file")
	ErrNotGzip         = errors.New("not gzip-compressed")
	ErrTruncated       = errors.New("truncated gzip data")
	ErrCorrupt         = errors.New("corrupt gzip data")
	ErrBadHeader       = errors.New("bad header row")
	ErrMissingColumns  = errors.New("missing required columns")
	ErrDuplicateColumn = errors.New("duplicate column")
	ErrRecordTooLong   = errors.New("record too long")
)

// FileError is a problem with a log file as a whole. Reading stops at it.
type FileError struct {
	File string // the name given to NewReader
	Line int    // 1-based line in the decompressed CSV, or 0 when unknown
	Err  error  // the cause; see the Err* variables
}

func (e *FileError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	return s + ": " + e.Err.Error()
}

func (e *FileError) Unwrap() error { return e.Err }

// ParseError is a problem with one row. The row is skipped; reading may
// continue.
type ParseError struct {
	File   string // the name given to NewReader
	Line   int    // 1-based line in the decompressed CSV where the record starts (the header is line 1)
	Column int    // 1-based field number in the record (not a byte offset), or 0 for the whole row
	Field  string // the header name of that column, or "" for the whole row
	Value  string // the offending value, truncated to about MaxValueBytes
	Reason string // what is wrong, e.g. "is neither NONE nor an integer"
}

// MaxValueBytes bounds ParseError.Value.
const MaxValueBytes = 80

// maxHeadBytes is how much of a rejected line is kept for its Value:
// enough for truncate to cut at a rune boundary and mark the cut.
const maxHeadBytes = MaxValueBytes + 1

// Error formats the error as file:line:column: field "value" reason, or
// file:line: reason for whole-row problems.
func (e *ParseError) Error() string {
	s := e.File + ":" + strconv.Itoa(e.Line)
	if e.Column > 0 {
		s += ":" + strconv.Itoa(e.Column)
	}
	s += ": "
	if e.Field != "" {
		s += e.Field + " " + strconv.Quote(e.Value) + " "
	}
	return s + e.Reason
}

// truncate shortens s to at most MaxValueBytes bytes, at a rune boundary
// when s is valid UTF-8, marking the cut with an ellipsis.
func truncate(s string) string {
	if len(s) <= MaxValueBytes {
		return s
	}
	i := MaxValueBytes
	for i > MaxValueBytes-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
