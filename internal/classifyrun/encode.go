package classifyrun

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spool"
)

// encodeDays encodes the tables of days from on into tables, several at
// once.
func encodeDays(ctx context.Context, sink daySink, dir string, tables []spool.Spool, from int, key func(int) string) error {
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

// encode encodes day i's table, to a file in dir if dir is set.
func encode(dir string, i int, ts []output.V11Transfer) (spool.Spool, error) {
	return spool.Write(dir, fmt.Sprintf("day-%d.parquet", i), func(w io.Writer) error { return output.WriteV11(w, ts) })
}
