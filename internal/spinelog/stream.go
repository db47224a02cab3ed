package spinelog

import (
	"io"
	"sync/atomic"
)

// countingReader counts the bytes read through it and remembers the first
// error other than io.EOF. The count may be read from any goroutine; err is
// read after the decompressor has reported an error.
type countingReader struct {
	r    io.Reader
	n    atomic.Int64
	err  error
	head [2]byte // the first two bytes read
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	read := c.n.Load()
	for i := 0; i < n && read+int64(i) < int64(len(c.head)); i++ {
		c.head[read+int64(i)] = p[i]
	}
	c.n.Add(int64(n))
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// gzipMagic reports whether the input started with the gzip magic number.
func (c *countingReader) gzipMagic() bool {
	return c.n.Load() >= 2 && c.head == [2]byte{0x1f, 0x8b}
}
