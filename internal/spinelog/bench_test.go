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

func BenchmarkReader(b *testing.B) {
	const rows = 100_000
	data := benchLog(b, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd, err := NewReader(bytes.NewReader(data), "bench.csv.gz")
		if err != nil {
			b.Fatal(err)
		}
		var m spine.Message
		n := 0
		for {
			err := rd.Read(&m)
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
