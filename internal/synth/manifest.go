package synth

import (
	"encoding/csv"
	"io"
)

// manifestWriter writes the scenario of every conversation as CSV.
type manifestWriter struct {
	w   *csv.Writer
	buf []byte
}

func newManifestWriter(w io.Writer) *manifestWriter {
	m := &manifestWriter{w: csv.NewWriter(w)}
	_ = m.w.Write([]string{"conversation_id", "family", "expected_status", "expected_failure_reason"})
	return m
}

func (m *manifestWriter) write(conv *id, f *family) {
	m.buf = appendID(m.buf[:0], conv)
	_ = m.w.Write([]string{string(m.buf), f.name, f.status, f.reason})
}

func (m *manifestWriter) close() error {
	m.w.Flush()
	return m.w.Error()
}
