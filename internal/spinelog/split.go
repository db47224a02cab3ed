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
//
// Nor does it search for the closing quote of a quoted field that is as
// wide as the column's last quoted value (widths, updated): timestamps and
// UUIDs all are. If a guessed closing quote is not the field's first
// quote, the quotes before it are left unaccounted for and the line fails
// the check; it is then split again without guesses, so the result is
// exactly that of searching.
func splitSimple(line []byte, fields [][]byte, widths *quotedWidths) ([][]byte, bool) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return fields, false
	}
	quotes := bytes.Count(line, quote)
	out, ok, guessed := splitQuotes(line, fields, quotes, widths)
	if !ok && guessed {
		out, ok, _ = splitQuotes(line, fields, quotes, nil)
	}
	return out, ok
}

// splitQuotes is splitSimple for a line of quotes quotes and no carriage
// return, guessing quoted fields' widths from widths unless it is nil.
func splitQuotes(line []byte, fields [][]byte, quotes int, widths *quotedWidths) (_ [][]byte, ok, guessed bool) {
	for col := 0; ; col++ {
		if len(line) > 0 && line[0] == '"' {
			end := -1
			if widths != nil && col < len(widths) {
				if w := widths[col]; w+2 <= len(line) && line[1+w] == '"' && (w+2 == len(line) || line[2+w] == ',') {
					end, guessed = w, true
				}
			}
			if end < 0 {
				if end = bytes.IndexByte(line[1:], '"'); end < 0 {
					return fields, false, guessed // a quoted field spanning lines
				}
				if widths != nil && col < len(widths) {
					widths[col] = end
				}
			}
			quotes -= 2
			fields = append(fields, line[1:1+end])
			line = line[2+end:]
			if len(line) == 0 {
				return fields, quotes == 0, guessed
			}
			if line[0] != ',' {
				return fields, false, guessed
			}
			line = line[1:]
			continue
		}
		end := bytes.IndexByte(line, ',')
		if end < 0 {
			return append(fields, line), quotes == 0, guessed
		}
		fields = append(fields, line[:end])
		line = line[end+1:]
	}
}

var quote = []byte{'"'}

// quotedWidths holds, by column, the width of the last quoted value
// splitSimple found by searching.
type quotedWidths [16]int

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
