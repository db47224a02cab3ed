package output

import (
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Leaf columns of transferSchema, in file order (the order of transferRow's
// fields; a test checks the two agree).
const (
	colConversationID = iota
	colSLADuration
	colRequestingASID
	colSendingASID
	colRequestingSupplier
	colSendingSupplier
	colSenderErrorCodes
	colFinalErrorCodes
	colIntermediateErrorCodes
	colStatus
	colFailureReason
	colDateRequested
	colDateCompleted
	numColumns
)

// Levels. Every top-level column is OPTIONAL, so a present value has
// definition level 1 and a null 0. The lists are an OPTIONAL list of a
// REPEATED group of OPTIONAL elements: a present element has definition
// level 3, a null element 2, and an empty list is a single null at level 1.
// A list is never null (level 0), as in the reference, which wrote empty
// lists. Repetition level 0 starts a row, 1 continues a list. Values are
// built with both levels 0, so only the others are set.
const (
	defPresent     = 1
	defEmptyList   = 1
	defNullElement = 2
	defElement     = 3
	repSameList    = 1
)

// columnBuffer holds one leaf column of one chunk as the appenders build
// it: its values and the bytes that their byte arrays point to, copied from
// the transfers' strings. One is reused for every column of every chunk:
// ColumnWriter.WriteRowValues copies the bytes (into its page buffer, or
// its dictionary) before it returns, and keeps no pointer to them.
type columnBuffer struct {
	values []parquet.Value
	bytes  []byte
}

// reset empties b, keeping its memory.
func (b *columnBuffer) reset() {
	b.values, b.bytes = b.values[:0], b.bytes[:0]
}

// appendColumn appends to b the values of one leaf column for the rows ts:
// of transfers.parquet (T spine.Transfer) or of a v11 table (V11Transfer).
type appendColumn[T any] func(b *columnBuffer, ts []T)

// columnAppenders shred transfers into leaf columns, indexed by column.
//
// The values carry their levels but no column index: WriteRowValues is
// called on the column's own writer, whose buffers read only the levels and
// the data. Values are built in place in b.values, by setters that take no
// Value argument: building a Value in a variable (as Value.Level does) and
// copying it cost as much as all the rest of the shredding.
var columnAppenders = [numColumns]appendColumn[spine.Transfer]{
	colConversationID: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], ts[i].ConversationID)
		}
	},
	colSLADuration: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			secs, ok := ts[i].SLASeconds()
			setInt64If(&vs[i], int64(secs), ok)
		}
	},
	colRequestingASID: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], ts[i].RequestingASID)
		}
	},
	colSendingASID: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], ts[i].SendingASID)
		}
	},
	colRequestingSupplier: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setNullString(&vs[i], ts[i].RequestingSupplier)
		}
	},
	colSendingSupplier: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setNullString(&vs[i], ts[i].SendingSupplier)
		}
	},
	colSenderErrorCodes: func(b *columnBuffer, ts []spine.Transfer) {
		for i := range ts {
			b.appendErrorCodes(ts[i].SenderErrorCodes)
		}
	},
	colFinalErrorCodes: func(b *columnBuffer, ts []spine.Transfer) {
		for i := range ts {
			b.appendErrorCodes(ts[i].FinalErrorCodes)
		}
	},
	colIntermediateErrorCodes: func(b *columnBuffer, ts []spine.Transfer) {
		for i := range ts {
			b.appendCodes(ts[i].IntermediateErrorCodes)
		}
	},
	colStatus: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			b.setString(&vs[i], string(ts[i].Status))
		}
	},
	colFailureReason: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			r := ts[i].FailureReason
			b.setStringIf(&vs[i], r, r != "")
		}
	},
	colDateRequested: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			setInt64(&vs[i], int64(ts[i].DateRequested))
		}
	},
	colDateCompleted: func(b *columnBuffer, ts []spine.Transfer) {
		vs := b.extend(len(ts))
		for i := range ts {
			t := &ts[i]
			setInt64If(&vs[i], int64(t.DateCompleted), t.HasDateCompleted)
		}
	},
}

