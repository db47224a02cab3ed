package classifyrun

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// eachDay calls do for each day i in [from, n), on up to workers
// goroutines at once, in order of i. The first failure stops the others:
// the context do is given is then cancelled, and no day is started after.
// It returns the error of the first day that failed other than by being
// cancelled, else the first day's error, else ctx's.
func eachDay(ctx context.Context, from, n, workers int, do func(ctx context.Context, i int) error) error {
	errs := make([]error, n)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range max(1, min(workers, n-from)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || wctx.Err() != nil {
					return
				}
				if errs[i] = do(wctx, i); errs[i] != nil {
					cancel() // stop the others
					return
				}
			}
		})
	}
	wg.Wait()
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	return ctx.Err()
}
