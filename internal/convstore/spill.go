package convstore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// spillQueue is how many full partition buffers may wait for the spill
// writer before the reader blocks: enough to absorb a slow write or two,
// while bounding memory (a few MiB).
const spillQueue = 16

// spillWriter writes partition buffers to their files on a goroutine of
// its own. The write system calls cost about as much CPU as grouping the
// rows; on the reading goroutine they would lengthen the read, which
// already shares the machine with the decompressor. Each partition's
// buffers are written in the order they were queued, so the files hold
// the same bytes as if written in place.
type spillWriter struct {
	dir   string
	jobs  chan spillJob
	free  chan []byte // written buffers, for reuse
	done  chan struct{}
	files []*os.File // by partition; owned by the goroutine until done
	err   error      // the first error; read after done, or via failed
	mu    sync.Mutex
	stop  sync.Once
}

type spillJob struct {
	k    int
	buf  []byte
	done chan struct{} // a barrier: closed when reached, instead of a write
}

func startSpillWriter(dir string) *spillWriter {
	w := &spillWriter{
		dir:  dir,
		jobs: make(chan spillJob, spillQueue),
		free: make(chan []byte, spillQueue+1),
		done: make(chan struct{}),
	}
	go w.run()
	return w
}

func (w *spillWriter) run() {
	defer close(w.done)
	for j := range w.jobs {
		if j.done != nil {
			close(j.done)
			continue
		}
		if w.failed() == nil {
			if err := w.write(j.k, j.buf); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
		}
		select {
		case w.free <- j.buf[:0]:
		default: // enough spare buffers
		}
	}
}

// write appends buf to partition k's file, creating it on first use.
func (w *spillWriter) write(k int, buf []byte) error {
	for len(w.files) <= k {
		w.files = append(w.files, nil)
	}
	f := w.files[k]
	if f == nil {
		var err error
		if f, err = os.Create(partitionFile(w.dir, k)); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		w.files[k] = f
	}
	if _, err := f.Write(buf); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	return nil
}

// failed returns the first write error so far, if any.
func (w *spillWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// send queues buf for partition k and returns an empty buffer to fill
// next, or the first write error. The caller must not touch buf again.
func (w *spillWriter) send(k int, buf []byte) ([]byte, error) {
	if err := w.failed(); err != nil {
		return nil, err
	}
	w.jobs <- spillJob{k: k, buf: buf}
	select {
	case b := <-w.free:
		return b, nil
	default:
		return make([]byte, 0, cap(buf)), nil
	}
}

// barrier returns a channel closed once the buffers queued so far are
// written (or have failed: see failed).
func (w *spillWriter) barrier() <-chan struct{} {
	done := make(chan struct{})
	w.jobs <- spillJob{done: done}
	return done
}

// close waits for the queued writes, closes the files and returns the
// first error. It may be called more than once (after a failure too).
func (w *spillWriter) close() error {
	w.stop.Do(func() {
		close(w.jobs)
		<-w.done
		for _, f := range w.files {
			if f == nil {
				continue
			}
			if err := f.Close(); err != nil && w.err == nil {
				w.err = fmt.Errorf("spill: %w", err)
			}
		}
		w.files = nil
	})
	return w.err
}

// partitionFile is the name of partition k's file under dir.
func partitionFile(dir string, k int) string {
	return filepath.Join(dir, fmt.Sprintf("part-%06d", k))
}

// readFileInto reads the first n bytes of the file name, or all of it if n
// < 0, into buf, grown if needed.
func readFileInto(name string, n int64, buf []byte) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if n < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		n = st.Size()
	}
	buf = resize(buf, int(n))
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return buf, nil
}
