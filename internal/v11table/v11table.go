// Package v11table reads the v11 daily transfer tables that the successor
// classifier writes (SPEC-SUCCESSOR §2) for the v12 metrics: the columns
// the metrics use, by name, whatever else the file holds and in whatever
// order, with timestamps naive or UTC-adjusted and in any unit.
package v11table

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/nhsdigital/gp2gp/internal/v12"
)

// The columns read. Those marked optional may be absent: the metrics do not
// need them.
const (
	colConversationID = "conversation_id" // optional: names a bad row
	colSLA            = "sla_duration"
	colODSCode        = "requesting_practice_ods_code"
	colName           = "requesting_practice_name"
	colSICBLCode      = "requesting_practice_sicbl_ods_code"
	colSICBLName      = "requesting_practice_sicbl_name"
	colStatus         = "status"
	colReason         = "failure_reason"
	colDateRequested  = "date_requested"
)

// kind is how a column's values are read.
type kind uint8

const (
	kString kind = iota
	kUint
	kTimestamp
)

type column struct {
	name     string
	kind     kind
	optional bool
}

var columns = []column{
	{colConversationID, kString, true},
	{colSLA, kUint, false},
	{colODSCode, kString, false},
	{colName, kString, false},
	{colSICBLCode, kString, false},
	{colSICBLName, kString, false},
	{colStatus, kString, false},
	{colReason, kString, false},
	{colDateRequested, kTimestamp, false},
}

// RowError is a row the metrics cannot use: an unknown status or failure
// reason, or a null status or request time.
type RowError struct {
	File           string
	Row            int64 // from 1, in file order
	ConversationID string
	Column         string
	Err            error
}

