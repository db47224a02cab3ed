// Package spool holds a run's outputs between encoding and publishing:
// each output's bytes in memory or, for a large one, in a temporary file,
// so that nothing is published until every output could be computed.
package spool

import (
	"bufio"
	"bytes"
	"io"
	"os"
)

// Spool is an encoded output: its bytes, or the file holding them.
type Spool struct {
	Data []byte // the bytes, if Path is empty
	Path string // the file holding the bytes, if set
}

// Write encodes an output with write: in memory if dir is empty, else
// into a new temporary file in dir. If write fails, nothing is kept.
func Write(dir string, write func(io.Writer) error) (Spool, error) {
	if dir == "" {
		var buf bytes.Buffer
		err := write(&buf)
		return Spool{Data: buf.Bytes()}, err
	}
	f, err := os.CreateTemp(dir, "gp2gp-spool-*")
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
	if err != nil {
		os.Remove(f.Name())
		return Spool{}, err
	}
	return Spool{Path: f.Name()}, nil
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
