package pipeline

import (
	"encoding/binary"
	"fmt"
	"io"
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

// partitions holds the compact records of a run (see compact.go), in
// memory or, when dir is set, in one file per partition under dir.
type partitions struct {
	size    uint32       // conversations per partition
	dir     string       // "" keeps the records in memory
	spill   *spillWriter // writes the partitions' files when dir is set
	parts   []*partition
	convs   *convIndex
	nconv   int // conversations, once the index is released
	strs    *interner
	systems [2]recent // toSystem, fromSystem
	bytes   int64     // record bytes so far
	early   *early    // classifies partitions during the read, if set
}

type partition struct {
	buf     []byte
	last    spine.Time // time of the previous record
	first   spine.Time // the latest first-seen time of its conversations
	spilled int64      // bytes queued for its file
}

func newPartitions(size int, dir string) *partitions {
	ps := &partitions{size: uint32(size), dir: dir, convs: newConvIndex(), strs: newInterner()}
	if dir != "" {
		ps.spill = startSpillWriter(dir)
	}
	return ps
}

// add appends one row to its conversation's partition.
func (ps *partitions) add(row *spinelog.Row) error {
	seq, isNew := ps.convs.lookup(row.ConversationID)
	k := int(seq / ps.size)
	for len(ps.parts) <= k {
		ps.parts = append(ps.parts, &partition{first: minTime})
	}
	p := ps.parts[k]
	if isNew {
		p.first = max(p.first, row.Time)
	}
	b := p.buf
	start := len(b)
	var flags byte
	b = append(b, 0)
	b = binary.AppendUvarint(b, uint64(seq%ps.size))
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
	b = ps.strs.appendInteraction(b, row.Interaction)
	b = ps.strs.appendString(b, row.Sender)
	b = ps.strs.appendString(b, row.Recipient)
	if row.HasToSystem {
		flags |= flagTo
		b = ps.strs.appendRecent(b, row.ToSystem, &ps.systems[0])
	}
	if row.HasFromSystem {
		flags |= flagFrom
		b = ps.strs.appendRecent(b, row.FromSystem, &ps.systems[1])
	}
	if row.Error.Valid {
		flags |= flagError
		b = binary.AppendVarint(b, row.Error.Code)
	}
	b[start] = flags
	ps.bytes += int64(len(b) - start)
	p.buf = b
	if ps.dir != "" && len(b) >= spillChunk {
		if err := ps.flush(k); err != nil {
			return err
		}
	}
	if ps.early != nil {
		return ps.early.observe(k, row.Time)
	}
	return nil
}

// flush queues partition k's buffer for writing to its file.
func (ps *partitions) flush(k int) error {
	p := ps.parts[k]
	p.spilled += int64(len(p.buf))
	buf, err := ps.spill.send(k, p.buf)
	p.buf = buf
	return err
}

// finish writes what is buffered and closes the files.
func (ps *partitions) finish() error {
	if ps.dir == "" {
		return nil
	}
	for k, p := range ps.parts {
		if err := ps.flush(k); err != nil { // creates the file, if still missing
			return err
		}
		p.buf = nil
	}
	return ps.spill.close()
}

// load returns the records of partition k and forgets them. A spilled
// partition is read into buf, reallocated only if too small: the decoder
// keeps nothing of the data, so a worker reuses one buffer for all its
// partitions instead of allocating megabytes for each.
func (ps *partitions) load(k int, buf []byte) ([]byte, error) {
	p := ps.parts[k]
	if ps.dir == "" {
		b := p.buf
		p.buf = nil
		return b, nil
	}
	name := partitionFile(ps.dir, k)
	b, err := readFileInto(name, -1, buf)
	if err != nil {
		return nil, fmt.Errorf("read spilled partition: %w", err)
	}
	os.Remove(name)
	return b, nil
}

// readFileInto reads the first n bytes of the file name, or all of it if n
// < 0, into buf, grown if needed.
func readFileInto(name string, n int64, buf []byte) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if n < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		n = st.Size()
	}
	buf = resize(buf, int(n))
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return buf, nil
}

// conversations is the number of conversations seen.
func (ps *partitions) conversations() int {
	if ps.convs != nil {
		return int(ps.convs.n)
	}
	return ps.nconv
}

// release drops the conversation index, no longer needed once every row is in.
func (ps *partitions) release() { ps.nconv, ps.convs = int(ps.convs.n), nil }

// closeFiles stops the spill writer and closes any file still open
// (after a failure).
func (ps *partitions) closeFiles() {
	if ps.spill != nil {
		ps.spill.close()
	}
}
