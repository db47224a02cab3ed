package classifyrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestEachDay: every day from on is done once; the first day that fails
// stops the others, and its error, not a stopped day's, is returned.
func TestEachDay(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		var mu sync.Mutex
		done := map[int]int{}
		err := eachDay(context.Background(), 2, 20, workers, func(_ context.Context, i int) error {
			mu.Lock()
			done[i]++
			mu.Unlock()
			return nil
		})
		if err != nil || len(done) != 18 || done[0] != 0 || done[1] != 0 {
			t.Errorf("%d workers: %v, days done %v; want 2 to 19 once each", workers, err, done)
		}
		for i, n := range done {
			if n != 1 {
				t.Errorf("%d workers: day %d done %d times", workers, i, n)
			}
		}

		if workers < 3 {
			continue // days 0 and 3 hold two workers until day 10 fails
		}
		boom := errors.New("boom")
		err = eachDay(context.Background(), 0, 50, workers, func(ctx context.Context, i int) error {
			switch {
			case i == 10:
				return fmt.Errorf("day 10: %w", boom)
			case i == 0 || i == 3 || i > 10:
				<-ctx.Done() // stopped by day 10's failure
				return fmt.Errorf("day %d: %w", i, ctx.Err())
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Errorf("%d workers: error %v, want day 10's", workers, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := eachDay(ctx, 0, 3, 2, func(context.Context, int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}
}
