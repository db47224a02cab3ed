package convstore

import (
	"encoding/binary"
	"errors"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

var errCorruptPartition = errors.New("corrupt records")

// decoder turns a partition's compact records back into conversations.
// Its buffers are reused from one partition to the next.
type decoder struct {
	strs    []string // the interner's values, by id - 1 (shared, read-only)
	extra   []string // values stored inline in this partition, by id - len(strs) - 1
	recs    []rec
	counts  []int // records per conversation
	grouped []rec // the records grouped by conversation
	starts  []int // conversation c's records are grouped[starts[c]:starts[c+1]]
	ids     []string
	texts   []int  // bytes of GUIDs and refs per conversation, then offsets in text
	textBuf []byte // text being built
	text    string // the GUIDs and refs, grouped like the records (see group)
}

// group sorts d.recs (in input order) into d.grouped by conversation,
// keeping input order within each (a counting sort), and copies their GUIDs
// and refs into d.text likewise: pairing reads each GUID, and finds those
// of a conversation on a few adjacent cache lines rather than all over the
// partition. d.starts and d.texts must hold each conversation's first
// record and text offset; they end up past its last.
func (d *decoder) group(data []byte, textLen int) {
	d.grouped = resize(d.grouped, len(d.recs))
	d.textBuf = resize(d.textBuf, textLen)
	for i := range d.recs {
		x := &d.recs[i]
		c := x.conv
		// Copy the record whole, then set its offsets in place: setting
		// them in a copy first made the copy's wide loads wait for the
		// narrow stores before them (a store-forwarding stall).
		g := &d.grouped[d.starts[c]]
		*g = *x
		d.starts[c]++
		t := d.texts[c]
		g.guid = uint32(t)
		t += copyText(d.textBuf[t:], data[x.guid:x.guid+x.guidLen])
		g.ref = uint32(t)
		t += copyText(d.textBuf[t:], data[x.ref:x.ref+x.refLen])
		d.texts[c] = t
	}
	d.text = string(d.textBuf)
}

// copyText copies a GUID or ref, and returns its length. UUIDs, nearly
// all, are copied inline as two overlapping 16-byte values rather than by
// a call to memmove (which is what the compiler makes of a 17-byte copy).
func copyText(dst, src []byte) int {
	if len(src) == 17 && len(dst) >= 17 {
		*(*[16]byte)(dst[1:]) = [16]byte(src[1:])
		*(*[16]byte)(dst) = [16]byte(src)
		return 17
	}
	return copy(dst, src)
}

// rec is one record, decoded without pointers: GUID and ref as offsets
// into the partition's data, then into decoder.text; strings as ids.
type rec struct {
	time                       spine.Time
	conv                       uint32
	guid, guidLen, ref, refLen uint32
	inter, sender, recipient   uint32
	to, from                   uint32 // 0: null
	code                       int64
	hasCode                    bool
}

type recordReader struct {
	b   []byte
	off int
	err bool
}

func (r *recordReader) uvarint() uint64 {
	if r.off+1 < len(r.b) { // most take one byte or two
		b0, b1 := r.b[r.off], r.b[r.off+1]
		if b0 < 0x80 {
			r.off++
			return uint64(b0)
		}
		if b1 < 0x80 {
			r.off += 2
			return uint64(b0&0x7f) | uint64(b1)<<7
		}
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.err, r.off = true, len(r.b)
		return 0
	}
	r.off += n
	return v
}

// varint reads a zig-zag varint, as binary.AppendVarint writes.
func (r *recordReader) varint() int64 {
	ux := r.uvarint()
	if ux&1 != 0 {
		return ^int64(ux >> 1)
	}
	return int64(ux >> 1)
}

func (r *recordReader) byte() byte {
	if r.off >= len(r.b) {
		r.err = true
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

// span skips n bytes and returns their offset.
func (r *recordReader) span(n uint64) (off, length uint32) {
	if uint64(len(r.b)-r.off) < n {
		r.err, r.off = true, len(r.b)
		return 0, 0
	}
	off = uint32(r.off)
	r.off += int(n)
	return off, uint32(n)
}

// text reads a text field stored by appendText.
func (r *recordReader) text(uuid bool) (off, length uint32) {
	if uuid {
		return r.span(17)
	}
	return r.span(r.uvarint())
}

func (d *decoder) str(r *recordReader) uint32 {
	id := r.uvarint()
	if id == 0 {
		off, n := r.span(r.uvarint())
		d.extra = append(d.extra, string(r.b[off:off+n]))
		return uint32(len(d.strs) + len(d.extra))
	}
	if id > uint64(len(d.strs)) {
		r.err = true
		return 0
	}
	return uint32(id)
}

func (d *decoder) value(id uint32) string {
	if int(id) <= len(d.strs) {
		return d.strs[id-1]
	}
	return d.extra[int(id)-len(d.strs)-1]
}

// decode reads a partition's records, grouping them by conversation.
func (d *decoder) decode(data []byte) error {
	d.recs, d.counts, d.texts, d.extra = d.recs[:0], d.counts[:0], d.texts[:0], d.extra[:0]
	var ids []byte // the conversation ids' text
	var idEnds []int
	r := recordReader{b: data}
	var last spine.Time
	for r.off < len(data) && !r.err {
		flags := r.byte()
		c := r.uvarint()
		if flags&flagNewConv != 0 {
			if c != uint64(len(d.counts)) {
				return errCorruptPartition
			}
			form := r.byte()
			off, n := r.text(form == formUUID)
			if r.err {
				break
			}
			if form == formUUID {
				ids = appendUUIDText(ids, data[off+1:off+n])
			} else {
				ids = append(ids, data[off:off+n]...)
			}
			idEnds = append(idEnds, len(ids))
			d.counts = append(d.counts, 0)
			d.texts = append(d.texts, 0)
		}
		if c >= uint64(len(d.counts)) {
			return errCorruptPartition
		}
		last += spine.Time(r.varint())
		x := rec{time: last, conv: uint32(c)}
		x.guid, x.guidLen = r.text(flags&flagGUIDUUID != 0)
		if flags&(flagRefUUID|flagRefRaw) != 0 {
			x.ref, x.refLen = r.text(flags&flagRefUUID != 0)
		}
		x.inter = d.str(&r)
		x.sender = d.str(&r)
		x.recipient = d.str(&r)
		if flags&flagTo != 0 {
			x.to = d.str(&r)
		}
		if flags&flagFrom != 0 {
			x.from = d.str(&r)
		}
		if flags&flagError != 0 {
			x.code, x.hasCode = r.varint(), true
		}
		d.recs = append(d.recs, x)
		d.counts[c]++
		d.texts[c] += int(x.guidLen + x.refLen)
	}
	if r.err {
		return errCorruptPartition
	}

	idText := string(ids)
	d.ids = resize(d.ids, len(d.counts))
	start := 0
	for i, end := range idEnds {
		d.ids[i] = idText[start:end]
		start = end
	}
	// Group the records by conversation, keeping input order within each:
	// a counting sort, so that each conversation's records are read
	// sequentially. Their GUIDs and refs are copied alongside.
	d.starts = resize(d.starts, len(d.counts)+1)
	off, textOff := 0, 0
	for c, n := range d.counts {
		d.starts[c] = off
		off += n
		n, d.texts[c] = d.texts[c], textOff
		textOff += n
	}
	d.starts[len(d.counts)] = off
	d.group(data, textOff)
	for c := len(d.counts); c > 0; c-- {
		d.starts[c] = d.starts[c-1]
	}
	d.starts[0] = 0
	return nil
}

// conversations is the number of conversations decoded.
func (d *decoder) conversations() int { return len(d.counts) }

// conversation returns conversation c of the partition decoded last, its
// messages in input order in buf (reused). Its GUIDs and refs are as
// stored (see uuidMark): fit for classification, not for display.
func (d *decoder) conversation(c int, buf []spine.Message) spine.Conversation {
	buf = buf[:0]
	recs := d.grouped[d.starts[c]:d.starts[c+1]]
	for i := range recs {
		x := &recs[i]
		m := spine.Message{
			Time:           x.time,
			ConversationID: d.ids[c],
			GUID:           d.text[x.guid : x.guid+x.guidLen],
			MessageRef:     d.text[x.ref : x.ref+x.refLen],
			Interaction:    d.value(x.inter),
			Sender:         d.value(x.sender),
			Recipient:      d.value(x.recipient),
		}
		if x.to != 0 {
			m.ToSystem = spine.Str(d.value(x.to))
		}
		if x.from != 0 {
			m.FromSystem = spine.Str(d.value(x.from))
		}
		if x.hasCode {
			m.Error = spine.Code(x.code)
		}
		buf = append(buf, m)
	}
	return spine.Conversation{ID: d.ids[c], Messages: buf}
}

// resize returns s with length n, reallocated only if too small.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
