package convstore

import "encoding/binary"

// convIndex numbers conversations in first-seen order. UUID ids, nearly
// all, go in open-addressing tables of their 16 bytes (cheaper than a Go
// map: no hashing of text, one probe mostly); others in a map.
//
// A month has millions of conversations, so the table of all of them is
// tens of megabytes, and a probe at a random place in it mostly misses the
// caches. But a conversation's rows come close together in a log ordered
// by time: half of them within ~150 rows of the one before, 95% within
// ~30,000. So ids are looked up first in a small table of the
// conversations seen lately, and only then in the table of all (replaying
// 6 M rows of a generated month: 50 ns a lookup, from 60).
type convIndex struct {
	all   uuidTable // every UUID id
	young uuidTable // the UUID ids seen lately; emptied when full
	other map[string]uint32
	n     uint32
}

// youngSlots is the size of the table of recent ids: 320 KiB, which fits
// in a core's L2 cache, and holds the ids of the last few tens of
// thousands of rows.
const youngSlots = 1 << 14

func newConvIndex() *convIndex {
	return &convIndex{
		all:   uuidTable{slots: make([]convSlot, 1<<16)},
		young: uuidTable{slots: make([]convSlot, youngSlots)},
		other: make(map[string]uint32),
	}
}

// lookup returns the conversation's number, and whether it is new.
func (c *convIndex) lookup(id []byte) (uint32, bool) {
	u, ok := parseUUID(id)
	if !ok {
		if n, ok := c.other[string(id)]; ok {
			return n, false
		}
		c.other[string(id)] = c.n
		c.n++
		return c.n - 1, true
	}
	h := slotHash(&u)
	ys, found := c.young.find(&u, h)
	if found {
		return ys.seq - 1, false
	}
	seq, isNew := uint32(0), false
	if s, found := c.all.find(&u, h); found {
		seq = s.seq
	} else {
		c.n++
		seq, isNew = c.n, true
		s.key, s.seq = u, seq
		c.all.added()
	}
	if c.young.used*2 >= len(c.young.slots) { // forget the old ones
		clear(c.young.slots)
		c.young.used = 0
		ys, _ = c.young.find(&u, h)
	}
	ys.key, ys.seq = u, seq
	c.young.used++
	return seq - 1, isNew
}

// uuidTable is an open-addressing hash table of UUIDs.
type uuidTable struct {
	slots []convSlot // power-of-two length
	used  int
}

// convSlot is a table entry; seq is the conversation's number + 1, 0 when
// the slot is free.
type convSlot struct {
	key [16]byte
	seq uint32
}

func slotHash(u *[16]byte) uint64 {
	a := binary.LittleEndian.Uint64(u[:8])
	b := binary.LittleEndian.Uint64(u[8:])
	return (a ^ b*0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9
}

// find returns u's slot and true, or the free slot where u goes and false.
func (t *uuidTable) find(u *[16]byte, h uint64) (*convSlot, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> 20 & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.seq == 0 {
			return s, false
		}
		if s.key == *u {
			return s, true
		}
	}
}

// added counts a slot filled after find, growing the table to keep it at
// most 3/4 full.
func (t *uuidTable) added() {
	t.used++
	if t.used*4 <= len(t.slots)*3 {
		return
	}
	old := t.slots
	t.slots = make([]convSlot, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.seq == 0 {
			continue
		}
		i := slotHash(&s.key) >> 20 & mask
		for t.slots[i].seq != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
