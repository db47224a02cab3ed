package convstore

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSpillWriterError checks that a failed spill write is reported: by a
// later send, or at the latest by close.
func TestSpillWriterError(t *testing.T) {
	w := startSpillWriter(filepath.Join(t.TempDir(), "missing"))
	var err error
	for i := 0; i < 3*spillQueue && err == nil; i++ {
		_, err = w.send(i%3, []byte("records"))
	}
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err == nil || !strings.Contains(err.Error(), "spill:") {
		t.Fatalf("spilling into a missing directory: error %v, want a spill error", err)
	}
	if err := w.close(); err == nil {
		t.Error("a second close forgot the error")
	}
}
