package spinelog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// decode converts one CSV record into *m. line is the record's first line.
// The strings in *m share the record's memory unless the record carries
// unknown columns larger than the known ones, in which case they are copied.
func (r *Reader) decode(rec []string, line int, m *spine.Message) error {
	l := r.layout
	if n := len(rec); n < l.minFields || n > len(l.names) {
		return &ParseError{File: r.name, Line: line,
			Reason: fmt.Sprintf("has %d fields, the header has %d", n, len(l.names))}
	}

	var f [numColumns]string
	var present [numColumns]bool
	used := 0
	for c, i := range l.index {
		if i < 0 || i >= len(rec) {
			continue
		}
		v := rec[i]
		if !utf8.ValidString(v) {
			return r.fieldError(line, column(c), v, "is not valid UTF-8")
		}
		f[c], present[c] = v, true
		used += len(v)
	}
	if r.hasUnknown && needsCopy(rec, used) {
		for c := range f {
			f[c] = strings.Clone(f[c])
		}
	}

	t, reason := parseTime(f[colTime])
	if reason != "" {
		return r.fieldError(line, colTime, f[colTime], reason)
	}
	if f[colConversationID] == "" {
		return r.fieldError(line, colConversationID, "", "is empty")
	}
	if f[colGUID] == "" {
		return r.fieldError(line, colGUID, "", "is empty")
	}
	code, reason := parseErrorCode(f[colJDIEvent])
	if reason != "" {
		return r.fieldError(line, colJDIEvent, f[colJDIEvent], reason)
	}
	ref := f[colMessageRef]
	if ref == "NotProvided" {
		ref = ""
	}
	*m = spine.Message{
		Time:           t,
		ConversationID: f[colConversationID],
		GUID:           f[colGUID],
		Interaction:    f[colInteractionID],
		Sender:         f[colSender],
		Recipient:      f[colRecipient],
		MessageRef:     ref,
		Error:          code,
		ToSystem:       spine.NullString{String: f[colToSystem], Valid: present[colToSystem]},
		FromSystem:     spine.NullString{String: f[colFromSystem], Valid: present[colFromSystem]},
	}
	return nil
}

// needsCopy reports whether a record's unknown fields are large enough that
// keeping the whole record alive for the known ones would waste memory.
func needsCopy(rec []string, used int) bool {
	total := 0
	for _, v := range rec {
		total += len(v)
	}
	return total > 2*used+256
}

// fieldError builds a ParseError for column c.
func (r *Reader) fieldError(line int, c column, value, reason string) *ParseError {
	i := r.layout.index[c]
	return &ParseError{File: r.name, Line: line, Column: i + 1, Field: r.layout.names[i],
		Value: truncate(value), Reason: reason}
}

// parseErrorCode parses jdiEvent: NONE or empty is no error, otherwise a
// decimal integer with optional sign and leading zeros.
func parseErrorCode(s string) (spine.ErrorCode, string) {
	if s == "NONE" || s == "" {
		return spine.ErrorCode{}, ""
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return spine.ErrorCode{}, "is out of range for an error code"
		}
		return spine.ErrorCode{}, "is neither NONE nor an integer"
	}
	return spine.Code(n), ""
}
