package convstore

import (
	"encoding/binary"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// interner gives small ids to the few distinct values of low-cardinality
// columns. Past maxInterned values it stops, and values are stored inline.
type interner struct {
	ids    map[string]uint32
	values []string // by id - 1
	// nums holds the ids of numeric values (ASIDs), cheaper to find than
	// text in a map: a slot is numericKey << 20 | (id - 1), 0 when free.
	// At eight bytes a slot, the table of a month's ten thousand ASIDs is
	// 128 KiB, which stays in a core's L2 cache while the logs stream
	// through it.
	nums     []uint64 // power-of-two length, at most 3/4 full
	numsUsed int
}

// numericKey packs a string of 1 to 12 ASCII digits (an ASID's length),
// leading zeros included, into a number under 1 << 44: its value and its
// length.
func numericKey(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 12 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v<<4 | uint64(len(b)), true
}

const maxInterned = 1 << 20 // ids fit in the 20 bits of a nums slot, less one

// Interaction ids known in advance, interned first: 1 to 4.
var knownInteractions = [...]string{spine.RequestStartedID, spine.RequestCompletedID, spine.AcknowledgementID, spine.COPCID}

func newInterner() *interner {
	in := &interner{ids: make(map[string]uint32)}
	for _, s := range knownInteractions {
		in.values = append(in.values, s)
		in.ids[s] = uint32(len(in.values))
	}
	return in
}

// recent remembers a column's last values, to spare map lookups on
// columns with few distinct values (interaction ids, supplier systems).
type recent struct {
	vals [4]string
	ids  [4]uint32
	next int
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
	for i := range r.vals {
		if r.ids[i] != 0 && string(b) == r.vals[i] {
			return binary.AppendUvarint(dst, uint64(r.ids[i]))
		}
	}
	id := in.id(b)
	if id == 0 {
		return in.appendInline(dst, b)
	}
	r.vals[r.next], r.ids[r.next] = in.values[id-1], id
	r.next = (r.next + 1) % len(r.vals)
	return binary.AppendUvarint(dst, uint64(id))
}

// id returns the id of b, interning it if there is room; 0 if not.
func (in *interner) id(b []byte) uint32 {
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
	if k, ok := numericKey(b); ok {
		if id := in.numID(k, b); id != 0 {
			return binary.AppendUvarint(dst, uint64(id))
		}
		return in.appendInline(dst, b)
	}
	if id := in.id(b); id != 0 {
		return binary.AppendUvarint(dst, uint64(id))
	}
	return in.appendInline(dst, b)
}

// numID returns the id of the numeric value b with key k, interning it if
// there is room; 0 if not.
func (in *interner) numID(k uint64, b []byte) uint32 {
	if in.nums == nil {
		in.nums = make([]uint64, 1<<12)
	}
	mask := uint64(len(in.nums) - 1)
	for i := numHash(k) & mask; ; i = (i + 1) & mask {
		sl := in.nums[i]
		if sl>>20 == k {
			return uint32(sl&(1<<20-1)) + 1
		}
		if sl == 0 {
			if len(in.values) >= maxInterned {
				return 0
			}
			in.values = append(in.values, string(b))
			id := uint32(len(in.values))
			in.nums[i] = k<<20 | uint64(id-1)
			in.numsUsed++
			if in.numsUsed*4 > len(in.nums)*3 {
				in.growNums()
			}
			return id
		}
	}
}

func numHash(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> 20 }

func (in *interner) growNums() {
	old := in.nums
	in.nums = make([]uint64, 2*len(old))
	mask := uint64(len(in.nums) - 1)
	for _, sl := range old {
		if sl == 0 {
			continue
		}
		i := numHash(sl>>20) & mask
		for in.nums[i] != 0 {
			i = (i + 1) & mask
		}
		in.nums[i] = sl
	}
}

func (in *interner) appendInline(dst, b []byte) []byte {
	dst = append(dst, 0)
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}
