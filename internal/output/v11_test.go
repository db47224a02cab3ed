package output

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/nhsdigital/gp2gp/internal/output/outputtest"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/v11table"
	"github.com/nhsdigital/gp2gp/internal/v12"
)

// v11Transfers has every status and failure reason of the rules table,
// nulls in every nullable column, and the list shapes: null element, empty.
func v11Transfers() []V11Transfer {
	var out []V11Transfer
	const t0 = spine.Time(1575280800000000) // 2019-12-02T10:00:00Z
	for i, r := range spine.Rules {
		tr := &spine.Transfer{
			ConversationID:     "conv-" + r.ID,
			RequestingASID:     "111",
			SendingASID:        "222",
			RequestingSupplier: spine.Str("SupA"),
			SenderErrorCodes:   []spine.ErrorCode{{}},
			FinalErrorCodes:    []spine.ErrorCode{spine.Code(30), {}},
			Status:             r.Status,
			FailureReason:      r.Reason,
			DateRequested:      t0 + spine.Time(i)*spine.Second,
		}
		if i%2 == 0 {
			tr.SLA, tr.HasSLA = 1500*spine.Second/1000+spine.Second/2, true // 2.5 s: rounds to 2
			tr.DateCompleted, tr.HasDateCompleted = t0+spine.Day, true
			tr.IntermediateErrorCodes = []int64{99}
		}
		v := V11Transfer{Transfer: tr,
			Requesting: &V11Practice{ASID: "111", Known: true, InSICBL: i%3 != 0, ODSCode: "A1", Name: "Práctice", SICBLCode: "S1", SICBLName: "Sub"},
			Sending:    &V11Practice{ASID: "222"},
		}
		if i%2 == 1 {
			v.LastSenderMessage, v.HasLastSender = t0+spine.Time(i)*3600*spine.Second+123, true
		}
		out = append(out, v)
	}
	return out
}

var wantV11Schema = [][2]string{
	{"conversation_id", "string"}, {"sla_duration", "uint64"},
	{"requesting_practice_asid", "string"}, {"requesting_practice_ods_code", "string"}, {"requesting_practice_name", "string"},
	{"requesting_practice_sicbl_ods_code", "string"}, {"requesting_practice_sicbl_name", "string"},
	{"sending_practice_asid", "string"}, {"sending_practice_ods_code", "string"}, {"sending_practice_name", "string"},
	{"sending_practice_sicbl_ods_code", "string"}, {"sending_practice_sicbl_name", "string"},
	{"requesting_supplier", "string"}, {"sending_supplier", "string"},
	{"sender_error_codes", "list<int64>"}, {"final_error_codes", "list<int64>"}, {"intermediate_error_codes", "list<int64>"},
	{"status", "string"}, {"failure_reason", "string"},
	{"date_requested", "timestamp[us]"}, {"date_completed", "timestamp[us]"}, {"last_sender_message_timestamp", "timestamp[us]"},
}

