package v11table

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/v11table/v11tabletest"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// v11Columns is the whole v11 schema as the classifier writes it
// (SPEC-SUCCESSOR §2.1), naive timestamps, three rows.
func v11Columns() []v11tabletest.Column {
	s := func(vs ...any) []any { return vs }
	return []v11tabletest.Column{
		{Name: "conversation_id", Type: "string", Values: s("c1", "c2", "c3")},
		{Name: "sla_duration", Type: "uint64", Values: s(3600, nil, 700000)},
		{Name: "requesting_practice_asid", Type: "string", Values: s("1", "2", "3")},
		{Name: "requesting_practice_ods_code", Type: "string", Values: s("A1", nil, "B2")},
		{Name: "requesting_practice_name", Type: "string", Values: s("Practice \u00e9", nil, "B")},
		{Name: "requesting_practice_sicbl_ods_code", Type: "string", Values: s("99X", nil, nil)},
		{Name: "requesting_practice_sicbl_name", Type: "string", Values: s("ICB", nil, nil)},
		{Name: "sending_practice_asid", Type: "string", Values: s("9", "9", "9")},
		{Name: "sending_practice_ods_code", Type: "string", Values: s(nil, nil, nil)},
		{Name: "sending_practice_name", Type: "string", Values: s(nil, nil, nil)},
		{Name: "sending_practice_sicbl_ods_code", Type: "string", Values: s(nil, nil, nil)},
		{Name: "sending_practice_sicbl_name", Type: "string", Values: s(nil, nil, nil)},
		{Name: "requesting_supplier", Type: "string", Values: s("EMIS", "", "TPP")},
		{Name: "sending_supplier", Type: "string", Values: s("TPP", "", "EMIS")},
		{Name: "sender_error_codes", Type: "list<int64>", Values: s([]int64{}, []int64{23, 99}, nil)},
		{Name: "final_error_codes", Type: "list<int64>", Values: s([]int64{}, []int64{30}, []int64{})},
		{Name: "intermediate_error_codes", Type: "list<int64>", Values: s([]int64{}, []int64{}, []int64{})},
		{Name: "status", Type: "string", Values: s("Integrated on time", "Technical failure", "Process failure")},
		{Name: "failure_reason", Type: "string", Values: s(nil, "Final error", "")},
		{Name: "date_requested", Type: "timestamp[us]", Values: s("2019-12-02T18:02:29.985000", "2019-12-31T23:59:59.999999", "2019-12-01T00:00:00")},
		{Name: "date_completed", Type: "timestamp[us]", Values: s(nil, nil, nil)},
		{Name: "last_sender_message_timestamp", Type: "timestamp[us]", Values: s(nil, nil, nil)},
	}
}

