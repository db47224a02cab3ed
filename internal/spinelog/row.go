package spinelog

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Row is one accepted row of the log as ReadRow returns it: its fields
// point into the Reader's buffers.
type Row struct {
	Time           spine.Time
	ConversationID []byte
	GUID           []byte
	Interaction    []byte
	Sender         []byte
	Recipient      []byte
	MessageRef     []byte // empty when none (NotProvided or empty in the log)
	Error          spine.ErrorCode
	ToSystem       []byte
	FromSystem     []byte
	HasToSystem    bool // false when the column is absent
	HasFromSystem  bool
	Line           int // the line the record starts on
}

// message copies the row into *m, with one allocation for all its text.
func (row *Row) message(m *spine.Message) {
	parts := [...][]byte{row.ConversationID, row.GUID, row.Interaction, row.Sender, row.Recipient, row.MessageRef, row.ToSystem, row.FromSystem}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	buf := make([]byte, 0, n)
	for _, p := range parts {
		buf = append(buf, p...)
	}
	all := string(buf)
	var s [len(parts)]string
	off := 0
	for i, p := range parts {
		s[i] = all[off : off+len(p)]
		off += len(p)
	}
	*m = spine.Message{
		Time:           row.Time,
		ConversationID: s[0],
		GUID:           s[1],
		Interaction:    s[2],
		Sender:         s[3],
		Recipient:      s[4],
		MessageRef:     s[5],
		Error:          row.Error,
		ToSystem:       spine.NullString{String: s[6], Valid: row.HasToSystem},
		FromSystem:     spine.NullString{String: s[7], Valid: row.HasFromSystem},
	}
}

// MaxFieldBytes bounds the length of a known column's value: real ids,
// ASIDs and supplier names are tens of bytes; a longer value is a corrupt row.
const MaxFieldBytes = 4096

// decode converts one CSV record into *row. line is the record's first line.
func (r *Reader) decode(rec [][]byte, line int, row *Row) error {
	l := r.layout
	if n := len(rec); n < l.minFields || n > len(l.names) {
		return &ParseError{File: r.name, Line: line, Value: truncate(string(r.raw)),
			Reason: fmt.Sprintf("has %d fields, the header has %d", n, len(l.names))}
	}

	var f [numColumns][]byte
	var present [numColumns]bool
	for c, i := range l.index {
		if i < 0 || i >= len(rec) {
			continue
		}
		v := rec[i]
		if len(v) > MaxFieldBytes {
			return r.fieldError(line, column(c), string(v[:2*MaxValueBytes]),
				fmt.Sprintf("is %d bytes long, more than the %d allowed", len(v), MaxFieldBytes))
		}
		if !r.validUTF8 && !utf8.Valid(v) {
			return r.fieldError(line, column(c), string(v), "is not valid UTF-8")
		}
		f[c], present[c] = v, true
	}

	t, reason := r.times.parse(f[colTime])
	if reason != "" {
		return r.fieldError(line, colTime, string(f[colTime]), reason)
	}
	if len(f[colConversationID]) == 0 {
		return r.fieldError(line, colConversationID, "", "is empty")
	}
	if len(f[colGUID]) == 0 {
		return r.fieldError(line, colGUID, "", "is empty")
	}
	code, reason := parseErrorCode(f[colJDIEvent])
	if reason != "" {
		return r.fieldError(line, colJDIEvent, string(f[colJDIEvent]), reason)
	}
	ref := f[colMessageRef]
	if string(ref) == "NotProvided" {
		ref = nil
	}
	*row = Row{
		Time:           t,
		ConversationID: f[colConversationID],
		GUID:           f[colGUID],
		Interaction:    f[colInteractionID],
		Sender:         f[colSender],
		Recipient:      f[colRecipient],
		MessageRef:     ref,
		Error:          code,
		ToSystem:       f[colToSystem],
		FromSystem:     f[colFromSystem],
		HasToSystem:    present[colToSystem],
		HasFromSystem:  present[colFromSystem],
		Line:           line,
	}
	return nil
}

// fieldError builds a ParseError for column c.
func (r *Reader) fieldError(line int, c column, value, reason string) *ParseError {
	i := r.layout.index[c]
	return &ParseError{File: r.name, Line: line, Column: i + 1, Field: r.layout.names[i],
		Value: truncate(value), Reason: reason}
}

// parseErrorCode parses jdiEvent: NONE or empty is no error, otherwise a
// decimal integer with optional sign and leading zeros.
func parseErrorCode(b []byte) (spine.ErrorCode, string) {
	if len(b) == 0 || string(b) == "NONE" {
		return spine.ErrorCode{}, ""
	}
	if len(b) <= 3 { // the common case: a small unsigned code
		n := int64(0)
		for _, c := range b {
			if !isDigit(c) {
				n = -1
				break
			}
			n = n*10 + int64(c-'0')
		}
		if n >= 0 {
			return spine.Code(n), ""
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return spine.ErrorCode{}, "is out of range for an error code"
		}
		return spine.ErrorCode{}, "is neither NONE nor an integer"
	}
	return spine.Code(n), ""
}
