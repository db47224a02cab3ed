package spinelog

import (
	"bytes"
	"encoding/csv"
	"io"
)

// splitSimple splits one line (without its '\n') into fields, appending
// them to fields, when every field is either unquoted without quotes or
// carriage returns, or wholly quoted without inner quotes: the shape of a
// Splunk export. Otherwise it reports false and the line goes to
// encoding/csv, which handles (or rejects) everything else.
//
// Rather than search each unquoted field for a quote, it counts the line's
// quotes once (a vectorised count) and checks at the end that every one
// opened or closed a quoted field: a quote anywhere else is inside an
// unquoted field. That halves the calls to bytes.IndexByte a line.
func splitSimple(line []byte, fields [][]byte) ([][]byte, bool) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return fields, false
	}
	quotes := bytes.Count(line, quote) // quotes not yet accounted for
	for {
		if len(line) > 0 && line[0] == '"' {
			end := bytes.IndexByte(line[1:], '"')
			if end < 0 {
				return fields, false // a quoted field spanning lines
			}
			quotes -= 2
			fields = append(fields, line[1:1+end])
			line = line[2+end:]
			if len(line) == 0 {
				return fields, quotes == 0
			}
			if line[0] != ',' {
				return fields, false
			}
			line = line[1:]
			continue
		}
		end := bytes.IndexByte(line, ',')
		if end < 0 {
			return append(fields, line), quotes == 0
		}
		fields = append(fields, line[:end])
		line = line[end+1:]
	}
}

var quote = []byte{'"'}

// lineFeeder hands encoding/csv one line at a time, starting with a line
// already read, so that csv never reads past the record it parses.
type lineFeeder struct {
	src     *lineSource
	pending []byte
	lines   int // lines handed out
	bytes   int
	err     error // the source's error, if any
}

func (f *lineFeeder) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		if f.bytes > MaxRecordBytes {
			f.err = errLineTooLong
			return 0, f.err
		}
		line, err := f.src.next()
		if err != nil {
			if err != io.EOF {
				f.err = err
			}
			return 0, err
		}
		f.pending, f.lines, f.bytes = line, f.lines+1, f.bytes+len(line)
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// csvRecord parses the record starting with first using encoding/csv. It
// returns the fields, the number of lines consumed, the 1-based line
// (relative to first) where the record's first field starts, and the
// parser's error or the source's.
func csvRecord(src *lineSource, first []byte, fields [][]byte) (rec [][]byte, lines, startLine int, err error) {
	f := &lineFeeder{src: src, pending: first, lines: 1, bytes: len(first)}
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	strs, err := cr.Read()
	if f.err != nil {
		return fields, f.lines, 0, f.err
	}
	if f.bytes > MaxRecordBytes {
		return fields, f.lines, 0, errLineTooLong
	}
	if err != nil {
		return fields, f.lines, 0, err
	}
	startLine, _ = cr.FieldPos(0)
	for _, s := range strs {
		fields = append(fields, []byte(s))
	}
	return fields, f.lines, startLine, nil
}
