package output

import (
	"slices"
	"unsafe"

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

// appendColumn appends to dst the values of one leaf column for the rows ts.
type appendColumn func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value

// columnAppenders shred transfers into leaf columns, indexed by column.
//
// The values carry their levels but no column index: WriteRowValues is
// called on the column's own writer, whose buffers read only the levels and
// the data. Values are built in place in dst, by setters that take no Value
// argument: building a Value in a variable (as Value.Level does) and copying
// it cost as much as all the rest of the shredding.
var columnAppenders = [numColumns]appendColumn{
	colConversationID: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setString(&vs[i], ts[i].ConversationID)
		}
		return dst
	},
	colSLADuration: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			if secs, ok := ts[i].SLASeconds(); ok {
				setInt64(&vs[i], int64(secs))
			} else {
				setNull(&vs[i])
			}
		}
		return dst
	},
	colRequestingASID: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setString(&vs[i], ts[i].RequestingASID)
		}
		return dst
	},
	colSendingASID: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setString(&vs[i], ts[i].SendingASID)
		}
		return dst
	},
	colRequestingSupplier: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setNullString(&vs[i], ts[i].RequestingSupplier)
		}
		return dst
	},
	colSendingSupplier: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setNullString(&vs[i], ts[i].SendingSupplier)
		}
		return dst
	},
	colSenderErrorCodes: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		for i := range ts {
			dst = appendErrorCodes(dst, ts[i].SenderErrorCodes)
		}
		return dst
	},
	colFinalErrorCodes: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		for i := range ts {
			dst = appendErrorCodes(dst, ts[i].FinalErrorCodes)
		}
		return dst
	},
	colIntermediateErrorCodes: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		for i := range ts {
			codes := ts[i].IntermediateErrorCodes
			if len(codes) == 0 {
				dst = appendEmptyList(dst)
				continue
			}
			var vs []parquet.Value
			dst, vs = extend(dst, len(codes))
			for j, c := range codes {
				setElement(&vs[j], c, j)
			}
		}
		return dst
	},
	colStatus: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setString(&vs[i], string(ts[i].Status))
		}
		return dst
	},
	colFailureReason: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			if r := ts[i].FailureReason; r != "" {
				setString(&vs[i], r)
			} else {
				setNull(&vs[i])
			}
		}
		return dst
	},
	colDateRequested: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			setInt64(&vs[i], int64(ts[i].DateRequested))
		}
		return dst
	},
	colDateCompleted: func(dst []parquet.Value, ts []spine.Transfer) []parquet.Value {
		dst, vs := extend(dst, len(ts))
		for i := range ts {
			if t := &ts[i]; t.HasDateCompleted {
				setInt64(&vs[i], int64(t.DateCompleted))
			} else {
				setNull(&vs[i])
			}
		}
		return dst
	},
}

// extend grows dst by n values and returns it and the n new values, which
// hold garbage: the caller must set each one in full.
func extend(dst []parquet.Value, n int) (all, added []parquet.Value) {
	dst = slices.Grow(dst, n)
	all = dst[:len(dst)+n]
	return all, all[len(dst):]
}

// setInt64 sets *v to x, present, in a top-level column.
func setInt64(v *parquet.Value, x int64) {
	*v = parquet.Int64Value(x)
	v.SetDefinitionLevel(defPresent)
}

// setString sets *v to s, present, in a top-level column. The value points
// into s without copying: the column buffers copy the bytes (or intern them
// in the dictionary) before WriteRowValues returns, and never write through
// the pointer.
func setString(v *parquet.Value, s string) {
	*v = parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
	v.SetDefinitionLevel(defPresent)
}

// setNull sets *v to null in a top-level column.
func setNull(v *parquet.Value) {
	*v = parquet.NullValue()
}

// setNullString sets *v to s in a top-level column, null when s is null.
func setNullString(v *parquet.Value, s spine.NullString) {
	if s.Valid {
		setString(v, s.String)
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
func appendEmptyList(dst []parquet.Value) []parquet.Value {
	dst, vs := extend(dst, 1)
	vs[0] = parquet.NullValue()
	vs[0].SetDefinitionLevel(defEmptyList)
	return dst
}

// appendErrorCodes appends a row's list of error codes, where an invalid
// code is a null element.
func appendErrorCodes(dst []parquet.Value, codes []spine.ErrorCode) []parquet.Value {
	if len(codes) == 0 {
		return appendEmptyList(dst)
	}
	dst, vs := extend(dst, len(codes))
	for j, c := range codes {
		if c.Valid {
			setElement(&vs[j], c.Code, j)
		} else {
			setNullElement(&vs[j], j)
		}
	}
	return dst
}
