package pipeline

import (
	"encoding/binary"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// Compact rows: the messages of a run are kept between reading and
// classification as compact binary records, grouped into partitions of
// consecutive conversations (by first-seen order), in memory or spilled to
// disk. A record is
//
//	flags      byte: flagNewConv, flagError, flagTo, flagFrom, GUID and ref forms
//	conv       uvarint: the conversation's index within its partition
//	[id]       the conversation id (form byte + text), on its first record only
//	time       varint: delta from the partition's previous record
//	guid       text (form in flags)
//	[ref]      text, unless empty
//	interaction, sender, recipient  interned string
//	[to] [from] interned string, when present
//	[error]    varint, when present
//
// Text is a canonical upper-case UUID stored in 16 bytes, or a uvarint
// length and the bytes.

const (
	flagNewConv  = 1 << 0
	flagError    = 1 << 1
	flagTo       = 1 << 2
	flagFrom     = 1 << 3
	flagGUIDUUID = 1 << 4 // the GUID is a UUID, else raw
	flagRefUUID  = 1 << 5 // the ref is a UUID
	flagRefRaw   = 1 << 6 // the ref is raw text; neither: empty
)

// Text forms of a conversation id.
const (
	formRaw  = 0
	formUUID = 1
)

const upperHex = "0123456789ABCDEF"

// parseUUID reads a canonical upper-case UUID (8-4-4-4-12 hex digits).
//
// It decodes eight digits at a time in a 64-bit word rather than looking
// each up in a table: every row has a GUID and most a ref and a
// conversation id, so this is on the hot path of reading.
func parseUUID(b []byte) (u [16]byte, ok bool) {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return u, false
	}
	b = b[:36]
	le := binary.LittleEndian
	w0, ok0 := hex8(le.Uint64(b[0:]))
	w1, ok1 := hex8(uint64(le.Uint32(b[9:])) | uint64(le.Uint32(b[14:]))<<32)
	w2, ok2 := hex8(uint64(le.Uint32(b[19:])) | uint64(le.Uint32(b[24:]))<<32)
	w3, ok3 := hex8(le.Uint64(b[28:]))
	le.PutUint32(u[0:], w0)
	le.PutUint32(u[4:], w1)
	le.PutUint32(u[8:], w2)
	le.PutUint32(u[12:], w3)
	return u, ok0 && ok1 && ok2 && ok3
}

// hex8 decodes eight upper-case hex digits, loaded little-endian into w
// (the first digit in the low byte), into four bytes, returned
// little-endian (the first two digits in the low byte). It reports false
// if any byte is not a digit 0-9 or A-F.
func hex8(w uint64) (uint32, bool) {
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
	)
	// For bytes under 0x80, adding 0x80-c sets a byte's high bit exactly
	// when the byte is >= c, without carrying into the next byte.
	digit := (w + (0x80-'0')*lo) &^ (w + (0x80-'9'-1)*lo)
	letter := (w + (0x80-'A')*lo) &^ (w + (0x80-'F'-1)*lo)
	valid := w&hi == 0 && (digit|letter)&hi == hi
	// A digit's value is its low nibble; a letter's (0x41..0x46) its low
	// nibble + 9. Bit 6 tells letters apart.
	v := w&(0x0f*lo) + (w>>6)&lo*9
	// Pair the nibbles: byte 2j becomes digit 2j << 4 | digit 2j+1.
	v = (v<<4 | v>>8) & 0x00ff00ff00ff00ff
	// Gather bytes 0, 2, 4, 6.
	v = (v | v>>8) & 0x0000ffff0000ffff
	v = (v | v>>16) & 0xffffffff
	return uint32(v), valid
}

// appendUUIDText appends the canonical text of u.
func appendUUIDText(dst []byte, u []byte) []byte {
	for i, c := range u[:16] {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// uuidMark starts a UUID stored in 16 bytes. It never occurs in valid
// UTF-8, so the 17 bytes, used as a string, equal no text GUID: the
// classification compares GUIDs without formatting them back to text.
const uuidMark = 0xff

// appendText appends b as uuidMark and 16 bytes when it is a canonical
// UUID (reporting true), else as a length and the bytes.
func appendText(dst, b []byte) ([]byte, bool) {
	if u, ok := parseUUID(b); ok {
		dst = append(dst, uuidMark)
		return append(dst, u[:]...), true
	}
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...), false
}

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
