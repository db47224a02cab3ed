package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
)

// goldenDir is ../shared/golden beside the repository (or $GP2GP_GOLDEN_DIR).
func goldenDir(t *testing.T) string { return outputtest.GoldenDir(t) }

type goldenCase struct {
	DateAnchor     string `json:"date_anchor"`
	CutoffDays     *int   `json:"cutoff_days"`
	ExpectedPrefix string `json:"expected_output_prefix"`
}

func goldenCases(t *testing.T) map[string]goldenCase {
	t.Helper()
	dir := goldenDir(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]goldenCase{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "case.json"))
		if err != nil {
			continue
		}
		var c goldenCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		cases[e.Name()] = c
	}
	if len(cases) < 5 {
		t.Fatalf("found %d golden cases in %s, want at least 5", len(cases), dir)
	}
	return cases
}

// TestGolden runs every golden case end to end through Main, configured only
// by the environment variables of SPEC §3, and compares the outputs with what
// the reference produced.
func TestGolden(t *testing.T) {
	dir := goldenDir(t)
	for name, gc := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			env := []string{
				"INPUT_SPINE_DATA_BUCKET=" + filepath.Join(dir, name, "spine"),
				"ORGANISATION_METADATA_BUCKET=" + filepath.Join(dir, name, "org"),
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
			expected := filepath.Join(dir, name, filepath.FromSlash(gc.ExpectedPrefix))
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

// goldenRow reads transfers.parquet back, independently of the writer's own
// row type.
type goldenRow struct {
	ConversationID         *string    `parquet:"conversation_id,optional"`
	SLADuration            *uint64    `parquet:"sla_duration,optional"`
	RequestingASID         *string    `parquet:"requesting_practice_asid,optional"`
	SendingASID            *string    `parquet:"sending_practice_asid,optional"`
	RequestingSupplier     *string    `parquet:"requesting_supplier,optional"`
	SendingSupplier        *string    `parquet:"sending_supplier,optional"`
	SenderErrorCodes       []*int64   `parquet:"sender_error_codes,optional,list" parquet-element:",optional"`
	FinalErrorCodes        []*int64   `parquet:"final_error_codes,optional,list" parquet-element:",optional"`
	IntermediateErrorCodes []*int64   `parquet:"intermediate_error_codes,optional,list" parquet-element:",optional"`
	Status                 *string    `parquet:"status,optional"`
	FailureReason          *string    `parquet:"failure_reason,optional"`
	DateRequested          *time.Time `parquet:"date_requested,optional,timestamp(microsecond:local)"`
	DateCompleted          *time.Time `parquet:"date_completed,optional,timestamp(microsecond:local)"`
}

var goldenColumns = []string{"conversation_id", "sla_duration", "requesting_practice_asid", "sending_practice_asid",
	"requesting_supplier", "sending_supplier", "sender_error_codes", "final_error_codes", "intermediate_error_codes",
	"status", "failure_reason", "date_requested", "date_completed"}

// compareParquet reads the Parquet file back with parquet-go and with
// DuckDB (pqdump) and compares its columns with the reference's
// transfers.json, row by row.
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
	rows := make([]goldenRow, pf.NumRows())
	r := parquet.NewGenericReader[goldenRow](pf)
	if n, err := r.Read(rows); int64(n) != pf.NumRows() && err != nil {
		t.Fatalf("read %d of %d rows: %v", n, pf.NumRows(), err)
	}
	cols := map[string][]any{}
	for _, row := range rows {
		add := func(k string, v any) { cols[k] = append(cols[k], v) }
		add("conversation_id", str(row.ConversationID))
		if row.SLADuration != nil {
			add("sla_duration", float64(*row.SLADuration))
		} else {
			add("sla_duration", nil)
		}
		add("requesting_practice_asid", str(row.RequestingASID))
		add("sending_practice_asid", str(row.SendingASID))
		add("requesting_supplier", str(row.RequestingSupplier))
		add("sending_supplier", str(row.SendingSupplier))
		add("sender_error_codes", list(row.SenderErrorCodes))
		add("final_error_codes", list(row.FinalErrorCodes))
		add("intermediate_error_codes", list(row.IntermediateErrorCodes))
		add("status", str(row.Status))
		add("failure_reason", str(row.FailureReason))
		add("date_requested", stamp(row.DateRequested))
		add("date_completed", stamp(row.DateCompleted))
	}
	if len(rows) == 0 {
		for _, c := range goldenColumns {
			cols[c] = []any{}
		}
	}
	var got any
	b, _ := json.Marshal(cols)
	json.Unmarshal(b, &got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("transfers.parquet (parquet-go) differs from the reference (-want +got):\n%s", d)
	}

	dump := outputtest.ReadDump(t, path)
	schema := readJSON(t, filepath.Join(goldenDir(t), "SCHEMA_V4.json"))
	var gotSchema any
	b, _ = json.Marshal(dump.Schema)
	json.Unmarshal(b, &gotSchema)
	if d := cmp.Diff(schema, gotSchema); d != "" {
		t.Errorf("DuckDB schema (-want +got):\n%s", d)
	}
	for _, p := range dump.Parquet {
		if len(p) < 8 || p[:8] != "OPTIONAL" {
			t.Errorf("DuckDB sees a column that is not OPTIONAL: %s", p)
		}
	}
	var duck any
	b, _ = json.Marshal(dump.Columns)
	json.Unmarshal(b, &duck)
	if d := cmp.Diff(want, duck); d != "" {
		t.Errorf("transfers.parquet (DuckDB) differs from the reference (-want +got):\n%s", d)
	}
}

func str(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func list(l []*int64) []any {
	out := []any{}
	for _, v := range l {
		if v == nil {
			out = append(out, nil)
		} else {
			out = append(out, float64(*v))
		}
	}
	return out
}

func stamp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}
