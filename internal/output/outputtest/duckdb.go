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

// PQCheckEnv names the environment variable holding the path of the pqcheck
// binary, which reads Parquet with DuckDB: tools/pqcheck, a module of its
// own (DuckDB needs cgo), built by scripts/build-pqcheck.sh.
const PQCheckEnv = "GP2GP_PQCHECK"

// Dump is what DuckDB reads from a Parquet file.
type Dump struct {
	// Schema is each column's [name, DuckDB type], in file order.
	Schema [][2]string
	// Parquet is each column's elements of the Parquet schema, as DuckDB's
	// parquet_schema() reports them, in file order: the column's own
	// first, then its descendants depth first (a list's repeated group and
	// element).
	Parquet [][]ParquetField
	// Columns holds each column's values: nil, string, json.Number or []any.
	// Timestamps are zone-less UTC ISO strings with 6 fractional digits.
	Columns map[string][]any
	// Rows is the number of rows.
	Rows int
}

// ParquetField is an element of a Parquet schema; "" stands for unset.
type ParquetField struct {
	Name          string `json:"name"`
	Repetition    string `json:"repetition"` // "OPTIONAL", "REQUIRED" or "REPEATED"
	Type          string `json:"type"`       // physical type, e.g. "BYTE_ARRAY"; "" for a group
	ConvertedType string `json:"converted_type"`
	LogicalType   string `json:"logical_type"`
}

// pqcheckBinary returns the pqcheck binary named by $GP2GP_PQCHECK. When it
// is unset it skips the test, or fails it when $CI is "true": CI must run
// the DuckDB checks.
func pqcheckBinary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(PQCheckEnv)
	if bin != "" {
		return bin
	}
	msg := PQCheckEnv + " is unset, so DuckDB does not check the Parquet: build the checker (cgo: needs gcc) " +
		"with `scripts/build-pqcheck.sh .tools/pqcheck` (or `make pqcheck`) at the repository's root " +
		"and set " + PQCheckEnv + "=\"$PWD/.tools/pqcheck\""
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// ReadDump reads the Parquet file at path with DuckDB through pqcheck. When
// $GP2GP_PQCHECK is unset it skips the test, or fails it when $CI is
// "true"; callers run it in a subtest of its own, so that only the DuckDB
// check skips.
func ReadDump(t testing.TB, path string) Dump {
	t.Helper()
	bin := pqcheckBinary(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pqcheck %s: %v: %s", path, err, stderr.Bytes())
	}
	var raw struct {
		Rows    *int `json:"rows"`
		Columns []struct {
			Name    string         `json:"name"`
			Type    string         `json:"type"`
			Parquet []ParquetField `json:"parquet"`
			Values  []any          `json:"values"`
		} `json:"columns"`
	}
	dec := json.NewDecoder(&stdout)
	dec.UseNumber() // keep uint64 and int64 exact
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("pqcheck %s: decode output: %v", path, err)
	}
	if raw.Rows == nil {
		t.Fatalf("pqcheck %s: no row count in %s", path, stdout.Bytes())
	}
	d := Dump{Columns: map[string][]any{}, Rows: *raw.Rows}
	for _, c := range raw.Columns {
		if len(c.Parquet) == 0 || c.Parquet[0].Name != c.Name {
			t.Fatalf("pqcheck %s: column %s has Parquet schema elements %+v", path, c.Name, c.Parquet)
		}
		if len(c.Values) != d.Rows {
			t.Fatalf("pqcheck %s: column %s has %d values, rows %d", path, c.Name, len(c.Values), d.Rows)
		}
		d.Schema = append(d.Schema, [2]string{c.Name, c.Type})
		d.Parquet = append(d.Parquet, c.Parquet)
		d.Columns[c.Name] = c.Values
	}
	return d
}
