package pipeline

import (
	"context"
	"runtime"
	"slices"
	"sync"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// classified is one partition's result: its transfers in first-seen order
// and the accounting of its conversations.
type classified struct {
	transfers []spine.Transfer
	sum       *Summary
	err       error
}

// classifyPartitions classifies the partitions on several goroutines and
// calls emit with each partition's result in partition order, so that
// transfers come out in first-seen order. At most a few partitions are
// decoded or waiting at once.
func classifyPartitions(ctx context.Context, st *convstore.Store, from int, opt spine.Options, emit func(*classified) error) error {
	n := st.Partitions()
	workers := max(1, min(runtime.GOMAXPROCS(0), n-from))
	results := make([]chan *classified, n)
	for k := range results {
		results[k] = make(chan *classified, 1)
	}
	tokens := make(chan struct{}, 2*workers+2) // bounds the partitions in flight
	// Emitted partitions' transfer slices, reused rather than allocating
	// 2 MB of garbage for each partition.
	spare := make(chan []spine.Transfer, cap(tokens))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next sync.Mutex
	k := from
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			r := st.NewReader()
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				next.Lock()
				i := k
				k++
				next.Unlock()
				if i >= n {
					<-tokens
					return
				}
				var ts []spine.Transfer
				select {
				case ts = <-spare:
				default:
				}
				results[i] <- classifyPartition(r, i, opt, ts)
			}
		})
	}
	defer wg.Wait()
	for i := from; i < n; i++ {
		var c *classified
		select {
		case c = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.err != nil {
			return c.err
		}
		if err := emit(c); err != nil {
			return err
		}
		clear(c.transfers) // drop the references to the partition's strings
		select {
		case spare <- c.transfers[:0]:
		default:
		}
		<-tokens
	}
	return nil
}

// classifyPartition reads and classifies partition k, appending its
// transfers to ts (an emitted partition's, reused, or nil).
func classifyPartition(r *convstore.Reader, k int, opt spine.Options, ts []spine.Transfer) *classified {
	n, err := r.Read(k)
	if err != nil {
		return &classified{err: err}
	}
	c := &classified{sum: newSummary(), transfers: slices.Grow(ts[:0], n)}
	var buf []spine.Message
	var classifier spine.Classifier
	tally := newDispositionTally()
	for i := range n {
		conv := r.Conversation(i, buf)
		buf = conv.Messages
		cl := classifier.Classify(conv, opt)
		c.sum.add(cl, tally)
		if cl.Skip == spine.NotSkipped {
			c.transfers = append(c.transfers, cl.Transfer)
		}
	}
	c.sum.addMessages(tally)
	return c
}

// merge adds the counts of o, a summary of other conversations, to s.
func (s *Summary) merge(o *Summary) {
	s.Conversations += o.Conversations
	s.ConversationsNoRequest += o.ConversationsNoRequest
	s.ConversationsOutsideWindow += o.ConversationsOutsideWindow
	s.Transfers += o.Transfers
	s.NegativeSLAsClamped += o.NegativeSLAsClamped
	for k, v := range o.Messages {
		s.Messages[k] += v
	}
	for k, v := range o.Statuses {
		s.Statuses[k] += v
	}
	for k, v := range o.FailureReasons {
		s.FailureReasons[k] += v
	}
}
