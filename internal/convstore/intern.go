package convstore

import (
	"encoding/binary"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// interner gives small ids to the few distinct values of low-cardinality
// columns. Past maxInterned values it stops, and values are stored inline.
type interner struct {
	ids    map[string]uint32 // values over 16 bytes
	values []string          // by id - 1
	// short holds the ids of values of 1 to 16 bytes (ASIDs above all,
	// two a row), found by their bytes as two words rather than by
	// hashing text in a map. At 24 bytes a slot, the table of a year's ten
	// thousand ASIDs is 384 KiB, which stays in a core's L2 cache while
	// the logs stream through it.
	short     []shortSlot // power-of-two length, at most 3/4 full
	shortUsed int
}

// shortSlot is an entry of interner.short: a value's shortKey and its id;
// n is 0 when the slot is free.
type shortSlot struct {
	a, b  uint64
	n, id uint32
}

// shortKey packs a value of 1 to 16 bytes into two words that, with its
// length, determine it: its first and last eight bytes (overlapping), or
// for under eight bytes its bytes. A shorter value inside a larger buffer
// (a field of a line) is loaded as one word and the bytes past it masked.
func shortKey(v []byte) (a, b uint64, ok bool) {
	switch n := len(v); {
	case n >= 8 && n <= 16:
		return binary.LittleEndian.Uint64(v), binary.LittleEndian.Uint64(v[n-8:]), true
	case n > 0 && n < 8:
		if cap(v) >= 8 {
			return binary.LittleEndian.Uint64(v[:8]) & (1<<(8*n) - 1), 0, true
		}
		for i := n - 1; i >= 0; i-- {
			a = a<<8 | uint64(v[i])
		}
		return a, 0, true
	}
	return 0, 0, false
}

func shortHash(a, b uint64, n uint32) uint64 {
	return (a*0x9E3779B97F4A7C15 ^ b*0xBF58476D1CE4E5B9 ^ uint64(n)) >> 20
}

// maxInterned bounds the values interned: a column of ids unique to each
// row would otherwise grow the interner without end.
const maxInterned = 1 << 20

// Interaction ids known in advance, interned first: 1 to 4.
var knownInteractions = [...]string{spine.RequestStartedID, spine.RequestCompletedID, spine.AcknowledgementID, spine.COPCID}

func newInterner() *interner {
	in := &interner{ids: make(map[string]uint32)}
	for _, s := range knownInteractions {
		in.id([]byte(s))
	}
	return in
}

// recent remembers a column's last values of 1 to 16 bytes by their
// shortKey, to spare table lookups on columns with few distinct values
// (supplier systems).
type recent struct {
	keys [4]recentKey
	next int
}

type recentKey struct {
	a, b  uint64
	n, id uint32 // n 0: unused (no key is empty)
}

// appendInteraction appends the id of an interaction id.
func (in *interner) appendInteraction(dst, b []byte) []byte {
	if len(b) == len(spine.AcknowledgementID) {
		for i, s := range knownInteractions {
			if string(b) == s {
				return append(dst, byte(i+1))
			}
		}
	}
	return in.appendString(dst, b)
}

// appendRecent appends the id of b, looking in r first.
func (in *interner) appendRecent(dst, b []byte, r *recent) []byte {
	x, y, ok := shortKey(b)
	if !ok {
		return in.appendString(dst, b)
	}
	n := uint32(len(b))
	for i := range r.keys {
		if k := &r.keys[i]; k.a == x && k.b == y && k.n == n {
			return binary.AppendUvarint(dst, uint64(k.id))
		}
	}
	id := in.shortID(x, y, b)
	if id == 0 {
		return in.appendInline(dst, b)
	}
	r.keys[r.next] = recentKey{x, y, n, id}
	r.next = (r.next + 1) % len(r.keys)
	return binary.AppendUvarint(dst, uint64(id))
}

// id returns the id of b, interning it if there is room; 0 if not.
func (in *interner) id(b []byte) uint32 {
	if x, y, ok := shortKey(b); ok {
		return in.shortID(x, y, b)
	}
	id, ok := in.ids[string(b)]
	if !ok && len(in.values) < maxInterned {
		s := string(b)
		in.values = append(in.values, s)
		id = uint32(len(in.values))
		in.ids[s] = id
	}
	return id
}

// appendString appends the id of b, or 0 and b inline.
func (in *interner) appendString(dst, b []byte) []byte {
	if id := in.id(b); id != 0 {
		return binary.AppendUvarint(dst, uint64(id))
	}
	return in.appendInline(dst, b)
}

// shortID returns the id of b, of 1 to 16 bytes with key x, y, interning
// it if there is room; 0 if not.
func (in *interner) shortID(x, y uint64, b []byte) uint32 {
	if in.short == nil {
		in.short = make([]shortSlot, 1<<12)
	}
	n := uint32(len(b))
	mask := uint64(len(in.short) - 1)
	for i := shortHash(x, y, n) & mask; ; i = (i + 1) & mask {
		sl := &in.short[i]
		if sl.a == x && sl.b == y && sl.n == n {
			return sl.id
		}
		if sl.n == 0 {
			if len(in.values) >= maxInterned {
				return 0
			}
			in.values = append(in.values, string(b))
			*sl = shortSlot{x, y, n, uint32(len(in.values))}
			in.shortUsed++
			if in.shortUsed*4 > len(in.short)*3 {
				in.growShort()
			}
			return uint32(len(in.values))
		}
	}
}

func (in *interner) growShort() {
	old := in.short
	in.short = make([]shortSlot, 2*len(old))
	mask := uint64(len(in.short) - 1)
	for _, sl := range old {
		if sl.n == 0 {
			continue
		}
		i := shortHash(sl.a, sl.b, sl.n) & mask
		for in.short[i].n != 0 {
			i = (i + 1) & mask
		}
		in.short[i] = sl
	}
}

func (in *interner) appendInline(dst, b []byte) []byte {
	dst = append(dst, 0)
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}
