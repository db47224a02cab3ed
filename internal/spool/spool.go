// Package spool holds a run's outputs between encoding and publishing:
// each output's bytes in memory or, for a large one, in a temporary file,
// so that nothing is published until every output could be computed.
package spool

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
)

// Spool is an encoded output: its bytes, or the file holding them.
type Spool struct {
	Data []byte // the bytes, if Path is empty
	Path string // the file holding the bytes, if set
}

// Write encodes an output with write: in memory if dir is empty, else
// into the file name in dir (created or truncated).
func Write(dir, name string, write func(io.Writer) error) (Spool, error) {
	if dir == "" {
		var buf bytes.Buffer
		err := write(&buf)
		return Spool{Data: buf.Bytes()}, err
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		return Spool{}, err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return Spool{Path: p}, err
}

// CopyTo writes the output's bytes to w.
func (s Spool) CopyTo(w io.Writer) error {
	if s.Path == "" {
		_, err := w.Write(s.Data)
		return err
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
