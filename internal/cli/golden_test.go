package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
)

// TestGolden runs every golden case end to end through Main, configured only
// by the environment variables of docs/inputs.md, and compares the outputs with what
// the reference produced.
func TestGolden(t *testing.T) {
	for _, gc := range golden.Cases(t, golden.Monthly) {
		t.Run(gc.Name, func(t *testing.T) {
			dir := gc.Dir(t)
			out := t.TempDir()
			env := []string{
				"INPUT_SPINE_DATA_BUCKET=" + filepath.Join(dir, gc.SpineBucket),
				"ORGANISATION_METADATA_BUCKET=" + filepath.Join(dir, gc.OrgBucket),
				"OUTPUT_TRANSFER_DATA_BUCKET=" + out,
				"DATE_ANCHOR=" + gc.DateAnchor,
			}
			if gc.CutoffDays != nil {
				env = append(env, "CONVERSATION_CUTOFF_DAYS="+itoa(*gc.CutoffDays))
			}
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), []string{"run"}, env, &stdout, &stderr); code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			prefix := filepath.FromSlash(gc.ExpectedPrefix[len("expected/"):])
			expected := filepath.Join(dir, filepath.FromSlash(gc.ExpectedPrefix))
			got := filepath.Join(out, prefix)
			for _, f := range []string{"practiceMetrics.json", "nationalMetrics.json"} {
				compareJSON(t, filepath.Join(expected, f), filepath.Join(got, f))
			}
			want := readJSON(t, filepath.Join(expected, "transfers.json"))
			compareParquet(t, filepath.Join(got, "transfers.parquet"), want)
			if _, err := os.Stat(filepath.Join(got, "_SUCCESS")); err != nil {
				t.Errorf("no _SUCCESS marker: %v", err)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// compareJSON compares two JSON files as parsed values, ignoring the
// top-level generatedOn.
func compareJSON(t *testing.T, wantPath, gotPath string) {
	t.Helper()
	want, got := readJSON(t, wantPath).(map[string]any), readJSON(t, gotPath).(map[string]any)
	if _, ok := got["generatedOn"]; !ok {
		t.Errorf("%s: no generatedOn", gotPath)
	}
	delete(want, "generatedOn")
	delete(got, "generatedOn")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s differs from the reference (-want +got):\n%s", filepath.Base(gotPath), d)
	}
}

var goldenColumns = []string{"conversation_id", "sla_duration", "requesting_practice_asid", "sending_practice_asid",
	"requesting_supplier", "sending_supplier", "sender_error_codes", "final_error_codes", "intermediate_error_codes",
	"status", "failure_reason", "date_requested", "date_completed"}

// compareParquet reads the Parquet file back with parquet-go and, in the
// subtest "duckdb", with DuckDB (tools/pqcheck), and compares its columns
// with the reference's transfers.json, row by row.
func compareParquet(t *testing.T, path string, want any) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range pf.Schema().Fields() {
		names = append(names, c.Name())
		if !c.Optional() {
			t.Errorf("column %s is not OPTIONAL", c.Name())
		}
	}
	if d := cmp.Diff(goldenColumns, names); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	cols := outputtest.Columns(outputtest.ReadRows(t, path))
	var got any
	b, _ := json.Marshal(cols)
	json.Unmarshal(b, &got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("transfers.parquet (parquet-go) differs from the reference (-want +got):\n%s", d)
	}

	// In a subtest of its own: without the DuckDB checker only this skips.
	t.Run("duckdb", func(t *testing.T) {
		dump := outputtest.ReadDump(t, path)
		if d := cmp.Diff(golden.SchemaV4, dump.Schema); d != "" {
			t.Errorf("DuckDB schema (-want +got):\n%s", d)
		}
		for _, p := range dump.Parquet {
			if p[0].Repetition != "OPTIONAL" {
				t.Errorf("DuckDB sees a column that is not OPTIONAL: %+v", p[0])
			}
		}
		var duck any
		b, _ := json.Marshal(dump.Columns)
		json.Unmarshal(b, &duck)
		if d := cmp.Diff(want, duck); d != "" {
			t.Errorf("transfers.parquet (DuckDB) differs from the reference (-want +got):\n%s", d)
		}
	})
}
