package explain

import (
	"fmt"

	"github.com/nhsdigital/gp2gp/internal/spine"
)

// dropReason says why message i took no part in the transfer.
func (b *builder) dropReason(i int) string {
	c := b.c
	m := &c.Messages[i]
	switch c.Disposition[i] {
	case spine.CutOff:
		return fmt.Sprintf("logged more than %d days after the conversation's first message (#1, %s)", b.ctx.CutoffDays, FormatTime(c.Messages[0].Time))
	case spine.NoRequestStarted:
		return fmt.Sprintf("the conversation's earliest message (#1, %s) is not a request started: not a transfer", c.Messages[0].Kind())
	case spine.OutsideWindow:
		return "the request started outside the metric month: not a transfer of the month"
	case spine.UnpairedAck:
		return b.unpairedReason(i)
	case spine.Superseded:
		if m.Kind() == spine.Acknowledgement {
			if n := b.holderOf(m.MessageRef); n > 0 {
				return fmt.Sprintf("acknowledged an earlier message with GUID %q, which #%d replaced; acks gathered before a replacement are discarded", m.MessageRef, n)
			}
			return fmt.Sprintf("acknowledged an earlier message with GUID %q that a later one replaced", m.MessageRef)
		}
		for _, en := range c.Entries {
			for _, r := range en.Replaced {
				if r == i {
					return fmt.Sprintf("replaced by #%d, a later message with the same GUID", en.Msg+1)
				}
			}
		}
		return "replaced by a later message with the same GUID"
	case spine.UnknownPurpose:
		if m.Kind() == spine.Acknowledgement {
			return fmt.Sprintf("acknowledges #%d, which has no role in the transfer", b.holderOf(m.MessageRef))
		}
		switch m.Kind() {
		case spine.RequestStarted:
			return "another request started after the first: ignored"
		case spine.COPC:
			return fmt.Sprintf("a COPC sent by %s, neither the requesting nor the sending ASID: ignored", m.Sender)
		}
		return fmt.Sprintf("unknown interaction %q: ignored", m.Interaction)
	}
	return c.Disposition[i].String()
}

func (b *builder) unpairedReason(i int) string {
	c := b.c
	ref := c.Messages[i].MessageRef
	if ref == "" {
		return "an acknowledgement without a messageRef: nothing to pair it with"
	}
	for j := i + 1; j < len(c.Messages); j++ {
		if c.Messages[j].GUID == ref && c.Messages[j].Kind() != spine.Acknowledgement {
			return fmt.Sprintf("acknowledges GUID %q, which was logged only later (#%d); an ack logged before the message it acknowledges is dropped", ref, j+1)
		}
	}
	return fmt.Sprintf("acknowledges GUID %q, which no earlier message of the conversation has", ref)
}

// holderOf is the number of the message that holds GUID's entry, or 0.
func (b *builder) holderOf(guid string) int {
	for _, en := range b.c.Entries {
		if b.c.Messages[en.Msg].GUID == guid {
			return en.Msg + 1
		}
	}
	return 0
}