func (e *RowError) Error() string {
	id := ""
	if e.ConversationID != "" {
		id = fmt.Sprintf(" (conversation %s)", e.ConversationID)
	}
	return fmt.Sprintf("%s: row %d%s: %s: %v", e.File, e.Row, id, e.Column, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// bound is a column found in the file: its leaf index and how to read it.
type bound struct {
	column
	index int
	unit  time.Duration // a timestamp's unit
}

// batch is how many rows are decoded at once.
const batch = 512

// Read reads the v11 table in r (size bytes; name is how errors name it)
// and calls fn with each row's transfer, in file order. The transfer passed
// is reused: fn must copy what it keeps (its strings are its own). It
// returns the number of rows read. A file that is not Parquet, lacks a
// column the metrics need or holds it with another type is an error naming
// the file (and column); a bad row is a *RowError.
func Read(r io.ReaderAt, size int64, name string, fn func(*v12.Transfer) error) (int64, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return 0, fmt.Errorf("%s: not a readable Parquet file: %w", name, err)
	}
	cols, err := bind(f.Schema())
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	byIndex := make(map[int]*bound, len(cols))
	for i := range cols {
		byIndex[cols[i].index] = &cols[i]
	}
	var (
		n    int64
		t    v12.Transfer
		rows = make([]parquet.Row, batch)
	)
	for _, rg := range f.RowGroups() {
		rr := rg.Rows()
		for {
			k, rerr := rr.ReadRows(rows)
			for _, row := range rows[:k] {
				n++
				if err := decode(row, byIndex, &t, name, n); err != nil {
					rr.Close()
					return n, err
				}
				if err := fn(&t); err != nil {
					rr.Close()
					return n, err
				}
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				rr.Close()
				return n, fmt.Errorf("%s: after row %d: %w", name, n, rerr)
			}
		}
		if err := rr.Close(); err != nil {
			return n, fmt.Errorf("%s: %w", name, err)
		}
	}
	return n, nil
}

// bind finds the columns by name and checks their types.
func bind(s *parquet.Schema) ([]bound, error) {
	var out []bound
	for _, c := range columns {
		leaf, ok := s.Lookup(c.name)
		if !ok {
			for _, f := range s.Fields() {
				if f.Name() == c.name { // a group: a list or a struct
					return nil, fmt.Errorf("column %s is a list or group, not a %s", c.name, kindName[c.kind])
				}
			}
			if c.optional {
				continue
			}
			return nil, fmt.Errorf("no column %s", c.name)
		}
		b := bound{column: c, index: leaf.ColumnIndex}
		typ := leaf.Node.Type()
		if leaf.MaxRepetitionLevel > 0 {
			return nil, fmt.Errorf("column %s is a list or group, not a %s", c.name, kindName[c.kind])
		}
		ok = false
		switch c.kind {
		case kString:
			ok = typ.Kind() == parquet.ByteArray
		case kUint:
			ok = typ.Kind() == parquet.Int64 || typ.Kind() == parquet.Int32
		case kTimestamp:
			if typ.Kind() != parquet.Int64 {
				break
			}
			// parquet-go gives a column that carries only the legacy
			// converted type TIMESTAMP_MILLIS/MICROS the logical type too.
			if lt := typ.LogicalType(); lt != nil {
				if ts, isTS := lt.Value.(*format.TimestampType); isTS {
					b.unit, ok = unitOf(ts)
				}
			}
		}
		if !ok {
			return nil, fmt.Errorf("column %s is %s, not a %s", c.name, typeName(typ), kindName[c.kind])
		}
		out = append(out, b)
	}
	return out, nil
}

var kindName = map[kind]string{kString: "string", kUint: "whole number", kTimestamp: "timestamp"}

func typeName(t parquet.Type) string {
	if lt := t.LogicalType(); lt != nil {
		return fmt.Sprintf("%s (%s)", t.Kind(), lt)
	}
	return t.Kind().String()
}

func unitOf(ts *format.TimestampType) (time.Duration, bool) {
	switch ts.Unit.Value.(type) {
	case *format.MilliSeconds:
		return time.Millisecond, true
	case *format.MicroSeconds:
		return time.Microsecond, true
	case *format.NanoSeconds:
		return time.Nanosecond, true
	}
	return 0, false
}

// decode fills t from row. Naive timestamps are UTC, as are UTC-adjusted
// ones (SPEC-SUCCESSOR §3.2).
func decode(row parquet.Row, cols map[int]*bound, t *v12.Transfer, file string, n int64) error {
	*t = v12.Transfer{}
	var status, reason, id []byte
	var statusSet, dateSet bool
	for _, v := range row {
		c := cols[v.Column()]
		if c == nil || v.IsNull() {
			continue
		}
		switch c.name {
		case colConversationID:
			id = v.ByteArray()
		case colSLA:
			if v.Kind() == parquet.Int32 {
				t.SLADuration = uint64(uint32(v.Int32()))
			} else {
				t.SLADuration = uint64(v.Int64())
			}
			t.HasSLA = true
		case colODSCode:
			t.ODSCode = v12.Some(string(v.ByteArray()))
		case colName:
			t.Name = v12.Some(string(v.ByteArray()))
		case colSICBLCode:
			t.SICBLCode = v12.Some(string(v.ByteArray()))
		case colSICBLName:
			t.SICBLName = v12.Some(string(v.ByteArray()))
		case colStatus:
			status, statusSet = v.ByteArray(), true
		case colReason:
			reason = v.ByteArray()
		case colDateRequested:
			t.DateRequested = fromUnit(v.Int64(), c.unit)
			dateSet = true
		}
	}
	bad := func(col string, err error) error {
		return &RowError{File: file, Row: n, ConversationID: string(id), Column: col, Err: err}
	}
	if !statusSet {
		return bad(colStatus, errors.New("null status"))
	}
	var err error
	if t.Status, err = v12.ParseStatus(string(status)); err != nil {
		return bad(colStatus, err)
	}
	if t.Reason, err = v12.ParseReason(string(reason)); err != nil {
		return bad(colReason, err)
	}
	if !dateSet {
		return bad(colDateRequested, errors.New("null request time"))
	}
	return nil
}

func fromUnit(v int64, unit time.Duration) time.Time {
	switch unit {
	case time.Millisecond:
		return time.UnixMilli(v).UTC()
	case time.Nanosecond:
		return time.Unix(0, v).UTC()
	}
	return time.UnixMicro(v).UTC()
}
