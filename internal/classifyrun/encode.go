package classifyrun

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nhsdigital/gp2gp/internal/output"
)

// encodeDays encodes the tables of days from on into tables, several at
// once.
func encodeDays(ctx context.Context, sink daySink, dir string, tables []encoded, from int, key func(int) string) error {
	n := len(tables)
	errs := make([]error, n)
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n-from)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				ts, err := sink.take(i)
				if err == nil {
					tables[i], err = encode(dir, i, ts)
				}
				if err != nil {
					errs[i] = fmt.Errorf("encode %s: %w", key(i), err)
					next.Store(int64(n)) // stop the others
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // the first day's that failed
		}
	}
	return ctx.Err()
}

// encoded is one day's table: its bytes, or the file holding them.
type encoded struct {
	data []byte
	file string
}

// encode writes one day's table, to a file in dir if dir is set.
func encode(dir string, i int, ts []output.V11Transfer) (encoded, error) {
	if dir == "" {
		var buf bytes.Buffer
		err := output.WriteV11(&buf, ts)
		return encoded{data: buf.Bytes()}, err
	}
	name := filepath.Join(dir, fmt.Sprintf("day-%d.parquet", i))
	f, err := os.Create(name)
	if err != nil {
		return encoded{}, err
	}
	bw := bufio.NewWriter(f)
	err = output.WriteV11(bw, ts)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return encoded{file: name}, err
}

func (e encoded) writeTo(w io.Writer) error {
	if e.file == "" {
		_, err := w.Write(e.data)
		return err
	}
	f, err := os.Open(e.file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
