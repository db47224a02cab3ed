// Package v11tabletest writes v11 daily transfer tables for tests, with
// the Arrow types a test names (as the golden cases' case.json do), so
// that the reader is tested on the shapes pyarrow writes.
package v11tabletest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// Column is one column: its name, its Arrow type ("string", "uint64",
// "int64", "timestamp[us]", "timestamp[us, tz=utc]", "timestamp[ms]",
// "timestamp[ns, tz=UTC]", "timestamp[us, legacy]", "list<int64>") and its
// values, one a row: nil
// for null, string, an integer (int, int64, uint64, float64 from JSON),
// time.Time or an ISO-8601 string (naive is UTC) for timestamps, []int64
// for lists.
type Column struct {
	Name   string
	Type   string
	Values []any
}

// Encode writes the columns as one Parquet file, every column nullable.
// Columns appear in name order (parquet-go's groups are sorted), which a
// reader by name must not mind.
func Encode(cols []Column) ([]byte, error) {
	g := parquet.Group{}
	for _, c := range cols {
		n, err := node(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		g[c.Name] = parquet.Optional(n)
	}
	schema := parquet.NewSchema("schema", g)
	sorted := append([]Column(nil), cols...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	nrows := 0
	if len(cols) > 0 {
		nrows = len(cols[0].Values)
	}
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, schema)
	for r := 0; r < nrows; r++ {
		var row parquet.Row
		for ci, c := range sorted {
			if len(c.Values) != nrows {
				return nil, fmt.Errorf("column %s has %d values, not %d", c.Name, len(c.Values), nrows)
			}
			vs, err := values(c.Type, c.Values[r])
			if err != nil {
				return nil, fmt.Errorf("column %s row %d: %w", c.Name, r, err)
			}
			list := strings.HasPrefix(c.Type, "list<")
			if vs == nil {
				row = append(row, parquet.NullValue().Level(0, 0, ci))
				continue
			}
			if list {
				if len(vs) == 0 { // an empty list: defined, no element
					row = append(row, parquet.NullValue().Level(0, 1, ci))
				}
				for i, v := range vs {
					rep := 0
					if i > 0 {
						rep = 1
					}
					row = append(row, v.Level(rep, 3, ci))
				}
				continue
			}
			row = append(row, vs[0].Level(0, 1, ci))
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func node(typ string) (parquet.Node, error) {
	switch strings.ToLower(typ) {
	case "string":
		return parquet.String(), nil
	case "uint64":
		return parquet.Uint(64), nil
	case "int64":
		return parquet.Int(64), nil
	case "timestamp[us]":
		return parquet.TimestampAdjusted(parquet.Microsecond, false), nil
	case "timestamp[us, tz=utc]":
		return parquet.TimestampAdjusted(parquet.Microsecond, true), nil
	case "timestamp[ms]":
		return parquet.TimestampAdjusted(parquet.Millisecond, false), nil
	case "timestamp[ns, tz=utc]":
		return parquet.TimestampAdjusted(parquet.Nanosecond, true), nil
	case "list<int64>":
		return parquet.List(parquet.Optional(parquet.Int(64))), nil
	case "timestamp[us, legacy]":
		return parquet.Leaf(legacyMicros{parquet.Int64Type}), nil
	}
	return nil, fmt.Errorf("unsupported type %q", typ)
}

// legacyMicros is an INT64 column annotated only with the converted type
// TIMESTAMP_MICROS, as writers before Parquet's logical types wrote
// timestamps ("timestamp[us, legacy]").
type legacyMicros struct{ parquet.Type }

func (legacyMicros) LogicalType() *format.LogicalType { return nil }

func (legacyMicros) ConvertedType() *deprecated.ConvertedType {
	c := deprecated.TimestampMicros
	return &c
}

// values converts one cell; nil means null.
func values(typ string, v any) ([]parquet.Value, error) {
	if v == nil {
		return nil, nil
	}
	t := strings.ToLower(typ)
	switch {
	case t == "string":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a string", v)
		}
		return []parquet.Value{parquet.ByteArrayValue([]byte(s))}, nil
	case t == "uint64" || t == "int64":
		n, err := integer(v)
		if err != nil {
			return nil, err
		}
		return []parquet.Value{parquet.Int64Value(n)}, nil
	case strings.HasPrefix(t, "timestamp["):
		var tm time.Time
		switch x := v.(type) {
		case time.Time:
			tm = x
		case string:
			var err error
			if tm, err = parseTime(x); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%v is not a time", v)
		}
		var n int64
		switch {
		case strings.HasPrefix(t, "timestamp[ms"):
			n = tm.UnixMilli()
		case strings.HasPrefix(t, "timestamp[ns"):
			n = tm.UnixNano()
		default:
			n = tm.UnixMicro()
		}
		return []parquet.Value{parquet.Int64Value(n)}, nil
	case t == "list<int64>":
		var out []parquet.Value
		switch x := v.(type) {
		case []int64:
			for _, n := range x {
				out = append(out, parquet.Int64Value(n))
			}
		case []any:
			for _, e := range x {
				n, err := integer(e)
				if err != nil {
					return nil, err
				}
				out = append(out, parquet.Int64Value(n))
			}
		default:
			return nil, fmt.Errorf("%v is not a list", v)
		}
		if out == nil {
			out = []parquet.Value{}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported type %q", typ)
}

func integer(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case uint64:
		return int64(x), nil
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("%v is not a whole number", x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("%v (%T) is not a whole number", v, v)
}

// parseTime reads an ISO-8601 time; without an offset it is UTC.
func parseTime(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO-8601 time", s)
}
