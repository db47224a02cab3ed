package spine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// naivePair is docs/rules.md §4 transcribed plainly: a linear search of the
// entries in map order, acks appended as they come, a replaced message's
// acks dropped at once.
func naivePair(msgs []Message) ([]Entry, []Disposition) {
	disp := make([]Disposition, len(msgs))
	var entries []Entry
	find := func(g string) int {
		for e := range entries {
			if msgs[entries[e].Msg].GUID == g {
				return e
			}
		}
		return -1
	}
	for i, m := range msgs {
		if m.Kind() == Acknowledgement {
			e := find(m.MessageRef)
			if e < 0 || m.MessageRef == "" {
				disp[i] = UnpairedAck
				continue
			}
			entries[e].Acks = append(entries[e].Acks, i)
			continue
		}
		if e := find(m.GUID); e >= 0 {
			old := &entries[e]
			disp[old.Msg] = Superseded
			for _, a := range old.Acks {
				disp[a] = Superseded
			}
			old.Replaced = append(old.Replaced, old.Msg)
			old.Msg, old.Acks = i, nil
			continue
		}
		entries = append(entries, Entry{Msg: i})
	}
	return entries, disp
}

// TestPairMatchesNaive checks the hash-table pairing against the plain
// transcription on random conversations of up to 600 messages (tables of
// many sizes, reused between calls), with repeated GUIDs,
// acks before their message, empty GUIDs and refs, and GUIDs that differ
// only in their last byte.
func TestPairMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var p pairing // reused, as a Classifier does
	for n := range 400 {
		size := rng.IntN(600) + 1
		if n%2 == 0 {
			size = rng.IntN(12) + 1
		}
		guids := make([]string, rng.IntN(size)+1)
		for i := range guids {
			guids[i] = fmt.Sprintf("\xff0123456789abcde%c", byte(i))
		}
		guids[0] = ""
		msgs := make([]Message, size)
		for i := range msgs {
			inter := []string{RequestStartedID, RequestCompletedID, COPCID, AcknowledgementID, AcknowledgementID}[rng.IntN(5)]
			msgs[i] = Message{Time: Time(i), Interaction: inter, GUID: guids[rng.IntN(len(guids))]}
			if inter == AcknowledgementID {
				msgs[i].MessageRef = guids[rng.IntN(len(guids))]
			}
		}
		wantEntries, wantDisp := naivePair(msgs)
		disp := make([]Disposition, len(msgs))
		entries := p.pair(msgs, disp)
		if diff := cmp.Diff(wantEntries, entries, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("conversation %d (%d messages): entries (-naive +pair):\n%s", n, size, diff)
		}
		if diff := cmp.Diff(wantDisp, disp); diff != "" {
			t.Fatalf("conversation %d (%d messages): dispositions (-naive +pair):\n%s", n, size, diff)
		}
	}
}
