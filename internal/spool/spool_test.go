package spool

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// TestWriteCopy: an output spooled in memory or to a file copies back the
// bytes written; a failed write is returned.
func TestWriteCopy(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		s, err := Write(dir, func(w io.Writer) error {
			_, err := io.WriteString(w, "payload")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if (s.Path != "") != (dir != "") {
			t.Errorf("dir %q: spooled to %+v", dir, s)
		}
		var got bytes.Buffer
		if err := s.CopyTo(&got); err != nil || got.String() != "payload" {
			t.Errorf("dir %q: copied %q, %v; want the payload", dir, got.String(), err)
		}
		boom := errors.New("boom")
		if _, err := Write(dir, func(io.Writer) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("dir %q: failed write gave %v", dir, err)
		}
		if dir != "" {
			if left, _ := os.ReadDir(dir); len(left) != 1 {
				t.Errorf("dir %q: %d files after one write and one failed, want 1", dir, len(left))
			}
		}
	}
	if err := (Spool{Path: "/nonexistent/spool"}).CopyTo(io.Discard); err == nil {
		t.Error("a missing file copied")
	}
}
