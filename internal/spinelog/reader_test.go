package spinelog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

const (
	ack     = "urn:nhs:names:services:gp2gp/MCCI_IN010000UK13"
	started = "urn:nhs:names:services:gp2gp/RCMR_IN010000UK05"
)

// row is a valid data row in the column order of header, at base time.
const row = `"2019-12-01T08:41:48.337+0000","conv-1","guid-1","` + ack + `",003456789123,123456789123,"guid-0",NONE,SupplierA,SupplierB` + "\n"

// msg is what row decodes to.
var msg = spine.Message{
	Time:           at(2019, 12, 1, 8, 41, 48, 337_000),
	ConversationID: "conv-1",
	GUID:           "guid-1",
	Interaction:    ack,
	Sender:         "003456789123",
	Recipient:      "123456789123",
	MessageRef:     "guid-0",
	ToSystem:       spine.Str("SupplierA"),
	FromSystem:     spine.Str("SupplierB"),
}

// with returns msg changed by f.
func with(f func(m *spine.Message)) spine.Message {
	m := msg
	f(&m)
	return m
}

// wantErr describes an expected ParseError.
type wantErr struct {
	Line   int
	Column int
	Field  string
	Value  string
	Reason string // a substring of the reason
}

func TestReaderRows(t *testing.T) {
	tests := []struct {
		name  string
		in    string // the decompressed file
		msgs  []spine.Message
		perrs []wantErr
	}{
		{name: "one row", in: header + row, msgs: []spine.Message{msg}},
		{name: "header only", in: header},
		{name: "no trailing newline", in: header + strings.TrimSuffix(row, "\n"), msgs: []spine.Message{msg}},
		{name: "blank lines skipped", in: header + "\n" + row + "\n\n" + row, msgs: []spine.Message{msg, msg}},
		{
			name: "columns in another order",
			in: "fromSystem,jdiEvent,messageRef,messageRecipient,messageSender,interactionID,GUID,conversationID,toSystem,_time\n" +
				`SupplierB,NONE,guid-0,123456789123,003456789123,` + ack + `,guid-1,conv-1,SupplierA,2019-12-01T08:41:48.337+0000` + "\n",
			msgs: []spine.Message{msg},
		},
		{
			name: "supplier columns absent",
			in: "_time,conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE` + "\n",
			msgs: []spine.Message{with(func(m *spine.Message) { m.ToSystem, m.FromSystem = spine.NullString{}, spine.NullString{} })},
		},
		{
			name: "unknown columns ignored",
			in: "_raw,_time,conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,host,toSystem,fromSystem\n" +
				`raw,2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,h,SupplierA,SupplierB` + "\n" +
				`"` + strings.Repeat("x", 5000) + `",2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,h,SupplierA,SupplierB` + "\n",
			msgs: []spine.Message{msg, msg},
		},
		{
			name: "empty suppliers are present",
			in:   header + `2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,,` + "\n",
			msgs: []spine.Message{with(func(m *spine.Message) { m.ToSystem, m.FromSystem = spine.Str(""), spine.Str("") })},
		},
		{
			name: "trailing suppliers missing from a row",
			in: header +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA` + "\n",
			msgs: []spine.Message{
				with(func(m *spine.Message) { m.ToSystem, m.FromSystem = spine.NullString{}, spine.NullString{} }),
				with(func(m *spine.Message) { m.FromSystem = spine.NullString{} }),
			},
		},
		{
			name:  "too few fields",
			in:    header + `2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0` + "\n" + row,
			msgs:  []spine.Message{msg},
			perrs: []wantErr{{Line: 2, Value: lineValue(`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack), Reason: "has 7 fields, the header has 10"}},
		},
		{
			name:  "too many fields",
			in:    header + strings.TrimSuffix(row, "\n") + ",extra\n" + row,
			msgs:  []spine.Message{msg},
			perrs: []wantErr{{Line: 2, Value: lineValue(row), Reason: "has 11 fields, the header has 10"}},
		},
		{
			name: "suppliers not trailing cannot be left out",
			in: "toSystem,fromSystem,_time,conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE` + "\n",
			perrs: []wantErr{{Line: 2, Value: lineValue(`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack), Reason: "has 8 fields, the header has 10"}},
		},
		{name: "BOM", in: "\uFEFF" + header + row, msgs: []spine.Message{msg}},
		{
			name: "CRLF",
			in:   strings.ReplaceAll(header+row+row, "\n", "\r\n"),
			msgs: []spine.Message{msg, msg},
		},
		{
			name: "quoted commas and quotes, CRLF",
			in: header +
				`2019-12-01T08:41:48.337+0000,"conv,1","gu""id","` + ack + `",003456789123,123456789123,guid-0,NONE,"Supplier A","B, C"` + "\r\n" +
				`2019-12-01T08:41:48.337Z,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,ERROR,,` + "\n",
			msgs: []spine.Message{with(func(m *spine.Message) {
				m.ConversationID, m.GUID = "conv,1", `gu"id`
				m.ToSystem, m.FromSystem = spine.Str("Supplier A"), spine.Str("B, C")
			})},
			perrs: []wantErr{{Line: 3, Column: 8, Field: "jdiEvent", Value: "ERROR", Reason: "is neither NONE nor an integer"}},
		},
		{
			// No column can hold a line break: a quoted field open at the
			// end of its line rejects that line alone, and the next row,
			// and each piece of a value split over lines, is read on its own.
			name: "unterminated quote does not swallow the next row",
			in: header +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,"abc,NONE,SupplierA,SupplierB` + "\n" +
				row +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,"Supplier` + "\nA\",SupplierB\n" +
				row,
			msgs: []spine.Message{msg, msg},
			perrs: []wantErr{
				{Line: 2, Column: 7, Field: "messageRef", Value: lineValue(`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack), Reason: "has a quoted field that is not closed on its line"},
				{Line: 4, Column: 9, Field: "toSystem", Value: lineValue(`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack), Reason: "has a quoted field that is not closed on its line"},
				{Line: 5, Value: `A",SupplierB`, Reason: `is not valid CSV (byte 2: bare " in non-quoted-field)`},
			},
		},
		{
			name: "unterminated quote after an escaped one",
			in: header +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,"Supplier ""A"", Ltd","B` + "\n" +
				row,
			msgs: []spine.Message{msg},
			perrs: []wantErr{{Line: 2, Column: 10, Field: "fromSystem", Value: lineValue(`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack),
				Reason: "has a quoted field that is not closed on its line"}},
		},
		{
			name: "messageRef none",
			in: header +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,NotProvided,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,notprovided,NONE,SupplierA,SupplierB` + "\n",
			msgs: []spine.Message{
				with(func(m *spine.Message) { m.MessageRef = "" }),
				with(func(m *spine.Message) { m.MessageRef = "" }),
				with(func(m *spine.Message) { m.MessageRef = "notprovided" }),
			},
		},
		{
			name: "jdiEvent",
			in: header + jdiRow("NONE") + jdiRow("") + jdiRow("0") + jdiRow("12") + jdiRow("-5") + jdiRow("+7") +
				jdiRow("007") + jdiRow("ERROR") + jdiRow("1.5") + jdiRow(" 12") + jdiRow("none") + jdiRow("0x1F") +
				jdiRow("99999999999999999999") + jdiRow("1_000"),
			msgs: []spine.Message{
				msg, msg,
				with(func(m *spine.Message) { m.Error = spine.Code(0) }),
				with(func(m *spine.Message) { m.Error = spine.Code(12) }),
				with(func(m *spine.Message) { m.Error = spine.Code(-5) }),
				with(func(m *spine.Message) { m.Error = spine.Code(7) }),
				with(func(m *spine.Message) { m.Error = spine.Code(7) }),
			},
			perrs: []wantErr{
				{Line: 9, Column: 8, Field: "jdiEvent", Value: "ERROR", Reason: "is neither NONE nor an integer"},
				{Line: 10, Column: 8, Field: "jdiEvent", Value: "1.5", Reason: "is neither NONE nor an integer"},
				{Line: 11, Column: 8, Field: "jdiEvent", Value: " 12", Reason: "is neither NONE nor an integer"},
				{Line: 12, Column: 8, Field: "jdiEvent", Value: "none", Reason: "is neither NONE nor an integer"},
				{Line: 13, Column: 8, Field: "jdiEvent", Value: "0x1F", Reason: "is neither NONE nor an integer"},
				{Line: 14, Column: 8, Field: "jdiEvent", Value: "99999999999999999999", Reason: "out of range"},
				{Line: 15, Column: 8, Field: "jdiEvent", Value: "1_000", Reason: "is neither NONE nor an integer"},
			},
		},
		{
			name: "empty ids",
			in: header +
				`2019-12-01T08:41:48.337+0000,,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,"",` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,,,,,,,` + "\n",
			msgs: []spine.Message{with(func(m *spine.Message) {
				m.Interaction, m.Sender, m.Recipient, m.MessageRef = "", "", "", ""
				m.ToSystem, m.FromSystem = spine.Str(""), spine.Str("")
			})},
			perrs: []wantErr{
				{Line: 2, Column: 2, Field: "conversationID", Reason: "is empty"},
				{Line: 3, Column: 3, Field: "GUID", Reason: "is empty"},
			},
		},
		{
			name: "times",
			in: header + timeRow("2019-12-01 09:41:48.337 BST") + timeRow("") + timeRow("2019-12-01T08:41:48.337") +
				timeRow("2019-02-29T08:41:48.337Z") + timeRow("2019-12-01T08:41:48.337+0000"),
			msgs: []spine.Message{msg, msg},
			perrs: []wantErr{
				{Line: 3, Column: 1, Field: "_time", Value: "", Reason: "is empty"},
				{Line: 4, Column: 1, Field: "_time", Value: "2019-12-01T08:41:48.337", Reason: "has no UTC offset"},
				{Line: 5, Column: 1, Field: "_time", Value: "2019-02-29T08:41:48.337Z", Reason: "day out of range"},
			},
		},
		{
			name: "invalid UTF-8",
			in: header +
				`2019-12-01T08:41:48.337+0000,conv-1,gu` + "\xff" + `id,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,"Bad` + "\xc3\x28" + `"` + "\n" +
				`2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,Ünïcödé,SupplierB` + "\n",
			msgs: []spine.Message{with(func(m *spine.Message) { m.ToSystem = spine.Str("Ünïcödé") })},
			perrs: []wantErr{
				{Line: 2, Column: 3, Field: "GUID", Value: "gu\xffid", Reason: "is not valid UTF-8"},
				{Line: 3, Column: 10, Field: "fromSystem", Value: "Bad\xc3\x28", Reason: "is not valid UTF-8"},
			},
		},
		{
			name: "malformed CSV, then reading goes on",
			in: header +
				`2019-12-01T08:41:48.337+0000,con"v-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n" +
				`2019-12-01T08:41:48.337+0000,"conv-1"x,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n" +
				row,
			msgs: []spine.Message{msg},
			perrs: []wantErr{
				{Line: 2, Value: lineValue(`2019-12-01T08:41:48.337+0000,con"v-1,guid-1,` + ack), Reason: "is not valid CSV"},
				{Line: 3, Value: lineValue(`2019-12-01T08:41:48.337+0000,"conv-1"x,guid-1,` + ack), Reason: "is not valid CSV"},
			},
		},
		{
			name: "unterminated quote at end of file",
			in:   header + row + `2019-12-01T08:41:48.337+0000,"conv-1,guid-1` + "\n",
			msgs: []spine.Message{msg},
			perrs: []wantErr{{Line: 3, Column: 2, Field: "conversationID", Value: `2019-12-01T08:41:48.337+0000,"conv-1,guid-1`,
				Reason: "has a quoted field that is not closed on its line"}},
		},
		{
			name: "long value in an error is truncated",
			in:   header + jdiRow(strings.Repeat("é", 100)),
			perrs: []wantErr{{Line: 2, Column: 8, Field: "jdiEvent", Value: strings.Repeat("é", 40) + "…",
				Reason: "is neither NONE nor an integer"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, gz(t, tt.in))
			if res.err != nil {
				t.Fatalf("reading ended with %v", res.err)
			}
			if diff := cmp.Diff(tt.msgs, res.msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			var got []wantErr
			for i, pe := range res.perrs {
				if pe.File != "test.csv.gz" {
					t.Errorf("ParseError.File = %q", pe.File)
				}
				reason := pe.Reason
				if i < len(tt.perrs) && strings.Contains(reason, tt.perrs[i].Reason) {
					reason = tt.perrs[i].Reason // want.Reason is a substring
				}
				got = append(got, wantErr{pe.Line, pe.Column, pe.Field, pe.Value, reason})
			}
			if diff := cmp.Diff(tt.perrs, got); diff != "" {
				t.Errorf("parse errors (-want +got):\n%s", diff)
			}
			wantStats := Stats{
				Records:  int64(len(tt.msgs) + len(tt.perrs)),
				Accepted: int64(len(tt.msgs)),
				Rejected: int64(len(tt.perrs)),
			}
			gotStats := res.stats
			if gotStats.CompressedBytes <= 0 || gotStats.DecompressedBytes != int64(len(tt.in)) {
				t.Errorf("stats bytes = %d compressed, %d decompressed; want > 0, %d",
					gotStats.CompressedBytes, gotStats.DecompressedBytes, len(tt.in))
			}
			gotStats.CompressedBytes, gotStats.DecompressedBytes = 0, 0
			if gotStats != wantStats {
				t.Errorf("stats = %+v, want %+v", gotStats, wantStats)
			}
		})
	}
}

func jdiRow(v string) string {
	return `2019-12-01T08:41:48.337+0000,conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,"` + v + `",SupplierA,SupplierB` + "\n"
}

func timeRow(v string) string {
	return `"` + v + `",conv-1,guid-1,` + ack + `,003456789123,123456789123,guid-0,NONE,SupplierA,SupplierB` + "\n"
}

func TestParseErrorFormat(t *testing.T) {
	data := gz(t, header+row+row+jdiRow("ERROR"))
	rd, err := NewReader(strings.NewReader(string(data)), "2019-12_spine_messages.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	var m spine.Message
	for range 2 {
		if err := rd.Read(&m); err != nil {
			t.Fatal(err)
		}
	}
	err = rd.Read(&m)
	const want = `2019-12_spine_messages.csv.gz:4:8: jdiEvent "ERROR" is neither NONE nor an integer`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	whole := &ParseError{File: "f.csv.gz", Line: 7, Reason: "has 3 fields, the header has 10"}
	if got, want := whole.Error(), "f.csv.gz:7: has 3 fields, the header has 10"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCRLFSameAsLF: a CRLF line ending reads exactly as LF, on the fast
// path and on encoding/csv's, quoted last fields included.
func TestCRLFSameAsLF(t *testing.T) {
	lines := []string{
		strings.TrimSuffix(row, "\n"),
		`"2019-12-01T08:41:48.337+0000","c","g","` + ack + `","003456789123","123456789123","guid-0","NONE","A","B"`,
		`2019-12-01T08:41:48.337+0000,c,g,` + ack + `,003456789123,123456789123,guid-0,NONE,"A","B ""x"""`,
		`2019-12-01T08:41:48.337+0000,c,g,` + ack + `,003456789123,123456789123,guid-0,NONE,,`,
	}
	for _, l := range lines {
		lf := readAll(t, gz(t, header+l+"\n"+l+"\n"))
		crlf := readAll(t, gz(t, strings.ReplaceAll(header, "\n", "\r\n")+l+"\r\n"+l+"\r\n"))
		if lf.err != nil || crlf.err != nil || len(lf.msgs) != 2 {
			t.Fatalf("%s: LF %d msgs %v, CRLF %v", l, len(lf.msgs), lf.err, crlf.err)
		}
		if d := cmp.Diff(lf.msgs, crlf.msgs); d != "" {
			t.Errorf("%s: CRLF reads differently (-LF +CRLF):\n%s", l, d)
		}
	}
}

// lineValue is what a whole-line ParseError holds as its value: the line's
// first MaxValueBytes bytes.
func lineValue(line string) string {
	line = strings.TrimSuffix(line, "\n")
	if len(line) <= MaxValueBytes {
		return line
	}
	return line[:MaxValueBytes] + "…"
}
