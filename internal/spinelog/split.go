package spinelog

import (
	"bytes"
	"encoding/csv"
	"errors"
)

// splitSimple splits one line (without its '\n') into fields, appending
// them to fields, when every field is either unquoted without quotes or
// carriage returns, or wholly quoted without inner quotes: the shape of a
// Splunk export. Otherwise it reports false and the line goes to
// encoding/csv, which handles (or rejects) everything else. noCR says the
// line is known to hold no carriage return (see lineSource.noCR), which
// spares searching it.
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
func splitSimple(line []byte, noCR bool, fields [][]byte, widths *quotedWidths) ([][]byte, bool) {
	if !noCR && bytes.IndexByte(line, '\r') >= 0 {
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

// csvLine parses one line (with its line ending) with encoding/csv, for
// what splitSimple leaves: escaped quotes, carriage returns, and malformed
// lines. A record never spans lines: no column of a Spine log can hold a
// line break, so a quoted field still open at the end of its line is an
// unterminated quote, and the line is rejected on its own rather than
// swallowing the lines after it. It returns the fields, or the parser's
// error; column is the 1-based field where the error is, if known.
func csvLine(line []byte, fields [][]byte) (_ [][]byte, column int, err error) {
	cr := csv.NewReader(bytes.NewReader(line))
	cr.FieldsPerRecord = -1
	strs, err := cr.Read()
	if err != nil {
		if col := unclosedField(line); col > 0 {
			return fields, col, errUnterminatedQuote
		}
		return fields, 0, err
	}
	for _, s := range strs {
		fields = append(fields, []byte(s))
	}
	return fields, 0, nil
}

// unclosedField returns the 1-based field of line whose quoted value is
// not closed before the line ends, or 0 if there is none.
func unclosedField(line []byte) int {
	for col := 1; ; col++ {
		if len(line) > 0 && line[0] == '"' {
			i := 1
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					return col
				}
				i += j + 1
				if i == len(line) || line[i] != '"' {
					break
				}
				i++ // an escaped quote
			}
			line = line[i:]
		}
		j := bytes.IndexByte(line, ',')
		if j < 0 {
			return 0
		}
		line = line[j+1:]
	}
}

// errUnterminatedQuote rejects a line with a quoted field still open at
// its end.
var errUnterminatedQuote = errors.New("unterminated quoted field")
