// Package asidlookup reads the Spine Directory's monthly export of
// accredited systems (asidLookup.csv.gz, docs/ods.md): gzipped CSV whose
// NACS and ASID columns, found by header name, map an ODS code to its
// ASIDs. It reads a stream and does no other I/O.
package asidlookup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Columns the reader needs.
const (
	CodeColumn = "NACS"
	ASIDColumn = "ASID"
)

// ErrNotGzip is wrapped by the error for a stream that is not gzip.
var ErrNotGzip = errors.New("not a gzip file")

// Lookup is the export's ASIDs by ODS code, in file order; repeated rows
// stay repeated. Rows is the number of data rows read.
type Lookup struct {
	ASIDs map[string][]string
	Rows  int
}

// Read reads a gzipped export from r. Errors name what is wrong (not gzip,
// a missing column, a bad row with its line) but not the file: the caller
// adds that.
func Read(r io.Reader) (*Lookup, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return nil, fmt.Errorf("%w (it does not start with gzip's magic bytes 1f 8b)", ErrNotGzip)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotGzip, err)
	}
	defer zr.Close()
	return ReadCSV(zr)
}

// ReadCSV reads the export's uncompressed CSV. A UTF-8 byte order mark
// before the header is ignored.
func ReadCSV(r io.Reader) (*Lookup, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked below, naming the line
	cr.ReuseRecord = true
	cr.LazyQuotes = true // as Python's csv module: DR O"NEILL unquoted is a name
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty: no header line")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	codeCol, asidCol := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case CodeColumn:
			if codeCol < 0 {
				codeCol = i
			}
		case ASIDColumn:
			if asidCol < 0 {
				asidCol = i
			}
		}
	}
	var missing []string
	if asidCol < 0 {
		missing = append(missing, ASIDColumn)
	}
	if codeCol < 0 {
		missing = append(missing, CodeColumn)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("header has no %s column (header: %s)", strings.Join(missing, " or "), strings.Join(header, ","))
	}
	need := max(codeCol, asidCol) + 1
	l := &Lookup{ASIDs: make(map[string][]string)}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return l, nil
		}
		if err != nil {
			return nil, err // csv.ParseError names the line
		}
		if len(rec) < need {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("line %d: %d fields, fewer than the header's %s and %s columns need", line, len(rec), ASIDColumn, CodeColumn)
		}
		code := rec[codeCol]
		l.ASIDs[code] = append(l.ASIDs[code], rec[asidCol])
		l.Rows++
	}
}
