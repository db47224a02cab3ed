package convstore

import "encoding/binary"

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
// Text is a canonical upper-case UUID stored in 16 bytes (after uuidMark),
// or a uvarint length and the bytes. Strings are interned (see intern.go):
// an id, or 0 and the text inline.

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

// Text returns the logged text of a GUID or message ref as
// Reader.Conversation gives it (see uuidMark).
func Text(key string) string {
	if len(key) == 1+16 && key[0] == uuidMark {
		return string(appendUUIDText(nil, []byte(key[1:])))
	}
	return key
}
