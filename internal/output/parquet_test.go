package output

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/golden"
	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// readRow is a row read back from transfers.parquet, independent of the
// writer's own row type.
type readRow = outputtest.Row

func ptrTo[T any](v T) *T { return &v }

func codesOf(vs ...int64) []*int64 {
	out := make([]*int64, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

func utcMicros(year int, month time.Month, day, hour, minute, sec, usec int) spine.Time {
	return spine.Time(time.Date(year, month, day, hour, minute, sec, usec*1000, time.UTC).UnixMicro())
}

// roundTripCases are transfers and the rows they must become.
var roundTripCases = []struct {
	name string
	in   spine.Transfer
	want readRow
}{
	{
		name: "everything present",
		in: spine.Transfer{
			ConversationID:         "0A1B2C3D-4E5F-6789-ABCD-EF0123456789",
			SLA:                    3*spine.Second + 499_999,
			HasSLA:                 true,
			RequestingASID:         "200000000123",
			SendingASID:            "200000000456",
			RequestingSupplier:     spine.Str("EMIS"),
			SendingSupplier:        spine.Str("SystmOne"),
			SenderErrorCodes:       []spine.ErrorCode{spine.Code(0), {}, spine.Code(30)},
			FinalErrorCodes:        []spine.ErrorCode{spine.Code(99)},
			IntermediateErrorCodes: []int64{29, 0},
			Status:                 spine.ProcessFailure,
			FailureReason:          spine.ReasonIntegratedLate,
			DateRequested:          utcMicros(2019, 12, 2, 19, 2, 29, 985_000),
			DateCompleted:          utcMicros(2019, 12, 31, 23, 59, 59, 999_999),
			HasDateCompleted:       true,
		},
		want: readRow{
			ConversationID:         ptrTo("0A1B2C3D-4E5F-6789-ABCD-EF0123456789"),
			SLADuration:            ptrTo[uint64](3),
			RequestingASID:         ptrTo("200000000123"),
			SendingASID:            ptrTo("200000000456"),
			RequestingSupplier:     ptrTo("EMIS"),
			SendingSupplier:        ptrTo("SystmOne"),
			SenderErrorCodes:       []*int64{ptrTo[int64](0), nil, ptrTo[int64](30)},
			FinalErrorCodes:        codesOf(99),
			IntermediateErrorCodes: codesOf(29, 0),
			Status:                 ptrTo("PROCESS_FAILURE"),
			FailureReason:          ptrTo("Integrated Late"),
			DateRequested:          ptrTo(int64(utcMicros(2019, 12, 2, 19, 2, 29, 985_000))),
			DateCompleted:          ptrTo(int64(utcMicros(2019, 12, 31, 23, 59, 59, 999_999))),
		},
	},
	{
		name: "nullable columns null, lists empty",
		in: spine.Transfer{
			ConversationID: "c2",
			RequestingASID: "1",
			SendingASID:    "2",
			Status:         spine.TechnicalFailure,
			DateRequested:  utcMicros(2020, 2, 29, 0, 0, 0, 0),
		},
		want: readRow{
			ConversationID:         ptrTo("c2"),
			RequestingASID:         ptrTo("1"),
			SendingASID:            ptrTo("2"),
			SenderErrorCodes:       codesOf(),
			FinalErrorCodes:        codesOf(),
			IntermediateErrorCodes: codesOf(),
			Status:                 ptrTo("TECHNICAL_FAILURE"),
			DateRequested:          ptrTo(int64(utcMicros(2020, 2, 29, 0, 0, 0, 0))),
		},
	},
	{
		name: "empty strings stay empty, not null",
		in: spine.Transfer{
			RequestingSupplier: spine.Str(""),
			SendingSupplier:    spine.Str(""),
			SenderErrorCodes:   []spine.ErrorCode{},
			FinalErrorCodes:    []spine.ErrorCode{},
		},
		want: readRow{
			ConversationID:         ptrTo(""),
			RequestingASID:         ptrTo(""),
			SendingASID:            ptrTo(""),
			RequestingSupplier:     ptrTo(""),
			SendingSupplier:        ptrTo(""),
			SenderErrorCodes:       codesOf(),
			FinalErrorCodes:        codesOf(),
			IntermediateErrorCodes: codesOf(),
			Status:                 ptrTo(""),
			DateRequested:          ptrTo[int64](0),
		},
	},
	{
		name: "only null error codes",
		in: spine.Transfer{
			ConversationID:   "c4",
			SenderErrorCodes: []spine.ErrorCode{{}},
			FinalErrorCodes:  []spine.ErrorCode{{}, {Code: 7}}, // Code without Valid is null
			Status:           spine.UnclassifiedFailure,
			FailureReason:    spine.ReasonAmbiguousCOPC,
		},
		want: readRow{
			ConversationID:         ptrTo("c4"),
			RequestingASID:         ptrTo(""),
			SendingASID:            ptrTo(""),
			SenderErrorCodes:       []*int64{nil},
			FinalErrorCodes:        []*int64{nil, nil},
			IntermediateErrorCodes: codesOf(),
			Status:                 ptrTo("UNCLASSIFIED_FAILURE"),
			FailureReason:          ptrTo("Ambiguous COPC messages"),
			DateRequested:          ptrTo[int64](0),
		},
	},
	{
		name: "SLA rounded half to even",
		in:   spine.Transfer{ConversationID: "c5", SLA: 2*spine.Second + 500_000, HasSLA: true},
		want: readRow{
			ConversationID: ptrTo("c5"), SLADuration: ptrTo[uint64](2),
			RequestingASID: ptrTo(""), SendingASID: ptrTo(""), Status: ptrTo(""), DateRequested: ptrTo[int64](0),
			SenderErrorCodes: codesOf(), FinalErrorCodes: codesOf(), IntermediateErrorCodes: codesOf(),
		},
	},
	{
		name: "zero SLA is not null",
		in:   spine.Transfer{ConversationID: "c6", SLA: 0, HasSLA: true, DateCompleted: 0, HasDateCompleted: true},
		want: readRow{
			ConversationID: ptrTo("c6"), SLADuration: ptrTo[uint64](0),
			RequestingASID: ptrTo(""), SendingASID: ptrTo(""), Status: ptrTo(""),
			DateRequested: ptrTo[int64](0), DateCompleted: ptrTo[int64](0),
			SenderErrorCodes: codesOf(), FinalErrorCodes: codesOf(), IntermediateErrorCodes: codesOf(),
		},
	},
	{
		name: "extremes and negatives",
		in: spine.Transfer{
			ConversationID:         "Ünïcödé ✓ 会話",
			SLA:                    math.MaxInt64,
			HasSLA:                 true,
			RequestingSupplier:     spine.Str("Vision ✓"),
			SenderErrorCodes:       []spine.ErrorCode{spine.Code(math.MinInt64), spine.Code(-1)},
			FinalErrorCodes:        []spine.ErrorCode{spine.Code(math.MaxInt64)},
			IntermediateErrorCodes: []int64{math.MinInt64, -1, math.MaxInt64},
			DateRequested:          utcMicros(1969, 12, 31, 23, 59, 59, 999_999),
			DateCompleted:          utcMicros(9999, 12, 31, 23, 59, 59, 999_999),
			HasDateCompleted:       true,
		},
		want: readRow{
			ConversationID:         ptrTo("Ünïcödé ✓ 会話"),
			SLADuration:            ptrTo[uint64](9_223_372_036_855),
			RequestingASID:         ptrTo(""),
			SendingASID:            ptrTo(""),
			RequestingSupplier:     ptrTo("Vision ✓"),
			SenderErrorCodes:       codesOf(math.MinInt64, -1),
			FinalErrorCodes:        codesOf(math.MaxInt64),
			IntermediateErrorCodes: codesOf(math.MinInt64, -1, math.MaxInt64),
			Status:                 ptrTo(""),
			DateRequested:          ptrTo[int64](-1),
			DateCompleted:          ptrTo[int64](253_402_300_799_999_999),
		},
	},
}

func roundTripTransfers() (in []spine.Transfer, want []readRow) {
	for _, c := range roundTripCases {
		in = append(in, c.in)
		want = append(want, c.want)
	}
	return in, want
}

func writeParquet(t testing.TB, ts []spine.Transfer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTransfers(&buf, ts); err != nil {
		t.Fatalf("WriteTransfers: %v", err)
	}
	return buf.Bytes()
}

func openParquet(t testing.TB, b []byte) *parquet.File {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("open written file: %v", err)
	}
	return f
}

func TestWriteTransfersRoundTrip(t *testing.T) {
	in, _ := roundTripTransfers()
	b := writeParquet(t, in)
	got, err := parquet.Read[readRow](bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if len(got) != len(roundTripCases) {
		t.Fatalf("read %d rows, want %d", len(got), len(roundTripCases))
	}
	for i, c := range roundTripCases {
		t.Run(c.name, func(t *testing.T) {
			// parquet-go reads an empty list as nil; TestWriteTransfersNoNullLists
			// and the DuckDB test tell empty from null.
			if diff := cmp.Diff(c.want, got[i], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("row %d (-want +got):\n%s", i, diff)
			}
		})
	}
}

// TestWriteTransfersNoNullLists checks the definition levels of the lists:
// a list is never null, and an element is null exactly where the transfer
// had no error code.
func TestWriteTransfersNoNullLists(t *testing.T) {
	in, want := roundTripTransfers()
	t.Run("round-trip cases", func(t *testing.T) { checkListLevels(t, in, want) })
	// The former writer wrote null lists when no transfer of its first batch
	// had an error code.
	t.Run("no error codes at all", func(t *testing.T) { checkListLevels(t, in[1:3], want[1:3]) })
}

func checkListLevels(t *testing.T, in []spine.Transfer, want []readRow) {
	f := openParquet(t, writeParquet(t, in))
	cols := map[int]string{}
	for _, name := range []string{"sender_error_codes", "final_error_codes", "intermediate_error_codes"} {
		leaf, ok := f.Schema().Lookup(name, "list", "element")
		if !ok {
			t.Fatalf("no column %s.list.element", name)
		}
		if leaf.MaxDefinitionLevel != 3 || leaf.MaxRepetitionLevel != 1 {
			t.Errorf("%s: max definition, repetition levels %d, %d; want 3, 1 (optional list of optional elements)",
				name, leaf.MaxDefinitionLevel, leaf.MaxRepetitionLevel)
		}
		cols[leaf.ColumnIndex] = name
	}
	wantLevels := func(r readRow, name string) []int {
		l := map[string][]*int64{
			"sender_error_codes":       r.SenderErrorCodes,
			"final_error_codes":        r.FinalErrorCodes,
			"intermediate_error_codes": r.IntermediateErrorCodes,
		}[name]
		if len(l) == 0 {
			return []int{1} // empty list
		}
		var levels []int
		for _, e := range l {
			if e == nil {
				levels = append(levels, 2)
			} else {
				levels = append(levels, 3)
			}
		}
		return levels
	}
	var rows []parquet.Row
	for _, rg := range f.RowGroups() {
		rr := rg.Rows()
		buf := make([]parquet.Row, 16)
		for {
			n, err := rr.ReadRows(buf)
			for _, r := range buf[:n] {
				rows = append(rows, r.Clone())
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rr.Close()
	}
	if len(rows) != len(want) {
		t.Fatalf("read %d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		got := map[string][]int{}
		r.Range(func(col int, values []parquet.Value) bool {
			if name, ok := cols[col]; ok {
				for _, v := range values {
					got[name] = append(got[name], v.DefinitionLevel())
				}
			}
			return true
		})
		for _, name := range cols {
			if diff := cmp.Diff(wantLevels(want[i], name), got[name]); diff != "" {
				t.Errorf("row %d %s definition levels (-want +got):\n%s", i, name, diff)
			}
		}
	}
}

// TestWriteTransfersDuckDB reads the file back with DuckDB, an independent
// reader, through tools/pqcheck (see outputtest.ReadDump), in subtests
// named "duckdb".
func TestWriteTransfersDuckDB(t *testing.T) {
	in, want := roundTripTransfers()
	for _, c := range []struct {
		name string
		in   []spine.Transfer
		want []readRow
	}{
		{"round-trip cases", in, want},
		{"no transfers", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "transfers.parquet")
			if err := os.WriteFile(path, writeParquet(t, c.in), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Run("duckdb", func(t *testing.T) { checkDuckDB(t, path, c.want) })
		})
	}
}

// checkDuckDB reads the transfers.parquet at path with DuckDB and compares
// its schema with SCHEMA_V4.json and its values with want.
func checkDuckDB(t *testing.T, path string, want []readRow) {
	t.Helper()
	d := outputtest.ReadDump(t, path)
	if diff := cmp.Diff(golden.SchemaV4, d.Schema); diff != "" {
		t.Errorf("DuckDB schema (-SCHEMA_V4.json +got):\n%s", diff)
	}
	for _, p := range d.Parquet {
		for _, f := range p {
			if f.Repetition != "OPTIONAL" && f.Name != "list" {
				t.Errorf("column %s: Parquet schema element %s is %s, want OPTIONAL", p[0].Name, f.Name, f.Repetition)
			}
		}
	}
	if d.Rows != len(want) {
		t.Errorf("DuckDB read %d rows, want %d", d.Rows, len(want))
	}
	if wantCols := outputtest.Columns(want); !reflect.DeepEqual(wantCols, d.Columns) { // cmp.Diff is slow
		t.Errorf("DuckDB values (-want +got):\n%s", cmp.Diff(wantCols, d.Columns))
	}
}

// schemaElement is one node of the Parquet schema as the footer stores it.
type schemaElement struct {
	Name       string
	Repetition string // "" for the root
	Type       string // physical type; "" for groups
	Converted  string // legacy converted type, as a number; "" if unset
	Logical    string
	Children   int32
}

func TestWriteTransfersSchema(t *testing.T) {
	f := openParquet(t, writeParquet(t, []spine.Transfer{{}}))
	var got []schemaElement
	for _, e := range f.Metadata().Schema {
		s := schemaElement{Name: e.Name, Logical: e.LogicalType.String(), Children: e.NumChildren.V}
		if r, ok := e.RepetitionType.Get(); ok {
			s.Repetition = r.String()
		}
		if ty, ok := e.Type.Get(); ok {
			s.Type = ty.String()
		}
		if c, ok := e.ConvertedType.Get(); ok {
			s.Converted = fmt.Sprint(int32(c))
		}
		got = append(got, s)
	}
	const (
		utf8, list, tsMicros, uint64_, int64_ = "0", "3", "10", "14", "18" // converted types
		ts                                    = "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)"
	)
	str := func(name string) schemaElement {
		return schemaElement{Name: name, Repetition: "OPTIONAL", Type: "BYTE_ARRAY", Converted: utf8, Logical: "STRING"}
	}
	listOf := func(name string) []schemaElement {
		return []schemaElement{
			{Name: name, Repetition: "OPTIONAL", Converted: list, Logical: "LIST", Children: 1},
			{Name: "list", Repetition: "REPEATED", Children: 1},
			{Name: "element", Repetition: "OPTIONAL", Type: "INT64", Converted: int64_, Logical: "INT(64,true)"},
		}
	}
	want := []schemaElement{
		{Name: "schema", Children: 13},
		str("conversation_id"),
		{Name: "sla_duration", Repetition: "OPTIONAL", Type: "INT64", Converted: uint64_, Logical: "INT(64,false)"},
		str("requesting_practice_asid"),
		str("sending_practice_asid"),
		str("requesting_supplier"),
		str("sending_supplier"),
	}
	want = append(want, listOf("sender_error_codes")...)
	want = append(want, listOf("final_error_codes")...)
	want = append(want, listOf("intermediate_error_codes")...)
	want = append(want,
		str("status"),
		str("failure_reason"),
		schemaElement{Name: "date_requested", Repetition: "OPTIONAL", Type: "INT64", Converted: tsMicros, Logical: ts},
		schemaElement{Name: "date_completed", Repetition: "OPTIONAL", Type: "INT64", Converted: tsMicros, Logical: ts},
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
}

// TestWriteTransfersEncoding checks the choices made for old readers:
// snappy, version-1 data pages, no DELTA encodings.
func TestWriteTransfersEncoding(t *testing.T) {
	f := openParquet(t, writeParquet(t, sampleTransfers(100)))
	allowed := map[string]bool{"PLAIN": true, "RLE": true, "RLE_DICTIONARY": true}
	pages := map[string]bool{"DATA_PAGE": true, "DICTIONARY_PAGE": true}
	for _, rg := range f.Metadata().RowGroups {
		for _, c := range rg.Columns {
			m := c.MetaData
			if got := m.Codec.String(); got != "SNAPPY" {
				t.Errorf("%v: compression %s, want SNAPPY", m.PathInSchema, got)
			}
			for _, e := range m.Encoding {
				if !allowed[e.String()] {
					t.Errorf("%v: encoding %s", m.PathInSchema, e)
				}
			}
			for _, s := range m.EncodingStats {
				if !pages[s.PageType.String()] {
					t.Errorf("%v: page type %s", m.PathInSchema, s.PageType)
				}
			}
		}
	}
}

func TestWriteTransfersCreatedBy(t *testing.T) {
	f := openParquet(t, writeParquet(t, nil))
	if got, want := f.Metadata().CreatedBy, "parquet-go version "+parquetGoVersion+"(build unknown)"; got != want {
		t.Errorf("created_by %q, want %q", got, want)
	}
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	required := false
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == "github.com/parquet-go/parquet-go" {
			required = f[1] == "v"+parquetGoVersion
		}
	}
	if !required {
		t.Errorf("go.mod does not require parquet-go v%s: update parquetGoVersion", parquetGoVersion)
	}
}

// bigBatch is a number of transfers that spans many chunks of
// maxRowsPerChunk.
const bigBatch = 4096

// sampleTransfers returns n varied transfers.
func sampleTransfers(n int) []spine.Transfer {
	statuses := []spine.Status{spine.IntegratedOnTime, spine.ProcessFailure, spine.TechnicalFailure, spine.UnclassifiedFailure}
	suppliers := []string{"EMIS", "SystmOne", "Vision", "Microtest"}
	base := utcMicros(2019, 12, 1, 0, 0, 0, 0)
	ts := make([]spine.Transfer, n)
	for i := range ts {
		t := &ts[i]
		t.ConversationID = fmt.Sprintf("%08X-0000-4000-8000-%012X", i, i*7919)
		t.RequestingASID = fmt.Sprintf("2000%08d", i%5000)
		t.SendingASID = fmt.Sprintf("2000%08d", (i*31)%5000)
		if i%13 != 0 {
			t.RequestingSupplier = spine.Str(suppliers[i%4])
			t.SendingSupplier = spine.Str(suppliers[(i/4)%4])
		}
		t.Status = statuses[i%4]
		if t.Status != spine.IntegratedOnTime {
			t.FailureReason = spine.ReasonFinalError
		}
		t.DateRequested = base + spine.Time(i)*37*spine.Second + spine.Time(i%1000)
		if i%5 != 0 {
			t.SLA, t.HasSLA = spine.Time(i%86400)*spine.Second+spine.Time(i%1_000_000), true
			t.DateCompleted, t.HasDateCompleted = t.DateRequested+t.SLA, true
		}
		if i%3 == 0 {
			t.SenderErrorCodes = []spine.ErrorCode{{}}
		}
		if i%7 == 0 {
			t.FinalErrorCodes = []spine.ErrorCode{spine.Code(int64(i % 100))}
		}
		if i%11 == 0 {
			t.IntermediateErrorCodes = []int64{29, int64(i % 50)}
		}
	}
	return ts
}

// TestWriteTransfersDeterministic checks that the same transfers give the
// same bytes.
func TestWriteTransfersDeterministic(t *testing.T) {
	in := sampleTransfers(3*bigBatch + 17)
	first := writeParquet(t, in)
	if again := writeParquet(t, in); !bytes.Equal(first, again) {
		t.Error("writing the same transfers twice gave different bytes")
	}
}

// TestTransferWriterBatches checks that a TransferWriter fed uneven batches
// writes the same bytes, hence rows, as WriteTransfers.
func TestTransferWriterBatches(t *testing.T) {
	in := sampleTransfers(2*bigBatch + 17)
	whole := writeParquet(t, in)
	var buf bytes.Buffer
	tw := NewTransferWriter(&buf)
	for _, part := range [][]spine.Transfer{in[:1], in[1:1], in[1 : bigBatch+5], in[bigBatch+5:]} {
		if err := tw.Write(part); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !bytes.Equal(whole, buf.Bytes()) {
		t.Errorf("uneven batches gave %d bytes, one call %d; first difference at byte %d",
			buf.Len(), len(whole), firstDifference(whole, buf.Bytes()))
	}
	want, err := parquet.Read[readRow](bytes.NewReader(whole), int64(len(whole)))
	if err != nil {
		t.Fatalf("read WriteTransfers output: %v", err)
	}
	got, err := parquet.Read[readRow](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("read TransferWriter output: %v", err)
	}
	if len(want) != len(in) {
		t.Fatalf("WriteTransfers wrote %d rows, want %d", len(want), len(in))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batched rows differ (-WriteTransfers +TransferWriter):\n%s", diff)
	}
	if err := tw.Write(in[:1]); err == nil {
		t.Error("Write after Close: no error")
	}
	if err := tw.Close(); err == nil {
		t.Error("second Close: no error")
	}
}

// TestWriteTransfersMany reads back more rows than one batch.
func TestWriteTransfersMany(t *testing.T) {
	in := sampleTransfers(2*bigBatch + 1)
	b := writeParquet(t, in)
	got, err := parquet.Read[readRow](bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if len(got) != len(in) {
		t.Fatalf("read %d rows, want %d", len(got), len(in))
	}
	for i := range in {
		if *got[i].ConversationID != in[i].ConversationID || *got[i].DateRequested != int64(in[i].DateRequested) {
			t.Fatalf("row %d: got %s at %d, want %s at %d", i,
				*got[i].ConversationID, *got[i].DateRequested, in[i].ConversationID, in[i].DateRequested)
		}
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteTransfersWriteError(t *testing.T) {
	if err := WriteTransfers(errWriter{}, sampleTransfers(10)); err == nil {
		t.Error("WriteTransfers to a failing writer: no error")
	}
}

func BenchmarkWriteTransfers(b *testing.B) {
	ts := sampleTransfers(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteTransfers(io.Discard, ts); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTransferColumns checks that the column constants name the leaf columns
// of the schema, with the levels the shredding writes.
func TestTransferColumns(t *testing.T) {
	type leaf struct {
		Path     string
		Def, Rep int
	}
	list := func(name string) leaf { return leaf{name + ".list.element", defElement, repSameList} }
	want := [numColumns]leaf{
		colConversationID:         {"conversation_id", defPresent, 0},
		colSLADuration:            {"sla_duration", defPresent, 0},
		colRequestingASID:         {"requesting_practice_asid", defPresent, 0},
		colSendingASID:            {"sending_practice_asid", defPresent, 0},
		colRequestingSupplier:     {"requesting_supplier", defPresent, 0},
		colSendingSupplier:        {"sending_supplier", defPresent, 0},
		colSenderErrorCodes:       list("sender_error_codes"),
		colFinalErrorCodes:        list("final_error_codes"),
		colIntermediateErrorCodes: list("intermediate_error_codes"),
		colStatus:                 {"status", defPresent, 0},
		colFailureReason:          {"failure_reason", defPresent, 0},
		colDateRequested:          {"date_requested", defPresent, 0},
		colDateCompleted:          {"date_completed", defPresent, 0},
	}
	var got []leaf
	for _, path := range transferSchema.Columns() {
		l, ok := transferSchema.Lookup(path...)
		if !ok {
			t.Fatalf("no column %v", path)
		}
		if l.ColumnIndex != len(got) {
			t.Errorf("column %v has index %d, want %d", path, l.ColumnIndex, len(got))
		}
		got = append(got, leaf{strings.Join(path, "."), l.MaxDefinitionLevel, l.MaxRepetitionLevel})
	}
	if diff := cmp.Diff(want[:], got); diff != "" {
		t.Errorf("leaf columns (-want +got):\n%s", diff)
	}
	var w bytes.Buffer
	if got := len(NewTransferWriter(&w).columns); got != numColumns {
		t.Errorf("%d column writers, want %d", got, numColumns)
	}
}

// variedTransfers returns n transfers with nulls in every nullable column,
// empty lists, lists with null elements, and many dictionary values, the
// round-trip cases first.
func variedTransfers(n int) []spine.Transfer {
	in, _ := roundTripTransfers()
	ts := append(in, sampleTransfers(n-len(in))...)
	for i := len(in); i < len(ts); i++ {
		t := &ts[i]
		switch i % 17 {
		case 1:
			t.SenderErrorCodes = []spine.ErrorCode{spine.Code(int64(i)), {}, spine.Code(-int64(i))}
		case 2:
			t.FinalErrorCodes = []spine.ErrorCode{{}, {}}
		case 3:
			t.IntermediateErrorCodes = []int64{}
			t.SenderErrorCodes = []spine.ErrorCode{}
		case 4:
			t.RequestingSupplier = spine.Str(fmt.Sprintf("supplier %d", i%300))
			t.FailureReason = fmt.Sprintf("reason %d", i%40)
		case 5:
			t.Status = spine.Status(fmt.Sprintf("STATUS_%d", i%9))
			t.ConversationID = ""
		}
	}
	return ts
}

// wantRow is the row a transfer must become (docs/outputs.md): nulls where the
// transfer has no value, lists never null (empty when there are no codes),
// an invalid error code a null element, the SLA in whole seconds.
func wantRow(t spine.Transfer) readRow {
	codes := func(cs []spine.ErrorCode) []*int64 {
		out := []*int64{}
		for _, c := range cs {
			if c.Valid {
				out = append(out, ptrTo(c.Code))
			} else {
				out = append(out, nil)
			}
		}
		return out
	}
	r := readRow{
		ConversationID:         ptrTo(t.ConversationID),
		RequestingASID:         ptrTo(t.RequestingASID),
		SendingASID:            ptrTo(t.SendingASID),
		SenderErrorCodes:       codes(t.SenderErrorCodes),
		FinalErrorCodes:        codes(t.FinalErrorCodes),
		IntermediateErrorCodes: codesOf(t.IntermediateErrorCodes...),
		Status:                 ptrTo(string(t.Status)),
		DateRequested:          ptrTo(int64(t.DateRequested)),
	}
	if secs, ok := t.SLASeconds(); ok {
		r.SLADuration = &secs
	}
	if t.RequestingSupplier.Valid {
		r.RequestingSupplier = ptrTo(t.RequestingSupplier.String)
	}
	if t.SendingSupplier.Valid {
		r.SendingSupplier = ptrTo(t.SendingSupplier.String)
	}
	if t.FailureReason != "" {
		r.FailureReason = ptrTo(t.FailureReason)
	}
	if t.HasDateCompleted {
		r.DateCompleted = ptrTo(int64(t.DateCompleted))
	}
	return r
}

// TestWantRow checks wantRow against the round-trip cases.
func TestWantRow(t *testing.T) {
	for _, c := range roundTripCases {
		if diff := cmp.Diff(c.want, wantRow(c.in)); diff != "" {
			t.Errorf("%s (-roundTripCases +wantRow):\n%s", c.name, diff)
		}
	}
}

// TestTransferWriterValues writes many varied transfers, however split
// between calls of Write, in row groups and pages of several sizes, and
// reads the values back with parquet-go and, in the subtests "duckdb", with
// DuckDB. It compares values, not bytes: how parquet-go lays out pages is
// its own business, which an upgrade may change. The bytes must not depend
// on how the transfers were split between calls, though.
func TestTransferWriterValues(t *testing.T) {
	ts := variedTransfers(5000)
	parts := func(sizes ...int) [][]spine.Transfer {
		var out [][]spine.Transfer
		rest := ts
		for _, n := range sizes {
			n = min(n, len(rest))
			out = append(out, rest[:n])
			rest = rest[n:]
		}
		return append(out, rest)
	}
	var small [][]spine.Transfer
	for i := 0; i < len(ts); i += 100 + i%37 {
		small = append(small, ts[i:min(i+100+i%37, len(ts))])
	}
	type testCase struct {
		name     string
		maxRows  int
		writes   [][]spine.Transfer
		pageSize int
	}
	cases := []testCase{
		{"one write", maxRowsPerRowGroup, [][]spine.Transfer{ts}, 0},
		{"uneven writes", maxRowsPerRowGroup, parts(1, 0, 1500+5, 63, 65, 2000), 0},
		{"small writes", maxRowsPerRowGroup, small, 0},
		{"no transfers", maxRowsPerRowGroup, nil, 0},
		{"one transfer", maxRowsPerRowGroup, [][]spine.Transfer{ts[:1]}, 0},
		{"row groups of 1000, one write", 1000, [][]spine.Transfer{ts}, 0},
		{"row groups of 1000, uneven writes", 1000, parts(999, 1, 1, 2000, 37, 1500), 0},
		{"row groups of 1024, even writes", 1024, parts(1024, 1024), 0},
		{"row groups of 50, small writes", 50, small[:5], 0},
	}
	// Small pages: many pages in every column, some cut inside a chunk.
	for _, c := range cases[:len(cases):len(cases)] {
		c.name += ", small pages"
		c.pageSize = 512
		cases = append(cases, c)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got, whole bytes.Buffer
			var all []spine.Transfer
			tw := newTransferWriter(&got, c.maxRows, c.pageSize)
			for _, w := range c.writes {
				all = append(all, w...)
				if err := tw.Write(w); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			if err := tw.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			one := newTransferWriter(&whole, c.maxRows, c.pageSize)
			if err := one.Write(all); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if err := one.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if !bytes.Equal(whole.Bytes(), got.Bytes()) {
				t.Errorf("wrote %d bytes, %d in one call; first difference at byte %d",
					got.Len(), whole.Len(), firstDifference(whole.Bytes(), got.Bytes()))
			}

			want := make([]readRow, len(all))
			for i := range all {
				want[i] = wantRow(all[i])
			}
			f := openParquet(t, got.Bytes())
			if got, want := len(f.RowGroups()), (len(all)+c.maxRows-1)/c.maxRows; got != want || f.NumRows() != int64(len(all)) {
				t.Errorf("%d rows in %d row groups, want %d in %d", f.NumRows(), got, len(all), want)
			}
			rows, err := parquet.Read[readRow](bytes.NewReader(got.Bytes()), int64(got.Len()))
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			// reflect.DeepEqual first: cmp.Diff takes seconds over these rows.
			for i := range rows {
				r := &rows[i] // parquet-go reads an empty list as nil
				for _, l := range []*[]*int64{&r.SenderErrorCodes, &r.FinalErrorCodes, &r.IntermediateErrorCodes} {
					if *l == nil {
						*l = []*int64{}
					}
				}
			}
			if !reflect.DeepEqual(want, rows) {
				t.Errorf("rows read back (-want +got):\n%s", cmp.Diff(want, rows))
			}

			path := filepath.Join(t.TempDir(), "transfers.parquet")
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Run("duckdb", func(t *testing.T) { checkDuckDB(t, path, want) })
		})
	}
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// BenchmarkShredColumns measures the shredding of transfers into column
// values alone, without parquet-go's encoding and compression.
func BenchmarkShredColumns(b *testing.B) {
	ts := sampleTransfers(100_000)
	var buf columnBuffer
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < len(ts); i += maxRowsPerChunk {
			chunk := ts[i:min(i+maxRowsPerChunk, len(ts))]
			for _, appendValues := range columnAppenders {
				buf.reset()
				appendValues(&buf, chunk)
			}
		}
	}
}
