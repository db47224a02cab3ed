package synth

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/klauspost/compress/gzip"
)

// header is the first line of a Splunk export of the Spine message log.
const header = `"_time",conversationID,GUID,interactionID,messageSender,messageRecipient,messageRef,jdiEvent,toSystem,fromSystem` + "\n"

// flushSize is how much CSV a sink buffers before compressing it.
const flushSize = 256 << 10

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sink formats rows as CSV into a gzip stream.
type sink struct {
	out  *countingWriter
	gz   *gzip.Writer
	buf  []byte
	rows int64
	raw  int64
	err  error

	day    int64  // the day of dayStr, in days since the epoch
	dayStr []byte // `"2006-01-02T`
	tab    *tables
}

func newSink(w io.Writer, tab *tables) (*sink, error) {
	out := &countingWriter{w: w}
	gz, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("gzip writer: %w", err)
	}
	s := &sink{out: out, gz: gz, buf: make([]byte, 0, flushSize+4096), day: -1 << 62, tab: tab}
	s.buf = append(s.buf, header...)
	return s, nil
}

// write appends one row, compressing the buffer when it is full.
func (s *sink) write(r *row) {
	s.rows++
	s.buf = s.appendRow(s.buf, r)
	if len(s.buf) >= flushSize {
		s.flush()
	}
}

func (s *sink) flush() {
	if s.err == nil && len(s.buf) > 0 {
		s.raw += int64(len(s.buf))
		_, s.err = s.gz.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

// close flushes the buffer and ends the gzip stream.
func (s *sink) close() error {
	s.flush()
	if s.err != nil {
		return s.err
	}
	return s.gz.Close()
}

func (s *sink) appendRow(b []byte, r *row) []byte {
	t := s.tab
	b = s.appendTime(b, r.t)
	b = append(b, ',', '"')
	b = appendID(b, &r.conv)
	b = append(b, '"', ',', '"')
	b = appendID(b, &r.guid)
	b = append(b, '"', ',', '"')
	b = append(b, interactions[r.inter]...)
	b = append(b, '"', ',')
	b = append(b, t.asids[r.sender]...)
	b = append(b, ',')
	b = append(b, t.asids[r.recipient]...)
	if r.hasRef {
		b = append(b, ',', '"')
		b = appendID(b, &r.ref)
		b = append(b, '"', ',')
	} else {
		b = append(b, ",NotProvided,"...)
	}
	if r.jdi == noError {
		b = append(b, "NONE"...)
	} else {
		b = strconv.AppendInt(b, int64(r.jdi), 10)
	}
	b = append(b, ',')
	if !r.noSys {
		b = append(b, suppliers[t.supplier[r.recipient]]...)
		b = append(b, ',')
		b = append(b, suppliers[t.supplier[r.sender]]...)
	} else {
		b = append(b, ',')
	}
	return append(b, '\n')
}

const msPerDay = 86_400_000

// appendTime writes ms (milliseconds since the epoch) quoted, as Splunk
// does: "2019-12-01T08:41:48.337+0000".
func (s *sink) appendTime(b []byte, ms int64) []byte {
	day := ms / msPerDay
	rem := ms % msPerDay
	if rem < 0 {
		day--
		rem += msPerDay
	}
	if day != s.day {
		s.day = day
		s.dayStr = time.UnixMilli(day*msPerDay).UTC().AppendFormat(s.dayStr[:0], `"2006-01-02T`)
	}
	b = append(b, s.dayStr...)
	secs := rem / 1000
	b = append2(b, secs/3600)
	b = append(b, ':')
	b = append2(b, secs/60%60)
	b = append(b, ':')
	b = append2(b, secs%60)
	milli := rem % 1000
	return append(b, '.', byte('0'+milli/100), byte('0'+milli/10%10), byte('0'+milli%10), '+', '0', '0', '0', '0', '"')
}

func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

const hexDigits = "0123456789ABCDEF"

// appendID writes x as 8-4-4-4-12 uppercase hexadecimal.
func appendID(b []byte, x *id) []byte {
	for i, c := range x {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}
