package spinelog

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestLineSourceNoCR: a line is known to hold no carriage return when the
// chunk it lies in holds none; not when its chunk holds one elsewhere, nor
// when it spans chunks.
func TestLineSourceNoCR(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n" // 100 bytes
	var data bytes.Buffer
	for data.Len()+len(line) <= chunkSize {
		data.WriteString(line) // whole lines of the first chunk
	}
	data.WriteString(strings.Repeat("y", chunkSize-data.Len()+10) + "\n") // spans the first two chunks
	data.WriteString("a\rb\n")                                            // the second chunk holds a carriage return
	data.WriteString(line)
	want := map[string]bool{line: true, "a\rb\n": false}
	f := startInflater(bytes.NewReader(data.Bytes()))
	defer f.close()
	s := lineSource{f: f, limit: 1 << 20}
	var n int
	for {
		l, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		w, ok := want[string(l)]
		switch {
		case l[0] == 'y':
			w, ok = false, true
		case n == chunkSize/len(line)+3: // the last line, in the second chunk
			w = false
		}
		if !ok || s.noCR != w {
			t.Errorf("line %d (%.10q…): noCR %v, want %v", n, l, s.noCR, w)
		}
	}
	if want := chunkSize/len(line) + 3; n != want {
		t.Errorf("%d lines, want %d", n, want)
	}
}