var wantV11 = []v12.Transfer{
	{SLADuration: 3600, HasSLA: true, Status: v12.IntegratedOnTime, DateRequested: time.Date(2019, 12, 2, 18, 2, 29, 985000000, time.UTC),
		ODSCode: v12.Some("A1"), Name: v12.Some("Practice \u00e9"), SICBLCode: v12.Some("99X"), SICBLName: v12.Some("ICB")},
	{Status: v12.TechnicalFailure, Reason: v12.FinalError, DateRequested: time.Date(2019, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	// An empty failure reason is null.
	{SLADuration: 700000, HasSLA: true, Status: v12.ProcessFailure, DateRequested: time.Date(2019, 12, 1, 0, 0, 0, 0, time.UTC),
		ODSCode: v12.Some("B2"), Name: v12.Some("B")},
}

func encode(t *testing.T, cols []v11tabletest.Column) []byte {
	t.Helper()
	b, err := v11tabletest.Encode(cols)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readAll(b []byte) ([]v12.Transfer, error) {
	var got []v12.Transfer
	_, err := Read(bytes.NewReader(b), int64(len(b)), "day.parquet", func(t *v12.Transfer) error {
		got = append(got, *t)
		return nil
	})
	return got, err
}

func check(t *testing.T, got []v12.Transfer, want []v12.Transfer) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !got[i].DateRequested.Equal(want[i].DateRequested) {
			t.Errorf("row %d: date %v, want %v", i+1, got[i].DateRequested, want[i].DateRequested)
		}
		got[i].DateRequested = want[i].DateRequested
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

func TestReadWholeSchema(t *testing.T) {
	got, err := readAll(encode(t, v11Columns()))
	if err != nil {
		t.Fatal(err)
	}
	check(t, got, wantV11)
}

// The shapes the reader must accept: the 12-column subset with
// timestamp[us, tz=utc] that the metrics-calculator's own test writes, other
// units, and no conversation_id at all.
func TestReadShapes(t *testing.T) {
	keep := func(cols []v11tabletest.Column, names ...string) []v11tabletest.Column {
		var out []v11tabletest.Column
		for _, c := range cols {
			for _, n := range names {
				if c.Name == n {
					out = append(out, c)
				}
			}
		}
		return out
	}
	retype := func(cols []v11tabletest.Column, typ string) []v11tabletest.Column {
		for i := range cols {
			if strings.HasPrefix(cols[i].Type, "timestamp") {
				cols[i].Type = typ
			}
		}
		return cols
	}
	twelve := []string{"conversation_id", "sla_duration", "requesting_practice_asid", "requesting_supplier", "status", "failure_reason",
		"date_requested", "last_sender_message_timestamp", "requesting_practice_name", "requesting_practice_ods_code",
		"requesting_practice_sicbl_name", "requesting_practice_sicbl_ods_code"}
	needed := []string{"sla_duration", "status", "failure_reason", "date_requested", "requesting_practice_name",
		"requesting_practice_ods_code", "requesting_practice_sicbl_name", "requesting_practice_sicbl_ods_code"}
	msWant := append([]v12.Transfer(nil), wantV11...)
	msWant[0].DateRequested = time.Date(2019, 12, 2, 18, 2, 29, 985000000, time.UTC)
	msWant[1].DateRequested = time.Date(2019, 12, 31, 23, 59, 59, 999000000, time.UTC)
	for _, tc := range []struct {
		name string
		cols []v11tabletest.Column
		want []v12.Transfer
	}{
		{"twelve columns, tz=utc", retype(keep(v11Columns(), twelve...), "timestamp[us, tz=utc]"), wantV11},
		{"only the columns used", keep(v11Columns(), needed...), wantV11},
		{"nanoseconds, tz=utc", retype(v11Columns(), "timestamp[ns, tz=utc]"), wantV11},
		{"milliseconds", retype(v11Columns(), "timestamp[ms]"), msWant},
		{"converted type only", retype(v11Columns(), "timestamp[us, legacy]"), wantV11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(encode(t, tc.cols))
			if err != nil {
				t.Fatal(err)
			}
			check(t, got, tc.want)
		})
	}
}

func TestReadEmpty(t *testing.T) {
	cols := v11Columns()
	for i := range cols {
		cols[i].Values = nil
	}
	got, err := readAll(encode(t, cols))
	if err != nil || len(got) != 0 {
		t.Fatalf("%v, %v; want no rows", got, err)
	}
}

func TestReadErrors(t *testing.T) {
	set := func(col string, row int, v any) []v11tabletest.Column {
		cols := v11Columns()
		for i := range cols {
			if cols[i].Name == col {
				cols[i].Values[row] = v
			}
		}
		return cols
	}
	drop := func(col string) []v11tabletest.Column {
		var out []v11tabletest.Column
		for _, c := range v11Columns() {
			if c.Name != col {
				out = append(out, c)
			}
		}
		return out
	}
	retype := func(col, typ string, vals ...any) []v11tabletest.Column {
		cols := v11Columns()
		for i := range cols {
			if cols[i].Name == col {
				cols[i].Type, cols[i].Values = typ, vals
			}
		}
		return cols
	}
	for _, tc := range []struct {
		name string
		cols []v11tabletest.Column
		want string
		row  bool
	}{
		{"unknown status", set("status", 1, "Integrated"), `day.parquet: row 2 (conversation c2): status: unknown status "Integrated"`, true},
		{"v4 status", set("status", 2, "TECHNICAL_FAILURE"), `day.parquet: row 3 (conversation c3): status: unknown status "TECHNICAL_FAILURE"`, true},
		{"unknown reason", set("failure_reason", 0, "Late"), `day.parquet: row 1 (conversation c1): failure_reason: unknown failure reason "Late"`, true},
		{"null status", set("status", 0, nil), `day.parquet: row 1 (conversation c1): status: null status`, true},
		{"null date", set("date_requested", 2, nil), `day.parquet: row 3 (conversation c3): date_requested: null request time`, true},
		{"missing column", drop("requesting_practice_sicbl_ods_code"), `day.parquet: no column requesting_practice_sicbl_ods_code`, false},
		{"string SLA", retype("sla_duration", "string", "1", "2", "3"), `day.parquet: column sla_duration is BYTE_ARRAY (STRING), not a whole number`, false},
		{"integer date", retype("date_requested", "int64", 1, 2, 3), `day.parquet: column date_requested is INT64 (INT(64,true)), not a timestamp`, false},
		{"list status", retype("status", "list<int64>", nil, nil, nil), `day.parquet: column status is a list or group, not a string`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll(encode(t, tc.cols))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\n want %s", err, tc.want)
			}
			var re *RowError
			if errors.As(err, &re) != tc.row {
				t.Errorf("RowError: %v, want %v", !tc.row, tc.row)
			}
		})
	}
	if _, err := readAll([]byte("not parquet at all")); err == nil || !strings.HasPrefix(err.Error(), "day.parquet: not a readable Parquet file: ") {
		t.Errorf("not Parquet: %v", err)
	}
}

// The callback's error stops the read and is returned as is.
func TestReadStops(t *testing.T) {
	b := encode(t, v11Columns())
	stop := errors.New("stop")
	n, err := Read(bytes.NewReader(b), int64(len(b)), "x", func(*v12.Transfer) error { return stop })
	if err != stop || n != 1 {
		t.Errorf("%d, %v", n, err)
	}
}
