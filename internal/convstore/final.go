package convstore

import "github.com/nhsdigital/gp2gp/internal/spine"

// Final partitions: with a cutoff, a caller may classify some partitions
// while the rows are still being added, instead of after.
//
// A conversation's messages later than the cutoff after its first are
// dropped (SPEC §4.2). Partitions hold conversations in first-seen order,
// so once the rows have moved past the latest first-seen time of
// partitions 0..k by more than the cutoff, every row still to come of
// their conversations will be dropped, if the rows are in time order from
// there on. Partition k is then final: the rows it gets later are all cut
// off and change nothing else.
//
// Spine logs are only mostly in time order, so that is checked, not
// assumed. A partition is made final only once the rows are FinalSlack
// past its bound (the latest first-seen time of partitions 0..k + the
// cutoff), and every row of a final partition that arrives later must be
// later than the bound, which proves it is dropped: the conversation's
// first message is no later than its first-seen row. Such rows are counted
// (see Late). A row no later than the bound may be kept, so it disproves
// the finality of every partition (see Disproved): what was read of them
// early must be discarded, and they must be read again after Finish. The
// rows are in the store either way.

// FinalSlack is how far past a partition's bound the rows must be before
// the partition is final: rows logged up to this much out of time order
// (Splunk exports have them minutes late) disprove nothing.
const FinalSlack = spine.Day

// finality is the bookkeeping of final partitions.
type finality struct {
	cutoff   spine.Time
	hi       spine.Time        // the latest row time so far
	first    spine.Time        // the latest first-seen time of the final partitions
	bounds   []spine.Time      // by final partition: its later rows must be later
	late     [][]uint32        // by final partition: the conversation (its index in the partition) of each row that came after it was final
	sizes    []int64           // by final partition: its record bytes when it became final
	written  []<-chan struct{} // by final partition, if spilled: closed once those bytes are on disk
	disprove bool              // a row of a final partition was not later than its bound, or one came before settled
	settled  spine.Time        // the latest time Settled returned
}

func newFinality(cutoff spine.Time) *finality {
	return &finality{cutoff: cutoff, hi: minTime, first: minTime, settled: minTime}
}

// observe checks a row of partition k's conversation conv at time t, just
// added, and makes final the partitions the rows have moved far enough
// past.
func (s *Store) observe(k, conv int, t spine.Time) error {
	f := s.final
	f.hi = max(f.hi, t)
	if k < len(f.bounds) {
		if t > f.bounds[k] {
			f.late[k] = append(f.late[k], uint32(conv))
		} else {
			f.disprove = true
		}
		return nil
	}
	if t < f.settled {
		f.disprove = true
	}
	// Partition k is full once a later one exists.
	for len(f.bounds) < len(s.parts)-1 && !f.disprove {
		k := len(f.bounds)
		p := s.parts[k]
		first := max(f.first, p.first)
		if f.hi-FinalSlack <= first+f.cutoff {
			break
		}
		var written <-chan struct{}
		if s.dir != "" {
			if err := s.flush(k); err != nil {
				return err
			}
			written = s.spill.barrier()
		}
		f.first = first
		f.bounds = append(f.bounds, first+f.cutoff)
		f.late = append(f.late, nil)
		f.sizes = append(f.sizes, p.spilled+int64(len(p.buf)))
		f.written = append(f.written, written)
	}
	return nil
}

// Final is how many partitions, from the first, are final: 0..Final()-1.
// Without a cutoff, or once disproved, it stops growing. Before Finish, a
// Reader reads a final partition's rows as they were when it became final.
func (s *Store) Final() int {
	if s.final == nil {
		return 0
	}
	return len(s.final.bounds)
}

// Ready reports whether final partition k can be read without waiting for
// its rows to reach the disk.
func (s *Store) Ready(k int) bool {
	if s.final == nil || k >= len(s.final.bounds) {
		return false
	}
	w := s.final.written[k]
	if w == nil {
		return true
	}
	select {
	case <-w:
		return true
	default:
		return false
	}
}

// Disproved reports whether a row came, after its partition became final,
// that may not be cut off: every partition read before Finish must then be
// read again after it.
func (s *Store) Disproved() bool { return s.final != nil && s.final.disprove }

// Late is how many rows of partitions 0..n-1 came after they became final:
// all later than the cutoff after their conversation's first message, so
// dropped by the classification. (Reading the partition after Finish
// gives them back.)
func (s *Store) Late(n int) int {
	if s.final == nil {
		return 0
	}
	late := 0
	for _, l := range s.final.late[:max(0, min(n, len(s.final.late)))] {
		late += len(l)
	}
	return late
}

// LateConversations gives, for each row of final partition k that came
// after it became final (see Late), its conversation: the conversation's
// index in the partition, as Reader.Conversation numbers them.
func (s *Store) LateConversations(k int) []uint32 {
	if s.final == nil || k < 0 || k >= len(s.final.late) {
		return nil
	}
	return s.final.late[k]
}