// extend grows b.values by n values and returns the n new values, which
// hold garbage: the caller must set each one in full.
func (b *columnBuffer) extend(n int) []parquet.Value {
	start := len(b.values)
	b.values = slices.Grow(b.values, n)[:start+n]
	return b.values[start:]
}

// setInt64 sets *v to x, present, in a top-level column.
func setInt64(v *parquet.Value, x int64) {
	*v = parquet.Int64Value(x)
	v.SetDefinitionLevel(defPresent)
}

// setString sets *v to s, present, in a top-level column, its bytes
// copied to b.bytes. (Growing b.bytes moves it: the values set before keep
// the old array, whose bytes are the same.) It is small enough to inline.
func (b *columnBuffer) setString(v *parquet.Value, s string) {
	n := len(b.bytes)
	if cap(b.bytes)-n < len(s) {
		b.growBytes(len(s))
	}
	b.bytes = b.bytes[:n+len(s)]
	copy(b.bytes[n:], s)
	*v = parquet.ByteArrayValue(b.bytes[n:])
	v.SetDefinitionLevel(defPresent)
}

// growBytes makes room for n more bytes in b.bytes.
func (b *columnBuffer) growBytes(n int) {
	b.bytes = slices.Grow(b.bytes, n)
}

// setNull sets *v to null in a top-level column.
func setNull(v *parquet.Value) {
	*v = parquet.NullValue()
}

// setNullString sets *v to s in a top-level column, null when s is null.
func (b *columnBuffer) setNullString(v *parquet.Value, s spine.NullString) {
	b.setStringIf(v, s.String, s.Valid)
}

// setStringIf sets *v to s in a top-level column when valid, else to null.
func (b *columnBuffer) setStringIf(v *parquet.Value, s string, valid bool) {
	if valid {
		b.setString(v, s)
	} else {
		setNull(v)
	}
}

// setInt64If sets *v to x in a top-level column when valid, else to null.
func setInt64If(v *parquet.Value, x int64, valid bool) {
	if valid {
		setInt64(v, x)
	} else {
		setNull(v)
	}
}

// setElement sets *v to x as the j-th element, present, of a list.
func setElement(v *parquet.Value, x int64, j int) {
	*v = parquet.Int64Value(x)
	v.SetRepetitionLevel(min(j, repSameList))
	v.SetDefinitionLevel(defElement)
}

// setNullElement sets *v to the j-th element, null, of a list.
func setNullElement(v *parquet.Value, j int) {
	*v = parquet.NullValue()
	v.SetRepetitionLevel(min(j, repSameList))
	v.SetDefinitionLevel(defNullElement)
}

// appendEmptyList appends a row's empty list.
func (b *columnBuffer) appendEmptyList() {
	vs := b.extend(1)
	vs[0] = parquet.NullValue()
	vs[0].SetDefinitionLevel(defEmptyList)
}

// appendErrorCodes appends a row's list of error codes, where an invalid
// code is a null element.
func (b *columnBuffer) appendErrorCodes(codes []spine.ErrorCode) {
	if len(codes) == 0 {
		b.appendEmptyList()
		return
	}
	vs := b.extend(len(codes))
	for j, c := range codes {
		if c.Valid {
			setElement(&vs[j], c.Code, j)
		} else {
			setNullElement(&vs[j], j)
		}
	}
}

// appendCodes appends a row's list of codes, none of them null.
func (b *columnBuffer) appendCodes(codes []int64) {
	if len(codes) == 0 {
		b.appendEmptyList()
		return
	}
	vs := b.extend(len(codes))
	for j, c := range codes {
		setElement(&vs[j], c, j)
	}
}

// writeColumns writes one chunk of rows, of any row type, to every leaf
// column of a file: appenders[col] shreds the chunk into buf, whose values
// go to columns[col]. A column writer may flush its buffer to a page
// after the chunk, never inside it.
func writeColumns[T any](columns []*parquet.ColumnWriter, buf *columnBuffer, appenders []appendColumn[T], chunk []T) error {
	for col, appendValues := range appenders {
		buf.reset()
		appendValues(buf, chunk)
		if _, err := columns[col].WriteRowValues(buf.values); err != nil {
			return err
		}
	}
	return nil
}
