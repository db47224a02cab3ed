package spine

import (
	"testing"
	"time"
)

// Fuzz input layout: one option byte, then 4 bytes per message.
//
//	options: bits 0-1 cutoff (none, none, 1 day, 8 days)
//	b0: bits 0-2 interaction, bits 3-5 GUID, bits 6-7 extra µs
//	b1: bits 0-2 messageRef, bits 3-5 error code, bit 6 null fromSystem, bit 7 empty toSystem
//	b2: sender ASID b2%3, recipient ASID (b2/3)%3
//	b3: time as a signed number of 2-hour steps from fuzzT0
//
// GUIDs, refs and ASIDs come from tiny sets so that they collide.
var (
	fuzzInteractions = []string{RequestStartedID, RequestCompletedID, AcknowledgementID, COPCID,
		AcknowledgementID, COPCID, lrsAck, "urn:example:other"}
	fuzzGUIDs   = []string{"", "a", "b", "c", "d", "e", "f", "g"}
	fuzzASIDs   = []string{"A", "B", "003"}
	fuzzCodes   = []ErrorCode{{}, {}, Code(0), Code(12), Code(15), Code(30), Code(1), Code(99)}
	fuzzCutoffs = []Time{0, 0, Day, 8 * Day}
	// fuzzT0 is 5 December 2019: ±128 steps of 2 hours reach into November
	// and stay well inside December's neighbours.
	fuzzT0 = instant(2019, time.December, 5, 0, 0, 0, 0)
)

const fuzzMaxMessages = 64

// decodeConversation turns arbitrary bytes into a short message sequence.
func decodeConversation(data []byte) ([]Message, Options) {
	opt := window
	if len(data) == 0 {
		return nil, opt
	}
	opt.Cutoff = fuzzCutoffs[data[0]&3]
	data = data[1:]
	var msgs []Message
	for len(data) >= 4 && len(msgs) < fuzzMaxMessages {
		b0, b1, b2, b3 := data[0], data[1], data[2], data[3]
		data = data[4:]
		msg := Message{
			Time:           fuzzT0 + Time(int8(b3))*2*hour + Time(b0>>6),
			ConversationID: "c",
			GUID:           fuzzGUIDs[b0>>3&7],
			Interaction:    fuzzInteractions[b0&7],
			Sender:         fuzzASIDs[b2%3],
			Recipient:      fuzzASIDs[b2/3%3],
			MessageRef:     fuzzGUIDs[b1&7],
			Error:          fuzzCodes[b1>>3&7],
			FromSystem:     Str("from"),
			ToSystem:       Str("to"),
		}
		if b1&0x40 != 0 {
			msg.FromSystem = NullString{}
		}
		if b1&0x80 != 0 {
			msg.ToSystem = Str("")
		}
		msgs = append(msgs, msg)
	}
	return msgs, opt
}

// FuzzClassify checks, for arbitrary short conversations, that Classify
// never panics, that every message is accounted for, that the rule is the
// first of Rules that holds and carries the spec's status and reason, that
// the SLA is never negative, and that the result agrees with the spec oracle.
func FuzzClassify(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, opt := decodeConversation(data)
		c := classify(t, msgs, opt) // accounting, rule consistency and oracle
		if c.Skip != NotSkipped {
			return
		}
		want, ok := specOutcome[c.Rule.ID]
		if !ok || c.Rule.Status != want.Status || c.Rule.Reason != want.Reason {
			t.Errorf("rule %s: (%s, %q), spec says (%s, %q)", c.Rule.ID, c.Rule.Status, c.Rule.Reason, want.Status, want.Reason)
		}
		if c.Transfer.SLA < 0 || c.Facts.SLA < 0 {
			t.Errorf("negative SLA %d", c.Transfer.SLA)
		}
	})
}
