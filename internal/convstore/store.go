package convstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/nhsdigital/gp2gp/internal/spine"
	"github.com/nhsdigital/gp2gp/internal/spinelog"
)

// DefaultPartitionSize is how many conversations (consecutive in
// first-seen order) a partition holds: small enough that a few decoded
// partitions fit in memory at once, large enough to amortise the work.
const DefaultPartitionSize = 8192

// spillChunk is how much of a partition is buffered before it is written.
const spillChunk = 64 << 10

// Options configure a Store.
type Options struct {
	// PartitionSize is how many conversations, consecutive in first-seen
	// order, a partition holds; 0 means DefaultPartitionSize.
	PartitionSize int
	// Dir, if set, is an existing directory the store spills its
	// partitions into, a file each, as they fill. The caller removes it.
	// Empty keeps every partition in memory.
	Dir string
	// Cutoff, if positive, is the classification's cutoff (SPEC §4.2): the
	// store then reports the partitions that have become final (see
	// Store.Final). Zero spares the bookkeeping.
	Cutoff spine.Time
	// Conversations, if positive, is how many conversations the rows are
	// expected to hold: the index of conversations is sized for them from
	// the start (for at most 4 M of them). It grows past them as it would
	// otherwise; sizing it up front spares its growing (each time a pause
	// of Add's, and a larger table of fresh memory) on the way. Too many
	// cost memory: about 40 bytes each.
	Conversations int
}

// Store holds the rows of a run between reading and classification, as
// compact records (see record.go) grouped into partitions of consecutive
// conversations in first-seen order.
//
// Rows are added on one goroutine. Once Finish has returned, partitions may
// be read on several, each with its own Reader.
type Store struct {
	size    uint32       // conversations per partition
	dir     string       // "" keeps the records in memory
	spill   *spillWriter // writes the partitions' files when dir is set
	parts   []*partition
	convs   *convIndex // nil once finished
	nconv   int        // conversations, once the index is released
	strs    *interner
	systems [2]recent // toSystem, fromSystem
	bytes   int64     // record bytes so far
	final   *finality // nil without a cutoff
	taken   int       // partitions 0..taken-1 were taken (see Take)
	held    int64     // record bytes in memory
	grown   int       // the largest partition taken: new ones start with room for as much
	// decoded holds the buffers of taken partitions once decoded, for new
	// partitions: a year's partitions would otherwise allocate, and the
	// memory fault in, a gigabyte. Readers send, Add receives.
	decoded chan []byte
}

type partition struct {
	buf     []byte
	last    spine.Time // time of the previous record
	first   spine.Time // the latest first-seen time of its conversations
	min     spine.Time // the earliest time of its rows
	spilled int64      // bytes queued for its file
}

// minTime is earlier than any row, maxTime later.
const (
	minTime = spine.Time(math.MinInt64)
	maxTime = spine.Time(math.MaxInt64)
)

// gzBytesPerConversation is about how much gzip-compressed log a
// conversation takes: 510 bytes in generated logs (a year of them: 1.04
// GB, 2.04 M conversations).
const gzBytesPerConversation = 512

// ConversationsIn estimates how many conversations gzBytes of compressed
// Spine log hold, for Options.Conversations: an estimate for speed only.
func ConversationsIn(gzBytes int64) int { return int(gzBytes / gzBytesPerConversation) }

var errFinished = errors.New("convstore: row added after Finish")

// New returns an empty Store. Close it when done.
func New(opt Options) *Store {
	size := opt.PartitionSize
	if size <= 0 {
		size = DefaultPartitionSize
	}
	s := &Store{size: uint32(size), dir: opt.Dir, convs: newConvIndex(opt.Conversations), strs: newInterner()}
	if s.dir != "" {
		s.spill = startSpillWriter(s.dir)
	}
	if opt.Cutoff > 0 {
		s.final = newFinality(opt.Cutoff)
		s.decoded = make(chan []byte, 4)
	}
	return s
}

