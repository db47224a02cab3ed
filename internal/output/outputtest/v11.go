package outputtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// V11 is a v11 daily table read back with parquet-go's low-level API,
// independently of the writer's schema type.
type V11 struct {
	// Schema is each column's [name, Arrow type] in file order, the types
	// as the golden cases' parquet_schema name them: "string", "uint64",
	// "int64", "list<int64>", "timestamp[us]" (no zone) or
	// "timestamp[us, tz=UTC]"; anything else is described as found.
	Schema [][2]string
	// Optional says whether every column and list element is OPTIONAL.
	Optional bool
	// Columns holds each column's values: nil, string, json.Number, []any
	// (a list, whose elements are nil or json.Number), or a timestamp as a
	// zone-less ISO string with 6 fractional digits.
	Columns map[string][]any
	Rows    int
}

// ReadV11 reads the v11 table at path.
func ReadV11(path string) (*V11, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &V11{Columns: map[string][]any{}, Optional: true}
	type leaf struct {
		name string
		kind string // "string", "uint", "int", "ts", "list"
	}
	var leaves []leaf
	for _, fld := range pf.Schema().Fields() {
		if !fld.Optional() {
			out.Optional = false
		}
		typ, kind := arrowType(fld)
		if kind == "list" {
			elem := fld.Fields()[0]
			if len(elem.Fields()) == 1 {
				elem = elem.Fields()[0]
			}
			if !elem.Optional() {
				out.Optional = false
			}
		}
		out.Schema = append(out.Schema, [2]string{fld.Name(), typ})
		out.Columns[fld.Name()] = []any{}
		leaves = append(leaves, leaf{fld.Name(), kind})
	}
	rows := make([]parquet.Row, 64)
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		for {
			n, rerr := rr.ReadRows(rows)
			for _, row := range rows[:n] {
				out.Rows++
				per := make([][]parquet.Value, len(leaves))
				for _, v := range row {
					per[v.Column()] = append(per[v.Column()], v)
				}
				for i, l := range leaves {
					out.Columns[l.name] = append(out.Columns[l.name], decodeV11(l.kind, per[i]))
				}
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				rr.Close()
				return nil, rerr
			}
		}
		rr.Close()
	}
	return out, nil
}

func decodeV11(kind string, vs []parquet.Value) any {
	if len(vs) == 0 {
		return nil
	}
	v := vs[0]
	if kind == "list" {
		if v.DefinitionLevel() == 0 {
			return nil
		}
		out := []any{}
		if v.DefinitionLevel() == 1 {
			return out
		}
		for _, e := range vs {
			if e.IsNull() {
				out = append(out, nil)
			} else {
				out = append(out, json.Number(strconv.FormatInt(e.Int64(), 10)))
			}
		}
		return out
	}
	if v.IsNull() {
		return nil
	}
	switch kind {
	case "string":
		return string(v.ByteArray())
	case "uint":
		return json.Number(strconv.FormatUint(v.Uint64(), 10))
	case "ts":
		return time.UnixMicro(v.Int64()).UTC().Format("2006-01-02T15:04:05.000000")
	}
	return json.Number(strconv.FormatInt(v.Int64(), 10))
}

// arrowType names a top-level field's type as Arrow does.
func arrowType(f parquet.Field) (string, string) {
	if !f.Leaf() {
		lt := f.Type().LogicalType()
		if _, isList := logical(lt).(*format.ListType); isList {
			elem := f.Fields()[0]
			if len(elem.Fields()) == 1 {
				elem = elem.Fields()[0]
			}
			t, _ := arrowType(elem)
			return "list<" + t + ">", "list"
		}
		return "group", "group"
	}
	t := f.Type()
	lt := logical(t.LogicalType())
	switch l := lt.(type) {
	case *format.StringType:
		return "string", "string"
	case *format.IntType:
		if !l.IsSigned {
			return fmt.Sprintf("uint%d", l.BitWidth), "uint"
		}
		return fmt.Sprintf("int%d", l.BitWidth), "int"
	case *format.TimestampType:
		ts := l
		unit := "?"
		switch ts.Unit.Value.(type) {
		case *format.MicroSeconds:
			unit = "us"
		case *format.MilliSeconds:
			unit = "ms"
		case *format.NanoSeconds:
			unit = "ns"
		}
		if ts.IsAdjustedToUTC {
			return "timestamp[" + unit + ", tz=UTC]", "ts"
		}
		return "timestamp[" + unit + "]", "ts"
	}
	if t.Kind() == parquet.Int64 && lt == nil {
		return "int64", "int"
	}
	return t.String(), "other"
}

func logical(lt *format.LogicalType) format.LogicalTypeValue {
	if lt == nil {
		return nil
	}
	return lt.Value
}
