package spinelog

import (
	"bytes"
	"encoding/csv"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// FuzzSplitSimple checks the fast splitter against encoding/csv: whenever
// it splits a line, csv reads the same fields from it. The splitter first
// splits another line, whose quoted fields' widths it then tries on the
// line checked: a guess that lands on a quote inside a field must not
// change the result.
func FuzzSplitSimple(f *testing.F) {
	for _, s := range []string{
		`"2019-12-01T00:00:00.594+0000","E60B","EADB",x,195034678723,,"",NONE,SystmOne,EMIS`,
		`a,"b",c`, `"a""b",c`, `"a",`, `"a",,"b"`, `"a" ,b`, `a,"b`, `a,b"`, `"a",b"`, `"a,b"c",d`, `a,b"c`, `"a"b,c`, `"a,b",c`, `,`, `""`, `"`, "a\rb", ` a , b `,
	} {
		f.Add("", s)
		f.Add(s, s)
	}
	for _, p := range [][2]string{
		{`"abcd",x`, `"a","",x`},    // past the field's end, on a line that is simple all the same
		{`"abcd",x`, `"a",b",x`},    // past the field's end, on a line that is not
		{`"abcd",x`, `"a""b",x`},    // on an escaped quote
		{`"abcd"`, `"a,b"`},         // past the line's end
		{`x,"abcd",y`, `x,"ab",d"`}, // on the quote of an unquoted field
		{`"2019-12-01T00:00:00.594+0000",a`, `"2019-12-01T00:00:00.594+0000",a`},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, prime, line string) {
		if strings.ContainsRune(line, '\n') || strings.ContainsRune(prime, '\n') {
			return
		}
		var widths quotedWidths
		splitSimple([]byte(prime), false, nil, &widths)
		got, ok := splitSimple([]byte(line), false, nil, &widths)
		ref, refOK := splitFieldByField([]byte(line), nil)
		if ok != refOK || (ok && !cmp.Equal(got, ref)) {
			t.Fatalf("splitSimple(%q) = %q, %v; field by field: %q, %v", line, got, ok, ref, refOK)
		}
		if !ok {
			return
		}
		cr := csv.NewReader(strings.NewReader(line + "\n"))
		cr.FieldsPerRecord = -1
		want, err := cr.Read()
		if line == "" {
			return // csv skips empty lines; the Reader does too, before splitting
		}
		if err != nil {
			t.Fatalf("splitSimple split %q, csv rejects it: %v", line, err)
		}
		var gotS []string
		for _, g := range got {
			gotS = append(gotS, string(g))
		}
		if diff := cmp.Diff(want, gotS); diff != "" {
			t.Fatalf("splitSimple(%q) (-csv +splitSimple):\n%s", line, diff)
		}
	})
}

// splitFieldByField is the previous splitSimple, searching every
// unquoted field for a quote: the fuzzer checks that splitSimple accepts
// the same lines, with the same fields.
func splitFieldByField(line []byte, fields [][]byte) ([][]byte, bool) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return fields, false
	}
	for {
		if len(line) > 0 && line[0] == '"' {
			end := bytes.IndexByte(line[1:], '"')
			if end < 0 {
				return fields, false
			}
			fields = append(fields, line[1:1+end])
			line = line[2+end:]
			if len(line) == 0 {
				return fields, true
			}
			if line[0] != ',' {
				return fields, false
			}
			line = line[1:]
			continue
		}
		end := bytes.IndexByte(line, ',')
		if end < 0 {
			end = len(line)
		}
		if bytes.IndexByte(line[:end], '"') >= 0 {
			return fields, false
		}
		fields = append(fields, line[:end])
		if end == len(line) {
			return fields, true
		}
		line = line[end+1:]
	}
}

// TestCloseStopsDecompression checks that a Reader abandoned early and
// closed does not leave its goroutine behind.
func TestCloseStopsDecompression(t *testing.T) {
	data := gz(t, header+strings.Repeat(row, 50_000))
	before := runtime.NumGoroutine()
	for range 5 {
		rd, err := NewReader(bytes.NewReader(data), "f.csv.gz")
		if err != nil {
			t.Fatal(err)
		}
		var m spine.Message
		if err := rd.Read(&m); err != nil {
			t.Fatal(err)
		}
		rd.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing, %d before", n, before)
	}
}
