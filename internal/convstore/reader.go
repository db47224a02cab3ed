package convstore

import (
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Reader reads partitions back as conversations. Each goroutine reading
// needs its own: it reuses its buffers from one partition to the next.
type Reader struct {
	s    *Store
	d    decoder
	data []byte // the last spilled partition's records, reused
}

// NewReader returns a Reader of s's partitions.
func (s *Store) NewReader() *Reader { return &Reader{s: s} }

// Read loads partition k and decodes it, returning how many conversations
// it holds; Conversation gives them.
//
// Once Finish has returned, Read gives all the partition's rows, and the
// store forgets them: each partition is read once. Before Finish, only a
// final partition may be read (see Store.Final), on the goroutine adding
// the rows; Read then gives its rows as they were when it became final,
// waiting if need be for them to reach the disk, and the store keeps them.
// A partition taken (see Store.Take) cannot be read.
func (r *Reader) Read(k int) (int, error) {
	s := r.s
	if k < 0 || k >= len(s.parts) {
		return 0, fmt.Errorf("partition %d of %d: no such partition", k, len(s.parts))
	}
	if k < s.taken {
		return 0, fmt.Errorf("partition %d: taken", k)
	}
	n, forget := int64(-1), true
	if s.convs != nil { // not finished
		if k >= s.Final() {
			return 0, fmt.Errorf("partition %d: not final", k)
		}
		f := s.final
		if w := f.written[k]; w != nil {
			<-w
			if err := s.spill.failed(); err != nil {
				return 0, err
			}
		}
		n, forget = f.sizes[k], false
	}
	data, err := s.load(k, n, forget, r.data)
	if err != nil {
		return 0, fmt.Errorf("partition %d: %w", k, err)
	}
	if s.dir != "" {
		r.data = data
	}
	// The interned values only grow, and records refer only to those
	// interned before them.
	r.d.strs = s.strs.values
	if err := r.d.decode(data); err != nil {
		return 0, fmt.Errorf("partition %d: %w", k, err)
	}
	return r.d.conversations(), nil
}

// Conversation returns conversation c of the partition read last (the
// partition's c-th in first-seen order), its messages in input order in
// buf, reused. Its strings stay valid after the next Read; buf does not.
//
// GUIDs and message refs are keys, fit for classification, not for
// display: equal exactly when the logged values are, but a UUID's is a
// 17-byte binary form. Text gives the logged text back.
func (r *Reader) Conversation(c int, buf []spine.Message) spine.Conversation {
	return r.d.conversation(c, buf)
}
