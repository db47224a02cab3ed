package convstore

import "encoding/binary"

// convIndex numbers conversations in first-seen order. UUID ids, nearly
// all, go in an open-addressing table of their 16 bytes (cheaper than a Go
// map: no hashing of text, one probe mostly); others in a map.
//
// A month has millions of conversations, so the table of all of them is
// tens of megabytes, and a probe at a random place in it mostly misses the
// caches. But a conversation's rows come close together in a log ordered
// by time: half of them within ~150 rows of the one before, 95% within
// ~30,000. So ids are looked up first in a small table of the
// conversations seen lately, and only then in the table of all (replaying
// 6 M rows of a generated month: 50 ns a lookup, from 60). The small
// table is keyed by the id's text, as logged: nine rows in ten are found
// there (a year of generated logs) without decoding the id's hex digits.
type convIndex struct {
	all   uuidTable  // every UUID id
	young youngTable // the 36-byte ids seen lately; emptied when half full
	other map[string]uint32
	n     uint32
}

// youngSlots is the size of the table of recent ids: 640 KiB, which fits
// in a core's L2 cache, and holds the ids of the last few tens of
// thousands of rows.
const youngSlots = 1 << 14

// maxPresized bounds the conversations an index is sized for up front
// (8 M slots, 160 MB): an estimate of more, if wrong, would hold that much
// memory for nothing. The index still grows past it.
const maxPresized = 1 << 22

// newConvIndex returns an index with room for n conversations (at most
// maxPresized) before it grows.
func newConvIndex(n int) *convIndex {
	return &convIndex{
		all:   uuidTable{slots: newSlots(tableSize(min(n, maxPresized)))},
		young: youngTable{slots: make([]youngSlot, youngSlots)},
		other: make(map[string]uint32),
	}
}

// lookup returns the conversation's number, and whether it is new.
func (c *convIndex) lookup(id []byte) (uint32, bool) {
	var ys *youngSlot
	if len(id) == uuidLen {
		var found bool
		if ys, found = c.young.find((*[uuidLen]byte)(id)); found {
			return ys.seq - 1, false
		}
	}
	seq, isNew := c.lookupAll(id)
	if ys != nil {
		if c.young.used*2 >= len(c.young.slots) { // forget the old ones
			clear(c.young.slots)
			c.young.used = 0
			ys, _ = c.young.find((*[uuidLen]byte)(id))
		}
		ys.key, ys.seq = [uuidLen]byte(id), seq
		c.young.used++
	}
	return seq - 1, isNew
}

// lookupAll returns the conversation's number + 1 from the table of all
// UUIDs or the map of other ids, numbering it if new.
func (c *convIndex) lookupAll(id []byte) (seq uint32, isNew bool) {
	u, ok := parseUUID(id)
	if !ok {
		if n, ok := c.other[string(id)]; ok {
			return n + 1, false
		}
		c.other[string(id)] = c.n
		c.n++
		return c.n, true
	}
	s, found := c.all.find(&u, slotHash(&u))
	if found {
		return s.seq, false
	}
	c.n++
	s.key, s.seq = u, c.n
	c.all.added()
	return c.n, true
}

// uuidLen is the length of a UUID's text.
const uuidLen = 36

// youngTable is an open-addressing hash table of 36-byte ids (UUIDs, as
// nearly all are), never grown: the caller empties it.
type youngTable struct {
	slots []youngSlot // power-of-two length
	used  int
}

// youngSlot is a youngTable entry; seq is the conversation's number + 1, 0
// when the slot is free.
type youngSlot struct {
	key [uuidLen]byte
	seq uint32
}

// find returns id's slot and true, or the free slot where id goes and
// false.
func (t *youngTable) find(id *[uuidLen]byte) (*youngSlot, bool) {
	le := binary.LittleEndian
	a, b := le.Uint64(id[0:]), le.Uint64(id[8:])
	c, d := le.Uint64(id[16:]), le.Uint64(id[24:])
	e := le.Uint32(id[32:])
	h := (a ^ b*0x9E3779B97F4A7C15 ^ c*0xC2B2AE3D27D4EB4F ^ d*0x165667B19E3779F9 ^ uint64(e)) * 0xBF58476D1CE4E5B9
	mask := uint64(len(t.slots) - 1)
	for i := h >> 20 & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.seq == 0 {
			return s, false
		}
		k := &s.key
		if le.Uint64(k[0:]) == a && le.Uint64(k[8:]) == b && le.Uint64(k[16:]) == c &&
			le.Uint64(k[24:]) == d && le.Uint32(k[32:]) == e {
			return s, true
		}
	}
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

// tableSize is the number of slots a uuidTable of n UUIDs starts with: a
// power of two, at least 1<<16, that n fill at most 3/4 of.
func tableSize(n int) int {
	size := 1 << 16
	for n*4 > size*3 {
		size *= 2
	}
	return size
}

// newSlots returns n free slots, in huge pages where the system allows:
// tens of megabytes probed at random.
func newSlots(n int) []convSlot {
	s := make([]convSlot, n)
	adviseHuge(s)
	return s
}

// added counts a slot filled after find, growing the table to keep it at
// most 3/4 full.
func (t *uuidTable) added() {
	t.used++
	if t.used*4 <= len(t.slots)*3 {
		return
	}
	old := t.slots
	t.slots = newSlots(2 * len(old))
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
