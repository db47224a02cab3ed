// Package outputtest helps tests check the output files with independent
// readers.
package outputtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// PQDumpEnv names the environment variable holding the path of the pqdump
// binary (built from shared/tools/pqdump), which reads Parquet with DuckDB.
const PQDumpEnv = "GP2GP_PQDUMP"

// Dump is what DuckDB reads from a Parquet file.
type Dump struct {
	// Schema is each column's [name, DuckDB type], in file order.
	Schema [][2]string
	// Parquet is each column's Parquet repetition and types as pqdump
	// prints them (e.g. "OPTIONAL BYTE_ARRAY UTF8 StringType()"), in file
	// order.
	Parquet []string
	// Columns holds each column's values: nil, string, json.Number or []any.
	// Timestamps are zone-less UTC ISO strings with 6 fractional digits.
	Columns map[string][]any
	// Rows is the number of rows.
	Rows int
}

// PQDumpBinary returns the pqdump binary named by $GP2GP_PQDUMP. When it is
// unset it skips the test, or fails it when $CI is "true": CI must run the
// DuckDB checks.
func PQDumpBinary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(PQDumpEnv)
	if bin != "" {
		return bin
	}
	msg := PQDumpEnv + " is unset; build it with `cd shared/tools/pqdump && go build -o /tmp/pqdump .` and set " + PQDumpEnv + "=/tmp/pqdump"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// ReadDump reads the Parquet file at path with DuckDB through pqdump; see
// PQDumpBinary for when it skips or fails the test.
func ReadDump(t testing.TB, path string) Dump {
	t.Helper()
	bin := PQDumpBinary(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pqdump %s: %v: %s", path, err, stderr.Bytes())
	}
	var raw struct {
		Schema  [][3]string      `json:"schema"`
		Columns map[string][]any `json:"columns"`
		Rows    int              `json:"rows"`
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber() // keep uint64 and int64 exact
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("pqdump %s: decode output: %v", path, err)
	}
	d := Dump{Columns: raw.Columns, Rows: raw.Rows}
	if d.Columns == nil {
		d.Columns = map[string][]any{}
	}
	for _, c := range raw.Schema {
		d.Schema = append(d.Schema, [2]string{c[0], c[1]})
		d.Parquet = append(d.Parquet, c[2])
	}
	return d
}

// PQDump reads the Parquet file at path with DuckDB and returns its columns'
// [name, DuckDB type] pairs and values as Dump describes them.
func PQDump(t testing.TB, path string) (schema [][2]string, columns map[string][]any) {
	t.Helper()
	d := ReadDump(t, path)
	return d.Schema, d.Columns
}