func writeV11File(t *testing.T, ts []V11Transfer) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteV11(&buf, ts); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "t.parquet")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestV11Table reads the table back: schema, nullability and values,
// first some written out by hand, then every value of every column
// against wantV11Columns, with parquet-go and, in the subtest "duckdb",
// with DuckDB.
func TestV11Table(t *testing.T) {
	ts := append(v11Transfers(), v11Combinations()...)
	p := writeV11File(t, ts)
	got, err := outputtest.ReadV11(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantV11Schema, got.Schema); d != "" {
		t.Errorf("schema (-want +got):\n%s", d)
	}
	if d := cmp.Diff(V11Columns, names(wantV11Schema)); d != "" {
		t.Errorf("V11Columns (-want +got):\n%s", d)
	}
	if !got.Optional || got.Rows != len(ts) {
		t.Errorf("optional %v, rows %d", got.Optional, got.Rows)
	}
	c := got.Columns
	n := func(s string) json.Number { return json.Number(s) }
	checks := []struct {
		col  string
		row  int
		want any
	}{
		{"sla_duration", 0, n("2")}, {"sla_duration", 1, nil},
		{"requesting_practice_sicbl_ods_code", 0, nil}, {"requesting_practice_sicbl_ods_code", 1, "S1"},
		{"requesting_practice_name", 1, "Práctice"}, {"sending_practice_ods_code", 0, nil}, {"sending_practice_asid", 0, "222"},
		{"sending_supplier", 0, nil}, {"requesting_supplier", 0, "SupA"},
		{"sender_error_codes", 0, []any{nil}}, {"final_error_codes", 0, []any{n("30"), nil}},
		{"intermediate_error_codes", 0, []any{n("99")}}, {"intermediate_error_codes", 1, []any{}},
		{"status", 0, "Integrated on time"}, {"failure_reason", 0, nil}, {"failure_reason", 1, "Integrated late"},
		{"date_requested", 1, "2019-12-02T10:00:01.000000"}, {"date_completed", 1, nil}, {"date_completed", 0, "2019-12-03T10:00:00.000000"},
		{"last_sender_message_timestamp", 0, nil}, {"last_sender_message_timestamp", 1, "2019-12-02T11:00:00.000123"},
	}
	for _, ch := range checks {
		if d := cmp.Diff(ch.want, c[ch.col][ch.row]); d != "" {
			t.Errorf("%s row %d (-want +got):\n%s", ch.col, ch.row, d)
		}
	}
	want := wantV11Columns(ts)
	checkV11Columns(t, "parquet-go", want, c)

	t.Run("empty", func(t *testing.T) {
		got, err := outputtest.ReadV11(writeV11File(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows != 0 || len(got.Schema) != 22 {
			t.Errorf("rows %d, %d columns", got.Rows, len(got.Schema))
		}
		checkV11Columns(t, "parquet-go", wantV11Columns(nil), got.Columns)
	})

	t.Run("duckdb", func(t *testing.T) {
		d := outputtest.ReadDump(t, p)
		wantTypes := []string{"VARCHAR", "UBIGINT"}
		if d.Schema[0][1] != wantTypes[0] || d.Schema[1][1] != wantTypes[1] || d.Rows != len(ts) {
			t.Errorf("DuckDB schema %v, rows %d", d.Schema[:2], d.Rows)
		}
		for i, col := range wantV11Schema {
			if d.Schema[i][0] != col[0] {
				t.Errorf("column %d: DuckDB %s, want %s", i, d.Schema[i][0], col[0])
			}
			wantType := map[string]string{"string": "VARCHAR", "uint64": "UBIGINT", "list<int64>": "BIGINT[]", "timestamp[us]": "TIMESTAMP"}[col[1]]
			if d.Schema[i][1] != wantType {
				t.Errorf("column %s: DuckDB type %s, want %s", col[0], d.Schema[i][1], wantType)
			}
			for _, f := range d.Parquet[i] {
				if f.Repetition == "REQUIRED" {
					t.Errorf("column %s: %s is REQUIRED", col[0], f.Name)
				}
			}
		}
		checkV11Columns(t, "DuckDB", want, d.Columns)
	})
}

// checkV11Columns compares the columns a reader read with want, column by
// column, every column of want present.
func checkV11Columns(t *testing.T, reader string, want, got map[string][]any) {
	t.Helper()
	for _, col := range V11Columns {
		if !reflect.DeepEqual(want[col], got[col]) { // cmp.Diff is slow
			t.Errorf("%s's %s (-want +got):\n%s", reader, col, cmp.Diff(want[col], got[col]))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s read %d columns, want %d", reader, len(got), len(want))
	}
}

// v11Combinations returns transfers with, in every combination, the
// shapes that the shredding must tell apart: each list of error codes
// null, empty, of one null element, of several with a null among them, of
// one code, and the intermediate codes null, empty or several; each
// practice unknown, known without a Sub-ICB location, known in one, in
// one but unknown (hence all null but its ASID), and known with empty
// strings (not null); the ODS fields that must be null are set, as a
// careless writer would write them. Along the rows vary the nullable
// scalars, null, empty and present, and the rules. No two rows have the
// same values, so that a value in the wrong row or column shows. They
// span many chunks of maxRowsPerChunk rows.
func v11Combinations() []V11Transfer {
	const t0 = spine.Time(1577836800000000) // 2020-01-01T00:00:00Z
	errorCodes := func(shape, i int) []spine.ErrorCode {
		return [][]spine.ErrorCode{nil, {}, {{}}, {spine.Code(int64(i)), {}, spine.Code(-int64(i))}, {spine.Code(int64(i % 100))}}[shape]
	}
	practice := func(state, i int, side string) *V11Practice {
		id := fmt.Sprintf("%s%d", side, i)
		p := &V11Practice{ASID: "asid-" + id, ODSCode: "ods-" + id, Name: "name-" + id, SICBLCode: "sicbl-" + id, SICBLName: "sicbl name " + id}
		switch state {
		case 1:
			p.Known = true
		case 2:
			p.Known, p.InSICBL = true, true
		case 3:
			p.InSICBL = true
		case 4:
			p.Known, p.InSICBL, p.ODSCode, p.Name, p.SICBLCode, p.SICBLName = true, true, "", "", "", ""
		}
		return p
	}
	supplier := func(i int) spine.NullString {
		return []spine.NullString{{}, spine.Str(""), spine.Str(fmt.Sprintf("supplier %d", i))}[i%3]
	}
	var out []V11Transfer
	i := 0
	for sender := range 5 {
		for final := range 5 {
			for inter := range 3 {
				for req := range 5 {
					for snd := range 5 {
						r := spine.Rules[i%len(spine.Rules)]
						tr := &spine.Transfer{
							ConversationID:         fmt.Sprintf("conv-%d", i),
							RequestingASID:         "unused v4 column",
							RequestingSupplier:     supplier(i),
							SendingSupplier:        supplier(i / 3),
							SenderErrorCodes:       errorCodes(sender, i),
							FinalErrorCodes:        errorCodes(final, i+1),
							IntermediateErrorCodes: [][]int64{nil, {}, {int64(i), 0, -1}}[inter],
							Status:                 r.Status,
							FailureReason:          r.Reason,
							DateRequested:          t0 + spine.Time(i)*spine.Second + spine.Time(i),
						}
						if i%3 != 0 {
							tr.SLA, tr.HasSLA = spine.Time(i)*spine.Second+spine.Time(i%7)*spine.Second/7, true
						}
						if i%4 != 0 {
							tr.DateCompleted, tr.HasDateCompleted = tr.DateRequested+spine.Time(i)*spine.Second, true
						}
						if i%41 == 0 {
							tr.ConversationID = "" // empty, not null
						}
						v := V11Transfer{Transfer: tr, Requesting: practice(req, i, "r"), Sending: practice(snd, i, "s")}
						if i%5 != 0 {
							v.LastSenderMessage, v.HasLastSender = tr.DateRequested+spine.Time(i%1000), true
						}
						out = append(out, v)
						i++
					}
				}
			}
		}
	}
	return out
}

// wantV11Columns is the v11 table the transfers must become
// (docs/classify.md), in the form of outputtest.V11's Columns: nulls where
// a transfer has no value, lists never null, an invalid error code a null
// element, a practice's ODS fields null unless Known and its Sub-ICB
// location's unless InSICBL too.
func wantV11Columns(ts []V11Transfer) map[string][]any {
	cols := map[string][]any{}
	for _, c := range V11Columns {
		cols[c] = []any{}
	}
	add := func(col string, v any) { cols[col] = append(cols[col], v) }
	str := func(col, s string, valid bool) {
		if valid {
			add(col, s)
		} else {
			add(col, nil)
		}
	}
	ts64 := func(col string, us spine.Time, valid bool) {
		if valid {
			add(col, time.UnixMicro(int64(us)).UTC().Format("2006-01-02T15:04:05.000000"))
		} else {
			add(col, nil)
		}
	}
	list := func(col string, cs []spine.ErrorCode) {
		l := []any{}
		for _, c := range cs {
			if c.Valid {
				l = append(l, json.Number(strconv.FormatInt(c.Code, 10)))
			} else {
				l = append(l, nil)
			}
		}
		add(col, l)
	}
	practice := func(side string, p *V11Practice) {
		add(side+"_practice_asid", p.ASID)
		str(side+"_practice_ods_code", p.ODSCode, p.Known)
		str(side+"_practice_name", p.Name, p.Known)
		str(side+"_practice_sicbl_ods_code", p.SICBLCode, p.Known && p.InSICBL)
		str(side+"_practice_sicbl_name", p.SICBLName, p.Known && p.InSICBL)
	}
	for _, t := range ts {
		add("conversation_id", t.ConversationID)
		if secs, ok := t.SLASeconds(); ok {
			add("sla_duration", json.Number(strconv.FormatUint(secs, 10)))
		} else {
			add("sla_duration", nil)
		}
		practice("requesting", t.Requesting)
		practice("sending", t.Sending)
		str("requesting_supplier", t.RequestingSupplier.String, t.RequestingSupplier.Valid)
		str("sending_supplier", t.SendingSupplier.String, t.SendingSupplier.Valid)
		list("sender_error_codes", t.SenderErrorCodes)
		list("final_error_codes", t.FinalErrorCodes)
		var inter []spine.ErrorCode
		for _, c := range t.IntermediateErrorCodes {
			inter = append(inter, spine.Code(c))
		}
		list("intermediate_error_codes", inter)
		status, _ := V11Status(t.Status)
		reason, _ := V11Reason(t.FailureReason)
		add("status", status)
		str("failure_reason", reason, reason != "")
		ts64("date_requested", t.DateRequested, true)
		ts64("date_completed", t.DateCompleted, t.HasDateCompleted)
		ts64("last_sender_message_timestamp", t.LastSenderMessage, t.HasLastSender)
	}
	return cols
}

// TestV11LeafColumns checks that the column constants name the leaf
// columns of the schema, with the levels the shredding writes.
func TestV11LeafColumns(t *testing.T) {
	type leaf struct {
		Path     string
		Def, Rep int
	}
	var want []leaf
	for i, name := range V11Columns {
		switch i {
		case v11SenderErrorCodes, v11FinalErrorCodes, v11IntermediateErrorCodes:
			want = append(want, leaf{name + ".list.element", defElement, repSameList})
		default:
			want = append(want, leaf{name, defPresent, 0})
		}
	}
	var got []leaf
	for _, path := range v11Schema.Columns() {
		l, ok := v11Schema.Lookup(path...)
		if !ok {
			t.Fatalf("no column %v", path)
		}
		if l.ColumnIndex != len(got) {
			t.Errorf("column %v has index %d, want %d", path, l.ColumnIndex, len(got))
		}
		got = append(got, leaf{strings.Join(path, "."), l.MaxDefinitionLevel, l.MaxRepetitionLevel})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leaf columns (-want +got):\n%s", diff)
	}
	if len(got) != v11NumColumns || len(v11Appenders) != v11NumColumns {
		t.Errorf("%d leaf columns, %d appenders, want %d", len(got), len(v11Appenders), v11NumColumns)
	}
}

// TestV11Layout checks what readers rely on besides the values: one row
// group, every column chunk SNAPPY.
func TestV11Layout(t *testing.T) {
	for _, n := range []int{1, 5500} {
		var buf bytes.Buffer
		if err := WriteV11(&buf, v11Day(n)); err != nil {
			t.Fatal(err)
		}
		f := openParquet(t, buf.Bytes())
		if got := len(f.Metadata().RowGroups); got != 1 || f.NumRows() != int64(n) {
			t.Errorf("%d transfers: %d rows in %d row groups, want 1", n, f.NumRows(), got)
		}
		for _, rg := range f.Metadata().RowGroups {
			if len(rg.Columns) != v11NumColumns {
				t.Errorf("%d column chunks, want %d", len(rg.Columns), v11NumColumns)
			}
			for _, c := range rg.Columns {
				if got := c.MetaData.Codec.String(); got != "SNAPPY" {
					t.Errorf("%v: compression %s, want SNAPPY", c.MetaData.PathInSchema, got)
				}
			}
		}
	}
}

// TestV11Statistics: the column chunks carry the statistics readers skip
// files by, and the file a page index (see WriteV11).
func TestV11Statistics(t *testing.T) {
	ts := v11Day(5500)
	var buf bytes.Buffer
	if err := WriteV11(&buf, ts); err != nil {
		t.Fatal(err)
	}
	minID, maxID := ts[0].ConversationID, ts[0].ConversationID
	minReq, maxReq := ts[0].DateRequested, ts[0].DateRequested
	for _, tr := range ts {
		minID, maxID = min(minID, tr.ConversationID), max(maxID, tr.ConversationID)
		minReq, maxReq = min(minReq, tr.DateRequested), max(maxReq, tr.DateRequested)
	}
	le := func(v spine.Time) string { return string(binary.LittleEndian.AppendUint64(nil, uint64(v))) }
	want := map[string][2]string{"conversation_id": {minID, maxID}, "date_requested": {le(minReq), le(maxReq)}}
	f := openParquet(t, buf.Bytes())
	for _, c := range f.Metadata().RowGroups[0].Columns {
		st := c.MetaData.Statistics
		if w, ok := want[c.MetaData.PathInSchema[0]]; ok && (string(st.MinValue) != w[0] || string(st.MaxValue) != w[1]) {
			t.Errorf("%v: min %q max %q, want %q %q", c.MetaData.PathInSchema, st.MinValue, st.MaxValue, w[0], w[1])
		}
	}
	if got := len(f.ColumnIndexes()); got != v11NumColumns {
		t.Errorf("%d column indexes, want %d", got, v11NumColumns)
	}
}

// TestFastSnappy: what fastSnappy encodes, snappy decodes, into dst when
// it is large enough.
func TestFastSnappy(t *testing.T) {
	var c fastSnappy
	if c.String() != "SNAPPY" || c.CompressionCodec() != parquet.Snappy.CompressionCodec() {
		t.Errorf("codec %s %v", c.String(), c.CompressionCodec())
	}
	random := make([]byte, 100_000)
	rand.NewChaCha8([32]byte{1}).Read(random) // incompressible
	for _, src := range [][]byte{nil, []byte("a"), bytes.Repeat([]byte("conv-0123 Integrated on time "), 10_000), random} {
		dst := make([]byte, 0, len(src)*2+64)
		enc, err := c.Encode(dst, src)
		if err != nil {
			t.Fatal(err)
		}
		if len(enc) > 0 && &enc[0] != &dst[:1][0] {
			t.Errorf("%d bytes: not encoded into dst", len(src))
		}
		dec, err := parquet.Snappy.Decode(nil, enc)
		if err != nil || !bytes.Equal(dec, src) {
			t.Errorf("%d bytes: decoded %d bytes, err %v", len(src), len(dec), err)
		}
	}
}

// TestV11TableMetricsReader: the tables classify writes are what gp2gp
// metrics reads (internal/v11table), every status and reason included.
func TestV11TableMetricsReader(t *testing.T) {
	ts := v11Transfers()
	var buf bytes.Buffer
	if err := WriteV11(&buf, ts); err != nil {
		t.Fatal(err)
	}
	i := 0
	n, err := v11table.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "t.parquet", func(got *v12.Transfer) error {
		w := ts[i]
		status, _ := V11Status(w.Status)
		reason, _ := V11Reason(w.FailureReason)
		if got.Status.String() != status || got.Reason.String() != reason {
			t.Errorf("row %d: %s/%s, want %s/%s", i, got.Status, got.Reason, status, reason)
		}
		if secs, ok := w.SLASeconds(); got.HasSLA != ok || got.SLADuration != secs {
			t.Errorf("row %d: SLA %d %v, want %d %v", i, got.SLADuration, got.HasSLA, secs, ok)
		}
		if got.DateRequested.UnixMicro() != int64(w.DateRequested) {
			t.Errorf("row %d: requested %v", i, got.DateRequested)
		}
		if !got.ODSCode.Valid || got.ODSCode.Value != "A1" || got.SICBLCode.Valid != w.Requesting.InSICBL {
			t.Errorf("row %d: ODS %+v SICBL %+v", i, got.ODSCode, got.SICBLCode)
		}
		i++
		return nil
	})
	if err != nil || n != int64(len(ts)) {
		t.Fatalf("read %d rows, err %v", n, err)
	}
}

func TestV11Spellings(t *testing.T) {
	for _, r := range spine.Rules {
		s, err := V11Status(r.Status)
		if err != nil {
			t.Error(err)
		}
		if _, err := v12.ParseStatus(s); err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
		}
		reason, err := V11Reason(r.Reason)
		if err != nil {
			t.Error(err)
		}
		if _, err := v12.ParseReason(reason); err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
		}
	}
	if _, err := V11Status("NOPE"); err == nil {
		t.Error("an unknown status has a spelling")
	}
	if _, err := V11Reason("Nope"); err == nil {
		t.Error("an unknown reason has a spelling")
	}
	var buf bytes.Buffer
	bad := V11Transfer{Transfer: &spine.Transfer{ConversationID: "x", Status: "NOPE"}}
	if err := WriteV11(&buf, []V11Transfer{bad}); err == nil {
		t.Error("WriteV11 wrote an unknown status")
	}
}

