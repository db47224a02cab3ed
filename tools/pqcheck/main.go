// Command pqcheck reads a Parquet file with DuckDB, a reader independent of
// the parquet-go library that writes gp2gp's transfers.parquet, and prints
// what DuckDB sees as one JSON object, for the tests to compare:
//
//	pqcheck FILE.parquet
//
//	{"rows": 2, "columns": [
//	  {"name": "sla_duration", "type": "UBIGINT",
//	   "parquet": [{"name": "sla_duration", "repetition": "OPTIONAL", "type": "INT64",
//	                "converted_type": "UINT_64", "logical_type": "..."}],
//	   "values": [3, null]},
//	  ...]}
//
// Columns are in file order. "type" is the column's type as DuckDB's
// DESCRIBE names it; "parquet" is the column's elements of the file's
// schema, as DuckDB's parquet_schema() reports them, depth first from the
// column's own (a list's has three); "values" holds one value per row.
// Integers are printed exactly (a uint64 is not rounded through a float),
// timestamps as zone-less UTC ISO strings with 6 fractional digits
// ("2019-12-02T19:02:29.985000"), lists as arrays, structs as objects and
// NULL as null; a type it does not know is an error.
//
// It is a module of its own because DuckDB needs cgo: gp2gp's own module
// and its tests do not depend on it. Build it with scripts/build-pqcheck.sh
// (or make pqcheck) and name it in $GP2GP_PQCHECK for the tests.
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Output is what pqcheck prints.
type Output struct {
	Rows    int      `json:"rows"`
	Columns []Column `json:"columns"`
}

// Column is one top-level column of the file.
type Column struct {
	Name    string        `json:"name"`
	Type    string        `json:"type"`
	Parquet []SchemaField `json:"parquet"`
	Values  []any         `json:"values"`
}

// SchemaField is one element of the Parquet schema, as parquet_schema()
// reports it; empty strings stand for NULLs.
type SchemaField struct {
	Name          string `json:"name"`
	Repetition    string `json:"repetition"`
	Type          string `json:"type"`
	ConvertedType string `json:"converted_type"`
	LogicalType   string `json:"logical_type"`
}

func main() {
	if len(os.Args) != 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: pqcheck FILE.parquet")
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "pqcheck:", err)
		os.Exit(1)
	}
}

// run writes what DuckDB reads from the Parquet file at path to w.
func run(w io.Writer, path string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := read(db, path)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(out)
}

// read reads the Parquet file at path with DuckDB.
func read(db *sql.DB, path string) (*Output, error) {
	// read_parquet takes a glob pattern; pqcheck reads one file.
	if strings.ContainsAny(path, "*?[") {
		return nil, fmt.Errorf("%s: a path with *, ? or [ is not supported", path)
	}
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file", path)
	}
	file := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	out := &Output{Columns: []Column{}}

	rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + file + "))")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		c := Column{Parquet: []SchemaField{}, Values: []any{}}
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			rows.Close()
			return nil, err
		}
		out.Columns = append(out.Columns, c)
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("describe %s: %w", path, err)
	}

	if err := readSchema(db, file, out.Columns); err != nil {
		return nil, fmt.Errorf("parquet_schema %s: %w", path, err)
	}

	names := make([]string, len(out.Columns))
	for i, c := range out.Columns {
		names[i] = `"` + strings.ReplaceAll(c.Name, `"`, `""`) + `"`
	}
	query := "SELECT count(*) FROM read_parquet(" + file + ")"
	if len(names) > 0 {
		query = "SELECT " + strings.Join(names, ", ") + " FROM read_parquet(" + file + ")"
	}
	rows, err = db.Query(query)
	if err != nil {
		return nil, err
	}
	vals := make([]any, max(len(out.Columns), 1))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, err
		}
		if len(out.Columns) == 0 {
			n, ok := vals[0].(int64)
			if !ok {
				rows.Close()
				return nil, fmt.Errorf("count(*) is a %T", vals[0])
			}
			out.Rows = int(n)
			continue
		}
		for i, v := range vals {
			nv, err := normalise(v)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("column %s, row %d: %w", out.Columns[i].Name, out.Rows, err)
			}
			out.Columns[i].Values = append(out.Columns[i].Values, nv)
		}
		out.Rows++
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// readSchema sets each column's Parquet schema elements. parquet_schema()
// lists the elements depth first, the root first; each element says how
// many children it has.
func readSchema(db *sql.DB, file string, columns []Column) error {
	rows, err := db.Query(`SELECT name, coalesce(repetition_type, ''), coalesce(type, ''),
		coalesce(converted_type, ''), coalesce(logical_type, ''), coalesce(num_children, 0)
		FROM parquet_schema(` + file + `)`)
	if err != nil {
		return err
	}
	type element struct {
		field    SchemaField
		children int64
	}
	var elements []element
	for rows.Next() {
		var e element
		f := &e.field
		if err := rows.Scan(&f.Name, &f.Repetition, &f.Type, &f.ConvertedType, &f.LogicalType, &e.children); err != nil {
			rows.Close()
			return err
		}
		elements = append(elements, e)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if len(elements) == 0 {
		return fmt.Errorf("no schema elements")
	}
	// subtree returns the number of elements in the subtree starting at i.
	var subtree func(i int) (int, error)
	subtree = func(i int) (int, error) {
		if i >= len(elements) {
			return 0, fmt.Errorf("the schema ends inside a group")
		}
		n := 1
		for range elements[i].children {
			k, err := subtree(i + n)
			if err != nil {
				return 0, err
			}
			n += k
		}
		return n, nil
	}
	root := elements[0]
	if int(root.children) != len(columns) {
		return fmt.Errorf("the schema's root has %d children, DESCRIBE %d columns", root.children, len(columns))
	}
	i := 1
	for c := range columns {
		n, err := subtree(i)
		if err != nil {
			return err
		}
		if got := elements[i].field.Name; got != columns[c].Name {
			return fmt.Errorf("schema element %d is %q, DESCRIBE's column %d %q", i, got, c, columns[c].Name)
		}
		for _, e := range elements[i : i+n] {
			columns[c].Parquet = append(columns[c].Parquet, e.field)
		}
		i += n
	}
	if i != len(elements) {
		return fmt.Errorf("%d schema elements after the last column", len(elements)-i)
	}
	return nil
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// normalise turns a value scanned from DuckDB into one that encodes to JSON
// as the package comment says.
func normalise(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, float32, float64,
		int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return x, nil // encoding/json writes integers exactly
	case time.Time:
		// DuckDB returns TIMESTAMP (zone-less) values in UTC.
		return x.UTC().Format("2006-01-02T15:04:05.000000"), nil
	case []byte:
		return string(x), nil
	case *big.Int: // HUGEINT, UHUGEINT
		return json.Number(x.String()), nil
	case duckdb.Decimal:
		return json.Number(x.String()), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = normalise(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any: // STRUCT
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = normalise(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported value %v of type %T", v, v)
	}
}
