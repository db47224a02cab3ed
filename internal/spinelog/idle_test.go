package spinelog

import (
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// gatedReader returns data up to gate bytes, then waits for open to be
// closed before returning the rest (or fails after a while, so that a
// reader that never calls its idle function fails the test rather than
// hanging it).
type gatedReader struct {
	data []byte
	gate int
	open chan struct{}
	off  int
}

func (g *gatedReader) Read(p []byte) (int, error) {
	if g.off == g.gate {
		select {
		case <-g.open:
		case <-time.After(10 * time.Second):
			return 0, errors.New("the reader never called its idle function while it waited")
		}
	}
	end := len(g.data)
	if g.off < g.gate {
		end = g.gate
	}
	if g.off == len(g.data) {
		return 0, io.EOF
	}
	n := copy(p, g.data[g.off:end])
	g.off += n
	return n, nil
}

// TestSetIdle checks that a Reader waiting for the decompressor calls its
// idle function, on the reading goroutine, and reads every row regardless;
// and, with more rows than Stats's batch and not a multiple of it, that
// Stats counts every row at the end.
func TestSetIdle(t *testing.T) {
	const rows = 20000
	data := gz(t, header+strings.Repeat(row, rows))
	g := &gatedReader{data: data, gate: len(data) / 2, open: make(chan struct{})}
	rd, err := NewReader(g, "gated.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var calls atomic.Int64
	reading := true // set and read on the reading goroutine only: the race detector checks that
	rd.SetIdle(func() {
		if !reading {
			t.Error("idle called outside Read")
		}
		if calls.Add(1) == 1 {
			close(g.open)
		}
	})
	n := 0
	for {
		var m spine.Message
		reading = true
		err := rd.Read(&m)
		reading = false
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", n+1, err)
		}
		if m != msg {
			t.Fatalf("row %d: %+v, want %+v", n+1, m, msg)
		}
		n++
	}
	if n != rows || calls.Load() == 0 {
		t.Errorf("read %d rows, idle called %d times; want %d rows and some calls", n, calls.Load(), rows)
	}
	if st := rd.Stats(); st.Records != rows || st.Accepted != rows || st.Rejected != 0 {
		t.Errorf("stats %+v, want %d rows accepted", st, rows)
	}
}
