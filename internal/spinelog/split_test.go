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
// it splits a line, csv reads the same fields from it.
func FuzzSplitSimple(f *testing.F) {
	for _, s := range []string{
		`"2019-12-01T00:00:00.594+0000","E60B","EADB",x,195034678723,,"",NONE,SystmOne,EMIS`,
		`a,"b",c`, `"a""b",c`, `a,b"c`, `"a"b,c`, `"a,b",c`, `,`, `""`, `"`, "a\rb", ` a , b `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsRune(line, '\n') {
			return
		}
		got, ok := splitSimple([]byte(line), nil)
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
