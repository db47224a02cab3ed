package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeParquet has DuckDB write the rows of query to a Parquet file and
// returns its path.
func writeParquet(t *testing.T, query string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "it's.parquet") // a quote to escape
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	file := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	if _, err := db.Exec("COPY (" + query + ") TO " + file + " (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	return path
}

// check runs pqcheck on path and decodes what it prints, numbers as
// json.Number.
func check(t *testing.T, path string) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := run(&buf, path); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode %q: %v", buf.String(), err)
	}
	return got
}

func TestValues(t *testing.T) {
	path := writeParquet(t, `
		SELECT * FROM (VALUES
			(18446744073709551615::UBIGINT, (-9223372036854775807 - 1)::BIGINT, 'a',
			 TIMESTAMP '2019-12-02 19:02:29.985', [1, NULL, 3]::BIGINT[]),
			(NULL, 9007199254740993, '',
			 TIMESTAMP '2019-12-31 23:59:59.999999', []::BIGINT[]),
			(0, 0, NULL, NULL, NULL)
		) AS t(u, i, s, ts, l)`)
	got := check(t, path)
	n := func(s string) json.Number { return json.Number(s) }
	want := map[string][]any{
		"u":  {n("18446744073709551615"), nil, n("0")},
		"i":  {n("-9223372036854775808"), n("9007199254740993"), n("0")},
		"s":  {"a", "", nil},
		"ts": {"2019-12-02T19:02:29.985000", "2019-12-31T23:59:59.999999", nil},
		"l":  {[]any{n("1"), nil, n("3")}, []any{}, nil},
	}
	types := map[string]string{"u": "UBIGINT", "i": "BIGINT", "s": "VARCHAR", "ts": "TIMESTAMP", "l": "BIGINT[]"}
	if got["rows"] != n("3") {
		t.Errorf("rows %v, want 3", got["rows"])
	}
	cols, _ := got["columns"].([]any)
	var names []string
	for _, c := range cols {
		c := c.(map[string]any)
		name := c["name"].(string)
		names = append(names, name)
		if c["type"] != types[name] {
			t.Errorf("%s: type %v, want %s", name, c["type"], types[name])
		}
		if !reflect.DeepEqual(c["values"], want[name]) {
			t.Errorf("%s: values %#v, want %#v", name, c["values"], want[name])
		}
		fields := c["parquet"].([]any)
		wantFields := 1
		if name == "l" {
			wantFields = 3 // the list, its repeated group and the element
		}
		if len(fields) != wantFields {
			t.Errorf("%s: %d Parquet schema elements, want %d: %v", name, len(fields), wantFields, fields)
			continue
		}
		f := fields[0].(map[string]any)
		if f["name"] != name || f["repetition"] != "OPTIONAL" {
			t.Errorf("%s: Parquet schema element %v, want an OPTIONAL %s", name, f, name)
		}
	}
	if want := []string{"u", "i", "s", "ts", "l"}; !reflect.DeepEqual(names, want) {
		t.Errorf("columns %v, want %v in file order", names, want)
	}
}

func TestNoRows(t *testing.T) {
	got := check(t, writeParquet(t, "SELECT 1::BIGINT AS x, 'y' AS y WHERE false"))
	if got["rows"] != json.Number("0") {
		t.Errorf("rows %v, want 0", got["rows"])
	}
	cols := got["columns"].([]any)
	if len(cols) != 2 {
		t.Fatalf("%d columns, want 2", len(cols))
	}
	for _, c := range cols {
		if v := c.(map[string]any)["values"]; !reflect.DeepEqual(v, []any{}) {
			t.Errorf("values %#v, want []", v)
		}
	}
}

func TestBadPaths(t *testing.T) {
	dir := t.TempDir()
	// DuckDB would read x[1].parquet as a glob matching x1.parquet.
	globbed, other := filepath.Join(dir, "x[1].parquet"), filepath.Join(dir, "x1.parquet")
	for _, p := range []string{globbed, other} {
		if err := os.Rename(writeParquet(t, "SELECT 1 AS x"), p); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{
		filepath.Join(dir, "missing.parquet"),
		dir,
		globbed,
	} {
		if err := run(&bytes.Buffer{}, path); err == nil {
			t.Errorf("%s: no error", path)
		}
	}
}
