package spine

import "hash/maphash"

// Entry is a non-acknowledgement message with the acknowledgements paired
// with it (docs/rules.md §4). Msg and Acks index Classification.Messages.
type Entry struct {
	Msg  int
	Acks []int
	// Replaced lists, in order, the earlier messages with this GUID that
	// this entry's message superseded.
	Replaced []int
}

// pairing is the ordered GUID → entry map of docs/rules.md §4: the entries in
// map order, found by GUID through a small open-addressing hash table of
// entry indexes, so that GUIDs are compared only when their hashes match.
// Pairing runs once per conversation, millions of times a run: a
// Classifier reuses its pairing, entries and acks included.
type pairing struct {
	msgs    []Message
	entries []Entry
	slots   []slot // len is a power of two, at least twice the messages
	// ackOf[i] is, for an acknowledgement paired when read, its entry
	// index, and ackMsg[i] the entry's message at that moment: the ack
	// stays paired only if no later message replaced that one.
	ackOf, ackMsg []int32
	counts        []int32 // acks kept per entry
	acks          []int   // backing of the entries' Acks
}

// slot is one hash table slot: entry is the entry's index + 1 (0: empty),
// hash the high bits of its GUID's hash.
type slot struct {
	hash  uint32
	entry int32
}

// guidSeed only spreads GUIDs over the table: any seed gives the same
// pairing.
var guidSeed = maphash.MakeSeed()

// reset prepares p for n messages.
func (p *pairing) reset(msgs []Message) {
	n := len(msgs)
	p.msgs = msgs
	size := 16
	for size < 2*n {
		size *= 2
	}
	p.slots = resize(p.slots, size)
	clear(p.slots)
	p.ackOf = resize(p.ackOf, n)
	p.ackMsg = resize(p.ackMsg, n)
}

// find returns the entry whose message has the GUID g, or the slot where
// an entry for g belongs and g's hash.
func (p *pairing) find(g string) (entry int, slotIndex int, hash uint32) {
	h := maphash.String(guidSeed, g)
	hash = uint32(h >> 32)
	mask := len(p.slots) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := p.slots[i]
		if s.entry == 0 {
			return -1, i, hash
		}
		if s.hash == hash && p.msgs[p.entries[s.entry-1].Msg].GUID == g {
			return int(s.entry - 1), i, hash
		}
	}
}

// pair walks msgs (sorted by time) and pairs acknowledgements with the
// message they acknowledge. It records each message's disposition when it is
// an unpaired ack or a superseded message (or an ack of one). The entries
// returned are valid until the next call.
func (p *pairing) pair(msgs []Message, disp []Disposition) []Entry {
	p.reset(msgs)
	p.entries = p.entries[:0]
	for i := range msgs {
		m := &msgs[i]
		p.ackOf[i] = -1
		if m.Kind() == Acknowledgement {
			e, _, _ := p.find(m.MessageRef)
			if e < 0 || m.MessageRef == "" {
				disp[i] = UnpairedAck
				continue
			}
			p.ackOf[i], p.ackMsg[i] = int32(e), int32(p.entries[e].Msg)
			continue
		}
		e, s, h := p.find(m.GUID)
		if e >= 0 {
			// The new message takes the old one's place; the old one's
			// acks are dropped below, seeing that their message changed.
			old := &p.entries[e]
			disp[old.Msg] = Superseded
			old.Replaced = append(old.Replaced, old.Msg)
			old.Msg = i
			continue
		}
		p.slots[s] = slot{hash: h, entry: int32(len(p.entries) + 1)}
		p.entries = append(p.entries, Entry{Msg: i})
	}
	p.attachAcks(disp)
	return p.entries
}

// attachAcks gives each entry, in time order, the acks paired with its
// current message, sharing one backing array; acks of a replaced message
// are superseded with it.
func (p *pairing) attachAcks(disp []Disposition) {
	p.counts = resize(p.counts, len(p.entries))
	clear(p.counts)
	kept := 0
	for i, e := range p.ackOf {
		if e < 0 {
			continue
		}
		if int(p.ackMsg[i]) != p.entries[e].Msg {
			disp[i] = Superseded
			p.ackOf[i] = -1
			continue
		}
		p.counts[e]++
		kept++
	}
	if kept == 0 {
		return
	}
	p.acks = resize(p.acks, kept)
	backing := p.acks
	off := int32(0)
	for e, n := range p.counts {
		if n > 0 {
			p.entries[e].Acks = backing[off : off : off+n]
		}
		off += n
	}
	for i, e := range p.ackOf {
		if e >= 0 {
			p.entries[e].Acks = append(p.entries[e].Acks, i)
		}
	}
}

// resize returns s with length n, reallocated only if too small.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
