package spine

// Entry is a non-acknowledgement message with the acknowledgements paired
// with it (SPEC §4.4). Msg and Acks index Classification.Messages.
type Entry struct {
	Msg  int
	Acks []int
	// Replaced lists, in order, the earlier messages with this GUID that
	// this entry's message superseded.
	Replaced []int
}

// pairing is the ordered GUID → entry map of SPEC §4.4. Small
// conversations, the vast majority, are searched linearly, without a map.
type pairing struct {
	msgs    []Message
	entries []Entry
	index   map[string]int // nil for small conversations
}

// smallConversation is the most messages searched without a map.
const smallConversation = 64

// find returns the entry whose message has the GUID g.
func (p *pairing) find(g string) (int, bool) {
	if p.index != nil {
		e, ok := p.index[g]
		return e, ok
	}
	for e := range p.entries {
		if p.msgs[p.entries[e].Msg].GUID == g {
			return e, true
		}
	}
	return 0, false
}

// pair walks msgs (sorted by time) and pairs acknowledgements with the
// message they acknowledge. It records each message's disposition when it is
// an unpaired ack or a superseded message (or an ack of one).
func pair(msgs []Message, disp []Disposition) []Entry {
	p := pairing{msgs: msgs, entries: make([]Entry, 0, len(msgs))}
	if len(msgs) > smallConversation {
		p.index = make(map[string]int, len(msgs))
	}
	for i := range msgs {
		m := &msgs[i]
		if m.Kind() == Acknowledgement {
			e, ok := p.find(m.MessageRef)
			if !ok || m.MessageRef == "" {
				disp[i] = UnpairedAck
				continue
			}
			p.entries[e].Acks = append(p.entries[e].Acks, i)
			continue
		}
		if e, ok := p.find(m.GUID); ok {
			old := &p.entries[e]
			disp[old.Msg] = Superseded
			for _, a := range old.Acks {
				disp[a] = Superseded
			}
			old.Replaced = append(old.Replaced, old.Msg)
			old.Msg, old.Acks = i, nil
			continue
		}
		if p.index != nil {
			p.index[m.GUID] = len(p.entries)
		}
		p.entries = append(p.entries, Entry{Msg: i})
	}
	return p.entries
}
