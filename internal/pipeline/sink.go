package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spool"
	"github.com/nhsdigital/gp2gp/internal/store"
)

// transferSink streams transfers into transfers.parquet, in memory or, when
// the run spills, in a file of the spill directory.
type transferSink struct {
	tw  *output.TransferWriter
	mem *bytes.Buffer
	f   *os.File
	bw  *bufio.Writer
}

func newTransferSink(dir string) (*transferSink, error) {
	s := &transferSink{}
	var w io.Writer
	if dir == "" {
		s.mem = new(bytes.Buffer)
		w = s.mem
	} else {
		f, err := os.Create(filepath.Join(dir, TransfersFile))
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", TransfersFile, err)
		}
		s.f, s.bw = f, bufio.NewWriterSize(f, 1<<20)
		w = s.bw
	}
	s.tw = output.NewTransferWriter(w)
	return s, nil
}

// write appends transfers, in order.
func (s *transferSink) write(ts []spine.Transfer) error {
	if err := s.tw.Write(ts); err != nil {
		return fmt.Errorf("encode %s: %w", TransfersFile, err)
	}
	return nil
}

// close completes the file and returns it, ready to publish.
func (s *transferSink) close() (encodedFile, error) {
	if err := s.tw.Close(); err != nil {
		return encodedFile{}, fmt.Errorf("encode %s: %w", TransfersFile, err)
	}
	if s.mem != nil {
		return encodedFile{TransfersFile, spool.Spool{Data: s.mem.Bytes()}}, nil
	}
	if err := s.bw.Flush(); err != nil {
		return encodedFile{}, fmt.Errorf("encode %s: %w", TransfersFile, err)
	}
	name := s.f.Name()
	if err := s.f.Close(); err != nil {
		return encodedFile{}, fmt.Errorf("encode %s: %w", TransfersFile, err)
	}
	s.f = nil
	return encodedFile{TransfersFile, spool.Spool{Path: name}}, nil
}

// discard closes the file after a failure; the spill directory goes with it.
func (s *transferSink) discard() {
	if s.f != nil {
		s.f.Close()
	}
}

// DefaultSpillThreshold is the compressed size of the two logs above which
// a run keeps its rows on disk rather than in memory.
const DefaultSpillThreshold = 32 << 20

// spillDecision reports whether the run should spill its rows to disk,
// given the threshold (see options.spillThreshold), and the two logs'
// compressed size.
func spillDecision(ctx context.Context, threshold int64, b *store.Bucket, l Layout) (spill bool, total int64, err error) {
	for _, key := range []string{l.MetricLogKey(), l.OverflowLogKey()} {
		n, err := b.Size(ctx, key)
		if err != nil { // the store's error names the object
			return false, 0, err
		}
		total += n
	}
	switch {
	case threshold < 0:
		return true, total, nil
	case threshold == 0:
		threshold = DefaultSpillThreshold
	}
	return total > threshold, total, nil
}

// spillDirError explains a failure to create the spill directory under
// base, naming where that is and, for os.TempDir's default, how to move it.
func spillDirError(base string, err error) error {
	if base == "" {
		return fmt.Errorf("create spill directory in %s (set TMPDIR to use another): %w", os.TempDir(), err)
	}
	return fmt.Errorf("create spill directory in %s: %w", base, err)
}
