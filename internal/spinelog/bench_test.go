package spinelog

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2019-12-01T08:41:48.337+0000", "2019-12-02 09:41:48.337 BST"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseTime(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchLog is a realistic gzip-compressed log of n rows.
func benchLog(b *testing.B, n int) []byte {
	b.Helper()
	var sb strings.Builder
	sb.WriteString(header)
	kinds := []string{started, "urn:nhs:names:services:gp2gp/RCMR_IN030000UK06", ack, "urn:nhs:names:services:gp2gp/COPC_IN000001UK01"}
	for i := range n {
		conv := fmt.Sprintf("%08X-%04X-%04X-%04X-%012X", i/10, i%7, i%11, i%13, i*7919)
		fmt.Fprintf(&sb, "\"2019-12-%02dT%02d:%02d:%02d.%03d+0000\",\"%s\",\"%08X-1DDA-95ED-88C5-%012X\",\"%s\",%012d,%012d,",
			1+i%28, i%24, i%60, (i/60)%60, i%1000, conv, i, i*31, kinds[i%4], 100000000000+i%5000, 200000000000+i%3000)
		if i%4 == 2 {
			fmt.Fprintf(&sb, "\"%s\",", conv)
		} else {
			sb.WriteString("NotProvided,")
		}
		if i%50 == 0 {
			sb.WriteString("30,")
		} else {
			sb.WriteString("NONE,")
		}
		sb.WriteString([]string{"EMIS,SystmOne\n", "Vision,EMIS\n", ",\n"}[i%3])
	}
	return gz(b, sb.String())
}

// BenchmarkReader is Read: each row copied into a spine.Message.
func BenchmarkReader(b *testing.B) {
	var m spine.Message
	benchReading(b, func(rd *Reader) error { return rd.Read(&m) })
}

// BenchmarkReadRow is the pipeline's path: rows without copying.
func BenchmarkReadRow(b *testing.B) {
	var row Row
	benchReading(b, func(rd *Reader) error { return rd.ReadRow(&row) })
}

// benchReading reads a generated 100,000-row log to its end with next,
// reporting rows/s.
func benchReading(b *testing.B, next func(*Reader) error) {
	const rows = 100_000
	data := benchLog(b, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(data), "bench.csv.gz")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			err := next(rd)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkSplitSimple is the CSV splitter alone, on a typical line.
func BenchmarkSplitSimple(b *testing.B) {
	line := []byte(`"2019-12-01T00:00:00.594+0000","E60B5370-8275-8EF6-80CF-60FBC80A7880","EADBD6AC-EDD0-F775-4D39-C55D5D7691AE","urn:nhs:names:services:gp2gp/MCCI_IN010000UK13",195034678723,994011546405,"4641C65F-3239-D78B-2BF4-6778ADCD5B85",NONE,SystmOne,EMIS`)
	fields := make([][]byte, 0, 16)
	var widths quotedWidths
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		var ok bool
		if fields, ok = splitSimple(line, false, fields[:0], &widths); !ok || len(fields) != 10 {
			b.Fatal("not split")
		}
	}
}
