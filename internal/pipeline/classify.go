package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

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
func classifyPartitions(ctx context.Context, ps *partitions, from int, opt spine.Options, emit func(*classified) error) error {
	n := len(ps.parts)
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
			var d decoder
			d.strs = ps.strs.values
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
				results[i] <- classifyPartition(ps, i, &d, opt, ts)
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

// classifyPartition decodes and classifies partition k, appending its
// transfers to ts (an emitted partition's, reused, or nil).
func classifyPartition(ps *partitions, k int, d *decoder, opt spine.Options, ts []spine.Transfer) *classified {
	data, err := ps.load(k, d.data)
	if err != nil {
		return &classified{err: err}
	}
	if ps.dir != "" {
		d.data = data
	}
	return classifyRecords(k, data, d, opt, ts)
}

// classifyRecords decodes and classifies the records of partition k.
func classifyRecords(k int, data []byte, d *decoder, opt spine.Options, ts []spine.Transfer) *classified {
	if err := d.decode(data); err != nil {
		return &classified{err: fmt.Errorf("partition %d: %w", k, err)}
	}
	n := d.conversations()
	c := &classified{sum: newSummary(), transfers: slices.Grow(ts[:0], n)}
	var buf []spine.Message
	var classifier spine.Classifier
	tally := newDispositionTally()
	for i := range n {
		conv := d.conversation(i, buf)
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