func names(s [][2]string) []string {
	var out []string
	for _, c := range s {
		out = append(out, c[0])
	}
	return out
}

// v11Day returns n transfers like a day's of a national year (2M
// transfers in 366 tables: about 5,500 a day): sampleTransfers' columns,
// every status and reason, practices from a pool of 7,000 of which most
// are known and in a Sub-ICB location, and a last sender message for most.
func v11Day(n int) []V11Transfer {
	ts := sampleTransfers(n)
	practice := func(i int) *V11Practice {
		p := &V11Practice{ASID: fmt.Sprintf("2000%08d", i)}
		if i%37 != 0 {
			p.Known, p.ODSCode, p.Name = true, fmt.Sprintf("%c%05d", 'A'+i%26, i), fmt.Sprintf("THE %d MEDICAL CENTRE, HIGH STREET", i)
			if i%101 != 0 {
				p.InSICBL, p.SICBLCode, p.SICBLName = true, fmt.Sprintf("%02dQ", i%106), fmt.Sprintf("NHS SUB-ICB LOCATION %d", i%106)
			}
		}
		return p
	}
	pool := make([]*V11Practice, 7000)
	for i := range pool {
		pool[i] = practice(i)
	}
	out := make([]V11Transfer, n)
	for i := range ts {
		t := &ts[i]
		r := spine.Rules[i%len(spine.Rules)]
		if i%3 != 0 {
			r = spine.Rules[0] // most transfers integrate on time
		}
		t.Status, t.FailureReason = r.Status, r.Reason
		out[i] = V11Transfer{Transfer: t, Requesting: pool[(i*7)%len(pool)], Sending: pool[(i*13+5)%len(pool)]}
		if i%4 != 0 {
			out[i].LastSenderMessage, out[i].HasLastSender = t.DateRequested+spine.Time(i%3600)*spine.Second, true
		}
	}
	return out
}

// BenchmarkWriteV11 writes a day's table; it reports the file's size.
func BenchmarkWriteV11(b *testing.B) {
	ts := v11Day(5500)
	var cw countingWriter
	b.ReportAllocs()
	for b.Loop() {
		cw = 0
		if err := WriteV11(&cw, ts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cw), "file-bytes")
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
