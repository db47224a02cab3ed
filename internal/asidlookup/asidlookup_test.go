package asidlookup

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestRead(t *testing.T) {
	csv := "ASID,NACS,OrgName,MName,PName,OrgType,PostCode\n" +
		"000123,A1,\"Surgery, The\",S,P,GP Practice,LS1\n" +
		"456,B2,Pharmacy,S,P,Pharmacy,LS2\n" +
		"000789,A1,\"Multi\nline\",S,P,GP Practice,LS1\n" +
		"000123,A1,DR O\"NEILL,S,P,GP Practice,LS1\r\n"
	for _, tc := range []struct{ name, in string }{
		{"plain", csv},
		{"with a BOM", "\uFEFF" + csv},
		{"columns by name, not position", "OrgName,NACS,ASID\nx,A1,000123\ny,B2,456\nz,A1,000789\nw,A1,000123\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Read(bytes.NewReader(gz(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{"A1": {"000123", "000789", "000123"}, "B2": {"456"}}
			if d := cmp.Diff(want, l.ASIDs); d != "" {
				t.Errorf("ASIDs (-want +got):\n%s", d)
			}
			if l.Rows != 4 {
				t.Errorf("rows %d, want 4", l.Rows)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not gzip", []byte("ASID,NACS\n1,A\n"), "not a gzip file (it does not start with gzip's magic bytes 1f 8b)"},
		{"empty file", nil, "not a gzip file"},
		{"truncated gzip", gz("ASID,NACS\n1,A\n2,B\n")[:20], "unexpected EOF"},
		{"no NACS column", gz("ASID,ODS\n1,A\n"), "header has no NACS column (header: ASID,ODS)"},
		{"neither column", gz("X,Y\n1,A\n"), "header has no ASID or NACS column"},
		{"no header", gz(""), "empty: no header line"},
		{"short row", gz("ASID,NACS\n1,A\n2\n"), "line 3: 1 fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want it to contain %q", err, tc.want)
			}
			if strings.HasPrefix(tc.name, "not gzip") && !errors.Is(err, ErrNotGzip) {
				t.Errorf("err %v does not wrap ErrNotGzip", err)
			}
		})
	}
}
