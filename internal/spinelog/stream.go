package spinelog

import (
	"errors"
	"io"
)

// countingReader counts the bytes read through it and remembers the first
// error other than io.EOF.
type countingReader struct {
	r    io.Reader
	n    int64
	err  error
	head [2]byte // the first two bytes read
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n && c.n+int64(i) < int64(len(c.head)); i++ {
		c.head[c.n+int64(i)] = p[i]
	}
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// errOverLimit is what limitReader returns once its limit is reached; the
// Reader reports it as ErrRecordTooLong.
var errOverLimit = errors.New("read limit reached")

// limitReader is a countingReader that refuses to read past a movable limit,
// so that no single record can make the CSV parser buffer unbounded data.
// Once tripped it stays tripped.
type limitReader struct {
	countingReader
	limit   int64
	tripped bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.tripped {
		return 0, errOverLimit
	}
	if room := l.limit - l.n; int64(len(p)) > room {
		if room <= 0 {
			l.tripped = true
			return 0, errOverLimit
		}
		p = p[:room]
	}
	return l.countingReader.Read(p)
}

// gzipMagic reports whether the input started with the gzip magic number.
func (c *countingReader) gzipMagic() bool {
	return c.n >= 2 && c.head == [2]byte{0x1f, 0x8b}
}
