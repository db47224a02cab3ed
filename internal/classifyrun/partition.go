package classifyrun

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nhsdigital/gp2gp/internal/convstore"
	"github.com/nhsdigital/gp2gp/internal/output"
	"github.com/nhsdigital/gp2gp/internal/spine"
)

// classify classifies the conversations of st's partitions from on and
// adds each window day's transfers, enriched with its day's lookup, to
// sink, in first-seen order. Partitions are classified on several
// goroutines and added in partition order; at most a few are in flight.
func classify(ctx context.Context, st *convstore.Store, from int, cfg *Config, lookups []*lookup, sum *Summary, sink daySink) error {
	opt := cfg.Options()
	n := st.Partitions()
	workers := max(1, min(runtime.GOMAXPROCS(0), n-from))
	results := make([]chan *partition, n)
	for k := range results[from:] {
		results[from+k] = make(chan *partition, 1)
	}
	tokens := make(chan struct{}, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }() // stop the workers first
	for range workers {
		wg.Go(func() {
			r := st.NewReader()
			var c classifier
			for {
				select {
				case tokens <- struct{}{}:
				case <-ctx.Done():
					return
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				nconv, err := r.Read(i)
				if err != nil {
					results[i] <- &partition{err: err}
					continue
				}
				results[i] <- c.partition(r, nconv, opt, lookups)
			}
		})
	}
	for i := from; i < n; i++ {
		var p *partition
		select {
		case p = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-tokens
		if p.err != nil {
			return p.err
		}
		sum.addPartition(p)
		for j := range p.transfers {
			if err := sink.add(p.days[j], &p.transfers[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// partition is one partition's classification: its transfers and their
// window days, in first-seen order, and its accounting.
type partition struct {
	transfers []output.V11Transfer
	days      []int
	convDays  []int32 // by conversation: its transfer's window day, or -1
	tally
	err error
}

// tally counts a partition's conversations and messages (see Summary).
type tally struct {
	conversations, noRequest, outside, unknownASIDs, integratedNoSender int
	messages                                                            []int // by spine.Disposition
	byDay                                                               map[int]*dayTally
}

type dayTally struct {
	transfers int
	statuses  map[spine.Status]int
	messages  []int
}

// numDispositions is the number of message dispositions.
var numDispositions = len(spine.Dispositions())

// classifier classifies partitions on one goroutine, reusing its buffers.
type classifier struct {
	k    spine.Classifier
	msgs []spine.Message
	// spare, if set, is a classified partition whose transfers and days
	// are no longer needed: the next partition reuses them.
	spare *partition
}

// partition classifies the n conversations of the partition r read last.
func (cl *classifier) partition(r *convstore.Reader, n int, opt spine.Options, lookups []*lookup) *partition {
	p := &partition{tally: tally{byDay: map[int]*dayTally{}, messages: make([]int, numDispositions)}, convDays: make([]int32, n)}
	if sp := cl.spare; sp != nil && cap(sp.transfers) >= n {
		p.transfers, p.days = sp.transfers[:0], sp.days[:0]
	} else {
		p.transfers, p.days = make([]output.V11Transfer, 0, n), make([]int, 0, n) // nearly all are transfers
	}
	cl.spare = nil
	// The transfers, in one allocation: the sink keeps them until their
	// days are encoded.
	slab := make([]spine.Transfer, 0, n)
	for i := range n {
		p.convDays[i] = -1
		conv := r.Conversation(i, cl.msgs)
		cl.msgs = conv.Messages
		c := cl.k.Classify(conv, opt)
		p.conversations++
		switch c.Skip {
		case spine.SkipNoRequest:
			p.noRequest++
		case spine.SkipOutsideWindow:
			p.outside++
		}
		for _, d := range c.Disposition {
			p.messages[d]++
		}
		if c.Skip != spine.NotSkipped {
			continue
		}
		day := int(time.Duration(c.Transfer.DateRequested-opt.WindowStart) * time.Microsecond / Day)
		dt := p.byDay[day]
		if dt == nil {
			dt = &dayTally{statuses: map[spine.Status]int{}, messages: make([]int, numDispositions)}
			p.byDay[day] = dt
		}
		dt.transfers++
		dt.statuses[c.Transfer.Status]++
		for _, d := range c.Disposition {
			dt.messages[d]++
		}
		slab = append(slab, c.Transfer) // at most one a conversation: no reallocation
		t := output.V11Transfer{Transfer: &slab[len(slab)-1]}
		var known bool
		l := lookups[day]
		if t.Requesting, known = l.practice(c.Transfer.RequestingASID); !known {
			p.unknownASIDs++
		}
		if t.Sending, known = l.practice(c.Transfer.SendingASID); !known {
			p.unknownASIDs++
		}
		t.LastSenderMessage, t.HasLastSender = c.LastSenderMessage()
		if !t.HasLastSender && c.Facts.Integrated {
			p.integratedNoSender++
		}
		p.transfers = append(p.transfers, t)
		p.days = append(p.days, day)
		p.convDays[i] = int32(day)
	}
	return p
}
