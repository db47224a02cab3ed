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

// pairing is the ordered GUID → entry map of SPEC §4.4.
type pairing struct {
	entries []Entry
	index   map[string]int
}

// pair walks msgs (sorted by time) and pairs acknowledgements with the
// message they acknowledge. It records each message's disposition when it is
// an unpaired ack or a superseded message (or an ack of one).
func pair(msgs []Message, disp []Disposition) []Entry {
	p := pairing{index: make(map[string]int, len(msgs))}
	for i := range msgs {
		m := &msgs[i]
		if m.Kind() == Acknowledgement {
			e, ok := p.index[m.MessageRef]
			if !ok || m.MessageRef == "" {
				disp[i] = UnpairedAck
				continue
			}
			p.entries[e].Acks = append(p.entries[e].Acks, i)
			continue
		}
		if e, ok := p.index[m.GUID]; ok {
			old := &p.entries[e]
			disp[old.Msg] = Superseded
			for _, a := range old.Acks {
				disp[a] = Superseded
			}
			old.Replaced = append(old.Replaced, old.Msg)
			old.Msg, old.Acks = i, nil
			continue
		}
		p.index[m.GUID] = len(p.entries)
		p.entries = append(p.entries, Entry{Msg: i})
	}
	return p.entries
}
