package spinelog

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// chunkSize is the size of the blocks the decompressing goroutine hands to
// the parser; chunks is how many it may fill ahead: 16 MiB, tens of
// milliseconds of decompression, so that the parser can spend that long on
// other work while it would wait (see Reader.SetIdle) without stopping the
// decompressor. The buffers are allocated as the decompressor first needs
// them, so a small log takes little memory.
const (
	chunkSize = bufferSize
	chunks    = 256
)

// errLineTooLong is what lineSource returns for a line over its limit.
var errLineTooLong = errors.New("line too long")

// chunk is a block of decompressed CSV; err, if set, follows its data.
type chunk struct {
	data []byte
	err  error
}

// inflater decompresses on its own goroutine, so that decompression (the
// floor of a run) and parsing proceed in parallel.
type inflater struct {
	out  chan chunk
	free chan []byte // buffers the parser is done with
	made int         // buffers allocated, at most chunks + 2
	done chan struct{}
	stop sync.Once
}

// spare holds the buffers of closed Readers for the next ones: a run
// reading hundreds of daily files would otherwise allocate, and zero, a
// read-ahead's worth for each.
var spare = make(chan []byte, 2*(chunks+2))

func getBuffer() []byte {
	select {
	case b := <-spare:
		return b
	default:
		return make([]byte, chunkSize)
	}
}

// putBuffer keeps b for another Reader, if spare has room. Only a buffer
// nobody else holds may be put: one received from free or out, or the
// goroutine's own.
func putBuffer(b []byte) {
	select {
	case spare <- b[:cap(b)]:
	default:
	}
}

// recycle puts the buffers in free and out, not to be used again, back in
// spare. Both the inflater's goroutine (stopped) and close may, each
// buffer going to whichever receives it.
func (f *inflater) recycle() {
	out := f.out
	for {
		select {
		case b := <-f.free:
			putBuffer(b)
		case c, ok := <-out:
			if !ok {
				out = nil // closed and drained
				continue
			}
			putBuffer(c.data)
		default:
			return
		}
	}
}

func startInflater(r io.Reader) *inflater {
	f := &inflater{out: make(chan chunk, chunks), free: make(chan []byte, chunks+2), done: make(chan struct{})}
	go f.run(r)
	return f
}

func (f *inflater) run(r io.Reader) {
	defer close(f.out)
	for {
		var buf []byte
		select {
		case buf = <-f.free:
		default:
			if f.made < chunks+2 {
				f.made++
				buf = getBuffer()
				break
			}
			select {
			case buf = <-f.free:
			case <-f.done:
				f.recycle()
				return
			}
		}
		n, err := 0, error(nil)
		for n < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[n:])
			n += m
		}
		select {
		case f.out <- chunk{buf[:n], err}:
		case <-f.done:
			putBuffer(buf)
			f.recycle()
			return
		}
		if err != nil {
			return
		}
	}
}

// close stops the goroutine; it may be called more than once.
func (f *inflater) close() { f.stop.Do(func() { close(f.done) }) }

// lineSource splits the decompressed stream into lines.
type lineSource struct {
	f     *inflater
	cur   []byte // unread part of the current chunk
	buf   []byte // the current chunk's buffer, returned to f.free when done
	carry []byte // a line spanning chunks, assembled
	err   error  // the error that followed the current chunk's data
	// crFree is whether the current chunk holds no carriage return, and
	// noCR whether the line next returned last holds none: then it is
	// known without searching it (a line of a chunk without one).
	crFree, noCR bool
	limit        int    // longest line accepted
	head         []byte // the start of the last line over the limit, for its error
	n            atomic.Int64
	idle         func() // called when the next chunk is not ready yet, if set
}

// next returns the next line, with its '\n' unless it is the last line of
// the stream. The line is valid until the next call. At the end it returns
// io.EOF; other errors are the stream's, returned after every complete line
// before them. A line over the limit is skipped, in bounded memory, and
// reported as errLineTooLong; the next call returns the line after it.
func (s *lineSource) next() ([]byte, error) {
	for {
		if i := bytes.IndexByte(s.cur, '\n'); i >= 0 {
			if len(s.carry)+i+1 > s.limit {
				s.keepHead(s.cur[:i])
				s.cur, s.carry = s.cur[i+1:], s.carry[:0]
				return nil, errLineTooLong
			}
			line := s.cur[:i+1]
			s.cur = s.cur[i+1:]
			if len(s.carry) == 0 {
				s.noCR = s.crFree
				return line, nil
			}
			s.carry = append(s.carry, line...)
			line, s.carry = s.carry, s.carry[:0]
			s.noCR = false
			return line, nil
		}
		if len(s.carry)+len(s.cur) > s.limit {
			return nil, s.skipLine()
		}
		s.carry = append(s.carry, s.cur...)
		s.cur = nil
		if err := s.refill(); err != nil {
			if err == io.EOF && len(s.carry) > 0 {
				line := s.carry
				s.carry = s.carry[:0]
				s.noCR = false
				return line, nil
			}
			return nil, err
		}
	}
}

// keepHead keeps the start of an over-long line, made of carry and then
// rest: enough of it to show in an error.
func (s *lineSource) keepHead(rest []byte) {
	const n = maxHeadBytes
	s.head = append(s.head[:0], s.carry[:min(len(s.carry), n)]...)
	s.head = append(s.head, rest[:min(len(rest), n-len(s.head))]...)
}

// refill replaces the exhausted current chunk with the next one, or
// returns the error that followed it.
func (s *lineSource) refill() error {
	if s.buf != nil {
		s.f.free <- s.buf[:cap(s.buf)]
		s.buf = nil
	}
	if s.err != nil {
		return s.err
	}
	var c chunk
	var ok bool
	select {
	case c, ok = <-s.f.out:
	default:
		if s.idle != nil {
			s.idle()
		}
		c, ok = <-s.f.out
	}
	if !ok {
		s.err = io.ErrClosedPipe // closed by close: not reached by the Reader
		return s.err
	}
	s.cur, s.buf, s.err = c.data, c.data, c.err
	s.crFree = bytes.IndexByte(c.data, '\r') < 0
	s.n.Add(int64(len(c.data)))
	return nil
}

// skipLine discards the rest of an over-long line, chunk by chunk, and
// returns errLineTooLong; a stream error met first is returned instead, once
// the line is reported.
func (s *lineSource) skipLine() error {
	s.keepHead(s.cur)
	s.carry = s.carry[:0]
	for {
		if i := bytes.IndexByte(s.cur, '\n'); i >= 0 {
			s.cur = s.cur[i+1:]
			return errLineTooLong
		}
		s.cur = nil
		if err := s.refill(); err != nil {
			if err == io.EOF {
				return errLineTooLong // the last line; io.EOF comes next
			}
			return err
		}
	}
}
