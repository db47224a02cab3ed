package spinelog

import (
	"fmt"
	"strings"
)

// column identifies one of the log's known columns.
type column int

const (
	colTime column = iota
	colConversationID
	colGUID
	colInteractionID
	colSender
	colRecipient
	colMessageRef
	colJDIEvent
	colToSystem
	colFromSystem
	numColumns
)

// columnNames are the header names of the known columns, indexed by column.
var columnNames = [numColumns]string{
	colTime:           "_time",
	colConversationID: "conversationID",
	colGUID:           "GUID",
	colInteractionID:  "interactionID",
	colSender:         "messageSender",
	colRecipient:      "messageRecipient",
	colMessageRef:     "messageRef",
	colJDIEvent:       "jdiEvent",
	colToSystem:       "toSystem",
	colFromSystem:     "fromSystem",
}

// optional reports whether a log may lack the column entirely.
func (c column) optional() bool { return c == colToSystem || c == colFromSystem }

// layout is where each known column sits in the file.
type layout struct {
	names     []string        // the header, as read
	index     [numColumns]int // field index of each known column, or -1
	known     []bool          // per field: whether it is a known column
	minFields int             // fewest fields a row may have: all but trailing optional columns
}

// newLayout validates a header row and locates the known columns. It copies
// the names, so the record may be reused.
func newLayout(header []string) (*layout, error) {
	l := &layout{names: make([]string, len(header)), known: make([]bool, len(header))}
	for c := range l.index {
		l.index[c] = -1
	}
	seen := make(map[string]bool, len(header))
	for i, name := range header {
		name = strings.Clone(name)
		l.names[i] = name
		if seen[name] {
			return nil, fmt.Errorf("%w %q in the header", ErrDuplicateColumn, truncate(name))
		}
		seen[name] = true
		for c, want := range columnNames {
			if name == want {
				l.index[c] = i
				l.known[i] = true
			}
		}
	}
	var missing []string
	for c, i := range l.index {
		if i < 0 && !column(c).optional() {
			missing = append(missing, columnNames[c])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w %s; the header has %s", ErrMissingColumns,
			strings.Join(missing, ", "), describeHeader(l.names))
	}
	// Rows may stop short of trailing optional columns (the reference read
	// them as null).
	l.minFields = len(header)
	for l.minFields > 0 && l.optionalField(l.minFields-1) {
		l.minFields--
	}
	return l, nil
}

// optionalField reports whether field i is an optional known column.
func (l *layout) optionalField(i int) bool {
	return i == l.index[colToSystem] || i == l.index[colFromSystem]
}

// describeHeader lists header names for an error message, bounded in size.
func describeHeader(names []string) string {
	const maxNames = 20
	var b strings.Builder
	fmt.Fprintf(&b, "%d columns: ", len(names))
	for i, n := range names {
		if i == maxNames {
			fmt.Fprintf(&b, ", … (%d more)", len(names)-maxNames)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(fmt.Sprintf("%q", truncate(n)))
	}
	return b.String()
}