// Add appends one row to its conversation's partition. It keeps nothing
// of row's buffers. An error is a failure to spill (or a row added after
// Finish); the store is then unusable.
func (s *Store) Add(row *spinelog.Row) error {
	if s.convs == nil {
		return errFinished
	}
	seq, isNew := s.convs.lookup(row.ConversationID)
	k := int(seq / s.size)
	for len(s.parts) <= k {
		s.parts = append(s.parts, &partition{first: minTime, min: maxTime, buf: s.newBuffer()})
	}
	if k < s.taken { // its rows are gone, and this one is cut off or disproves
		return s.observe(k, int(seq%s.size), row.Time)
	}
	p := s.parts[k]
	p.min = min(p.min, row.Time)
	if isNew {
		p.first = max(p.first, row.Time)
	}
	b := p.buf
	start := len(b)
	var flags byte
	b = append(b, 0)
	b = binary.AppendUvarint(b, uint64(seq%s.size))
	if isNew {
		flags |= flagNewConv
		var uuid bool
		form := len(b)
		b = append(b, formRaw)
		if b, uuid = appendText(b, row.ConversationID); uuid {
			b[form] = formUUID
		}
	}
	b = binary.AppendVarint(b, int64(row.Time-p.last))
	p.last = row.Time
	var uuid bool
	if b, uuid = appendText(b, row.GUID); uuid {
		flags |= flagGUIDUUID
	}
	if len(row.MessageRef) > 0 {
		if b, uuid = appendText(b, row.MessageRef); uuid {
			flags |= flagRefUUID
		} else {
			flags |= flagRefRaw
		}
	}
	b = s.strs.appendInteraction(b, row.Interaction)
	b = s.strs.appendString(b, row.Sender)
	b = s.strs.appendString(b, row.Recipient)
	if row.HasToSystem {
		flags |= flagTo
		b = s.strs.appendRecent(b, row.ToSystem, &s.systems[0])
	}
	if row.HasFromSystem {
		flags |= flagFrom
		b = s.strs.appendRecent(b, row.FromSystem, &s.systems[1])
	}
	if row.Error.Valid {
		flags |= flagError
		b = binary.AppendVarint(b, row.Error.Code)
	}
	b[start] = flags
	s.bytes += int64(len(b) - start)
	s.held += int64(len(b) - start)
	p.buf = b
	if s.dir != "" && len(b) >= spillChunk {
		if err := s.flush(k); err != nil {
			return err
		}
	}
	if s.final != nil {
		return s.observe(k, int(seq%s.size), row.Time)
	}
	return nil
}

// newBuffer returns an empty buffer for a new partition: a taken one's,
// if one is back from decoding and large enough. Partitions taken whole
// show how large one grows: starting one with that much room spares growing
// it by copies.
func (s *Store) newBuffer() []byte {
	want := s.grown + s.grown/8
	select {
	case b := <-s.decoded:
		if cap(b) >= want {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, want)
}

// flush queues partition k's buffer for writing to its file.
func (s *Store) flush(k int) error {
	p := s.parts[k]
	p.spilled += int64(len(p.buf))
	s.held -= int64(len(p.buf))
	buf, err := s.spill.send(k, p.buf)
	p.buf = buf
	return err
}

// Finish ends the adding of rows: it writes what is buffered, closes the
// files and drops the index of conversations. Every partition may then be
// read, once.
func (s *Store) Finish() error {
	if s.convs == nil {
		return nil
	}
	s.nconv, s.convs = int(s.convs.n), nil
	if s.dir == "" {
		return nil
	}
	for k, p := range s.parts {
		if err := s.flush(k); err != nil { // creates the file, if still missing
			return err
		}
		p.buf = nil
	}
	return s.spill.close()
}

// Close stops the spill writer and closes any file still open (after a
// failure). It may be called more than once, after Finish or not. The
// files stay in Options.Dir.
func (s *Store) Close() {
	if s.spill != nil {
		s.spill.close()
	}
}

// Conversations is the number of conversations seen.
func (s *Store) Conversations() int {
	if s.convs != nil {
		return int(s.convs.n)
	}
	return s.nconv
}

// Partitions is the number of partitions: conversation i, in first-seen
// order, is in partition i / PartitionSize.
func (s *Store) Partitions() int { return len(s.parts) }

// Bytes is the size of the records so far: the memory a run keeps its rows
// in, or spills.
func (s *Store) Bytes() int64 { return s.bytes }

// Held is the size of the records in memory, neither spilled nor taken,
// until Finish.
func (s *Store) Held() int64 { return s.held }

// load returns the first n bytes of partition k's records (all of them if
// n < 0), into buf if it is spilled (reallocated only if too small). If
// forget is set, the store drops the records.
func (s *Store) load(k int, n int64, forget bool, buf []byte) ([]byte, error) {
	p := s.parts[k]
	if s.dir == "" {
		b := p.buf
		if n >= 0 {
			b = b[:n]
		}
		if forget {
			p.buf = nil // (Held is not kept after Finish: partitions are read on several goroutines)
		}
		return b, nil
	}
	name := partitionFile(s.dir, k)
	b, err := readFileInto(name, n, buf)
	if err != nil {
		return nil, fmt.Errorf("read spilled partition: %w", err)
	}
	if forget {
		os.Remove(name) // the spill directory goes anyway
	}
	return b, nil
}
