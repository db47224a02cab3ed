package spinelog

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func TestReaderFileErrors(t *testing.T) {
	rows := header + strings.Repeat(row, 2000)
	full := gz(t, rows)
	badCRC := bytes.Clone(full)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 in the gzip trailer
	long := strings.Repeat("x", MaxRecordBytes+100)

	tests := []struct {
		name     string
		in       []byte
		want     error  // errors.Is
		contains string // in the message
		line     int    // FileError.Line
		minRows  int    // messages read before the error, at least
	}{
		{name: "empty file", in: nil, want: ErrEmpty},
		{name: "not gzip", in: []byte(rows), want: ErrNotGzip},
		{name: "one byte", in: []byte{0x1f}, want: ErrNotGzip},
		{name: "gzip header cut short", in: full[:6], want: ErrTruncated},
		{name: "bad gzip header", in: append([]byte{0x1f, 0x8b, 0x99}, full[3:]...), want: ErrCorrupt},
		{name: "no header row", in: gz(t, ""), want: ErrEmpty},
		{name: "only blank lines", in: gz(t, "\n\r\n\n"), want: ErrEmpty},
		{name: "truncated", in: full[:len(full)/2], want: ErrTruncated, minRows: 1},
		{name: "trailer missing", in: full[:len(full)-8], want: ErrTruncated, minRows: 1900},
		{name: "bad checksum", in: badCRC, want: ErrCorrupt, contains: "checksum", minRows: 1900},
		{
			name: "missing columns", in: gz(t, "_time,GUID,conversationID,messageRef,toSystem\n"+row),
			want: ErrMissingColumns, line: 1,
			contains: `missing required columns interactionID, messageSender, messageRecipient, jdiEvent; ` +
				`the header has 5 columns: "_time", "GUID", "conversationID", "messageRef", "toSystem"`,
		},
		{
			name: "missing columns after BOM and blank line", in: gz(t, "\uFEFF\n"+"_time;GUID;conversationID\n"),
			want: ErrMissingColumns, line: 2, contains: `the header has 1 columns: "_time;GUID;conversationID"`,
		},
		{
			name: "duplicate column", in: gz(t, strings.TrimSuffix(header, "\n")+",GUID\n"+row),
			want: ErrDuplicateColumn, line: 1, contains: `duplicate column "GUID"`,
		},
		{name: "malformed header", in: gz(t, `"_time,GUID`+"\n"), want: ErrBadHeader, line: 1},
		{name: "long header", in: gz(t, long), want: ErrRecordTooLong, line: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, tt.in)
			var fe *FileError
			if !errors.As(res.err, &fe) || !errors.Is(res.err, tt.want) {
				t.Fatalf("got %v, want FileError %v", res.err, tt.want)
			}
			if fe.File != "test.csv.gz" || fe.Line != tt.line {
				t.Errorf("got File %q Line %d, want test.csv.gz, %d", fe.File, fe.Line, tt.line)
			}
			if !strings.HasPrefix(fe.Error(), "test.csv.gz") || !strings.Contains(fe.Error(), tt.contains) {
				t.Errorf("message %q lacks %q", fe.Error(), tt.contains)
			}
			if len(res.msgs) < tt.minRows || len(res.perrs) > 0 {
				t.Errorf("read %d messages and %d bad rows before the error, want at least %d and none",
					len(res.msgs), len(res.perrs), tt.minRows)
			}
		})
	}
}

func TestRecordJustUnderLimit(t *testing.T) {
	wide := "_time,conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem,_raw\n"
	big := strings.TrimSuffix(row, "\n") + "," + strings.Repeat("y", MaxRecordBytes-len(row)-1) + "\n"
	if len(big) != MaxRecordBytes {
		t.Fatalf("record is %d bytes", len(big))
	}
	res := readAll(t, gz(t, wide+big+big+big))
	if res.err != nil || len(res.perrs) > 0 || len(res.msgs) != 3 {
		t.Fatalf("got %d messages, %v, %v", len(res.msgs), res.perrs, res.err)
	}
}

// TestLongLinesRejected: a line over MaxRecordBytes is rejected as a row
// and reading goes on with the next line; a long value of a known column is
// rejected too.
func TestLongLinesRejected(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes)
	field := strings.Replace(row, "NONE", strings.Repeat("9", MaxFieldBytes+1), 1)
	tests := []struct {
		name, in string
		line     int
		reason   string
		msgs     int
	}{
		{"long line", header + row + row + `2019-12-01T08:41:48.337+0000,` + long + "\n" + row, 4, "is longer than 1048576 bytes; skipped", 3},
		{"just over the limit, last line", header + row + "a," + long[:MaxRecordBytes-1] + "\n", 3, "is longer than 1048576 bytes; skipped", 1},
		{"no final newline", header + row + long + long, 3, "is longer than 1048576 bytes; skipped", 1},
		{"long quoted field", header + `"2019-12-01T08:41:48.337+0000","` + long + `"` + "\n" + row, 2, "is longer than 1048576 bytes; skipped", 1},
		{"long known field", header + field + row, 2, "is 4097 bytes long, more than the 4096 allowed", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, gz(t, tt.in))
			if res.err != nil {
				t.Fatalf("read failed: %v", res.err)
			}
			if len(res.perrs) != 1 || res.perrs[0].Line != tt.line || res.perrs[0].Reason != tt.reason {
				t.Fatalf("bad rows %v, want one on line %d: %s", res.perrs, tt.line, tt.reason)
			}
			if pe := res.perrs[0]; pe.Field == "" {
				line := strings.Split(tt.in, "\n")[pe.Line-1]
				if want := line[:MaxValueBytes] + "…"; pe.Value != want {
					t.Errorf("value %q, want the line's start %q", pe.Value, want)
				}
			}
			if len(res.perrs[0].Error()) > 300 {
				t.Errorf("error is %d bytes long", len(res.perrs[0].Error()))
			}
			if len(res.msgs) != tt.msgs {
				t.Errorf("%d messages, want %d", len(res.msgs), tt.msgs)
			}
		})
	}
}

// TestMemoryBounded checks that skipping a huge line holds no more than
// about MaxRecordBytes of it in memory.
func TestMemoryBounded(t *testing.T) {
	huge := gz(t, header+strings.Repeat("z", 256<<20)+"\n"+row)
	rd, err := NewReader(bytes.NewReader(huge), "huge.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var m spine.Message
	var pe *ParseError
	if err := rd.Read(&m); !errors.As(err, &pe) || pe.Line != 2 {
		t.Fatalf("got %v, want a ParseError on line 2", err)
	}
	runtime.ReadMemStats(&after)
	// The read-ahead's buffers may be allocated meanwhile too.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8*MaxRecordBytes+(chunks+2)*chunkSize {
		t.Errorf("allocated %d bytes to skip a 256 MiB line", grew)
	}
	if err := rd.Read(&m); err != nil || m.GUID == "" {
		t.Fatalf("the row after: %v", err)
	}
}

// failingReader returns data and then an error.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderSourceError(t *testing.T) {
	errNet := errors.New("connection reset")
	full := gz(t, header+strings.Repeat(row, 5000))
	for _, cut := range []int{0, 5, 30, len(full) / 2, len(full) - 1} {
		rd, err := NewReader(&failingReader{data: full[:cut], err: errNet}, "s3://bucket/key.csv.gz")
		for err == nil {
			var m = msg
			err = rd.Read(&m)
		}
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, errNet) || err == io.EOF {
			t.Errorf("cut at %d: got %v, want a FileError wrapping %v", cut, err, errNet)
		}
	}
}
