package convstore

import (
	"errors"
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Taking final partitions: a caller that classifies the final partitions
// while the rows are still being added, and that can read its logs again
// should their finality be disproved, may take them from the store rather
// than read them (Take). The store then forgets their rows, and does not
// keep those of theirs that come later (all cut off, see Late), so that it
// holds only the partitions not yet final, however long the logs: with
// logs in time order, about the cutoff's worth of rows.
//
// Once it has taken a partition, the caller relies on the store's checks
// of the rows' order. If Disproved reports a row that may not be cut off,
// what was classified is wrong and the rows to classify it again are
// gone: the caller must start over from its logs, without taking.
//
// Settled helps a caller that sorts the classified conversations by the
// time of one of their rows (the day of their request) to know when a
// time's conversations are all classified.

var (
	errTakeSpilled = errors.New("convstore: a spilled store's partitions cannot be taken")
	errDisproved   = errors.New("convstore: finality disproved: a row that may not be cut off came after its partition was final")
)

// Batch is a taken partition's records, which Reader.Decode turns into its
// conversations, on any goroutine.
type Batch struct {
	K    int // the partition
	data []byte
	strs []string
}

// Take takes the next final partition, 0 first, and forgets it. It must be
// called on the goroutine adding the rows, before Finish, on a store kept
// in memory (Options.Dir empty) whose finality is not disproved.
func (s *Store) Take() (Batch, error) {
	k := s.taken
	switch {
	case s.dir != "":
		return Batch{}, errTakeSpilled
	case s.convs == nil:
		return Batch{}, errFinished
	case s.Disproved():
		return Batch{}, errDisproved
	case k >= s.Final():
		return Batch{}, fmt.Errorf("partition %d: not final", k)
	}
	p := s.parts[k]
	b := Batch{K: k, data: p.buf[:s.final.sizes[k]], strs: s.strs.values}
	s.held -= int64(len(p.buf))
	s.grown = max(s.grown, len(p.buf))
	p.buf = nil
	s.taken++
	return b, nil
}

// Taken is how many partitions, from the first, were taken: 0..Taken()-1.
// They cannot be read.
func (s *Store) Taken() int { return s.taken }

// Settled returns a time T such that every row of the partitions not yet
// taken is at T or later. So is every row still to come, except rows of
// taken partitions and except rows that disprove: from now on, a row
// earlier than T of a partition not taken makes Disproved true. T never
// decreases; it is FinalSlack behind the latest row at most. It is only
// meaningful with a cutoff; without, it is the earliest time.
func (s *Store) Settled() spine.Time {
	f := s.final
	if f == nil || f.disprove || f.hi == minTime {
		return minTime
	}
	t := f.hi - FinalSlack
	for _, p := range s.parts[s.taken:] {
		t = min(t, p.min)
	}
	f.settled = max(f.settled, t)
	return f.settled
}

// Decode decodes a taken partition, returning how many conversations it
// holds; Conversation gives them. The batch's buffer then goes back to the
// store, for a partition to come: a Batch is decoded once.
func (r *Reader) Decode(b Batch) (int, error) {
	r.d.strs = b.strs
	if err := r.d.decode(b.data); err != nil {
		return 0, fmt.Errorf("partition %d: %w", b.K, err)
	}
	select { // the decoder keeps nothing of it
	case r.s.decoded <- b.data[:0]:
	default:
	}
	return r.d.conversations(), nil
}
